"""Every URL refuses a POST without a valid CSRF token, even from a logged-in learner.

The URLs come from the resolver, so a new view (or a `csrf_exempt` one) is
checked the day it is added.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

from tests.factories import BlueprintFactory, ServiceFactory, UserFactory, build_bank

pytestmark = pytest.mark.django_db

SAMPLE = {"int": "1", "path": "1", "slug": "x", "str": "x", None: "x"}
WRONG_TOKEN = "a" * 32
REFUSED = b"CSRF verification failed"

# The views that take a POST; each must be among the resolver's URLs.
POST_VIEWS = {
    "quizzes:practice_answer",
    "quizzes:practice_drill_answer",
    "quizzes:classify",
    "quizzes:question_report",
    "quizzes:exam_start",
    "quizzes:attempt_question",
    "quizzes:attempt_submit",
    "lessons:lesson_complete",
    "logout",
    "login",
    "signup",
    "password_change",
    "password_reset",
    "profile",
    "account_delete",
    "admin:login",
    "admin:quizzes_question_import",
    "admin:quizzes_question_add",
}


def _sample_route(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE[m.group(1)], route)


def _sample_regex(regex: str) -> str:
    """One path a regex pattern matches: the first alternative of a group, else "1"."""
    regex = regex.lstrip("^").rstrip("$")
    return re.sub(
        r"\((?:\?P<\w+>)?([^()]*)\)",
        lambda m: m.group(1).split("|")[0] if "|" in m.group(1) else "1",
        regex,
    )


def every_url(patterns=None, prefix: str = "", namespace: str = ""):
    """(route name, a concrete path) for every pattern the project serves."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from every_url(pattern.url_patterns, prefix + _part(pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or ''}", "/" + prefix + _part(pattern)


def _part(pattern) -> str:
    if isinstance(pattern.pattern, RoutePattern):
        return _sample_route(str(pattern.pattern))
    return _sample_regex(pattern.pattern.regex.pattern)


URLS = sorted(set(every_url()))


@pytest.fixture
def csrf_client(db) -> Client:
    """A logged-in learner's browser that enforces CSRF, holding a real CSRF cookie."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    client.get("/")
    assert client.cookies.get("csrftoken"), "the home page sets the CSRF cookie"
    return client


def test_the_url_list_covers_every_view_that_takes_a_post():
    assert len(URLS) > 100
    assert POST_VIEWS - {name for name, _ in URLS} == set()
    for _, path in URLS:
        resolve(path)  # each sample path is one the project really routes


def test_every_url_refuses_a_post_without_a_token(csrf_client):
    accepted = []
    for name, path in URLS:
        response = csrf_client.post(path, {"x": "1"})
        if response.status_code != 403 or REFUSED not in response.content:
            accepted.append((name, path, response.status_code))
    assert accepted == []


@pytest.mark.parametrize("where", ["form", "header"])
def test_every_url_refuses_a_post_with_a_wrong_token(csrf_client, where):
    data, headers = {"x": "1"}, {}
    if where == "form":
        data["csrfmiddlewaretoken"] = WRONG_TOKEN
    else:
        headers = {"X-CSRFToken": WRONG_TOKEN, "HX-Request": "true"}
    accepted = []
    for name, path in URLS:
        response = csrf_client.post(path, data, headers=headers)
        if response.status_code != 403 or REFUSED not in response.content:
            accepted.append((name, path, response.status_code))
    assert accepted == []


@pytest.fixture
def real_posts(db) -> dict[str, str]:
    """The learner POST endpoints with objects behind them."""
    question = build_bank(5)[0]
    service = ServiceFactory()
    blueprint = BlueprintFactory(question_count=5)
    return {
        "quizzes:practice_answer": "/practice/answer",
        "quizzes:practice_drill_answer": "/practice/drill/answer",
        "quizzes:classify": f"/practice/classify/{service.slug}/",
        "quizzes:question_report": f"/practice/questions/{question.pk}/report",
        "quizzes:exam_start": f"/exams/{blueprint.slug}/start",
        "lessons:lesson_complete": f"/lessons/{question.lesson.slug}/complete",
        "profile": "/accounts/profile/",
        "account_delete": "/accounts/delete/",
        "password_change": "/accounts/password_change/",
        "admin:quizzes_question_import": "/admin/quizzes/question/import/",
        "logout": "/accounts/logout/",
    }


def test_with_the_right_token_the_same_posts_get_through(csrf_client, real_posts):
    """So the refusals above are the CSRF check, not the view turning the request away."""
    token = csrf_client.cookies["csrftoken"].value
    for name, path in real_posts.items():
        response = csrf_client.post(path, {"csrfmiddlewaretoken": token})
        assert response.status_code != 403, name
        refused = csrf_client.post(path, {"csrfmiddlewaretoken": WRONG_TOKEN})
        assert refused.status_code == 403, name
