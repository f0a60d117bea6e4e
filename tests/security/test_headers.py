"""Every HTML page sends the security headers and holds no script the CSP would block."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.exams.attempts import attempt_start, attempt_submit
from quizzes.models import Question
from tests.factories import BlueprintFactory, build_bank
from tests.security.conftest import wrong_choice
from tests.security.html import executable_markup

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/",
    "/lessons/",
    "/matrix/",
    "/matrix/compare/",
    "/practice/",
    "/practice/mixed/",
    "/practice/drill/",
    "/practice/classify/",
    "/exams/",
    "/admin/login/",
    "/no-such-page/",
]
GUEST = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/done/",
]
LEARNER = [
    "/dashboard/",
    "/review/",
    "/accounts/profile/",
    "/accounts/data/",
    "/accounts/delete/",
    "/accounts/password_change/",
    "/accounts/password_change/done/",
]


@pytest.fixture
def pages(user) -> dict[str, list[str]]:
    """Guest and learner pages of every kind, with the content they need."""
    questions = build_bank(5)
    question = questions[0]
    service = question.services.first()
    live = attempt_start(user=user, blueprint=BlueprintFactory(question_count=3)).attempt
    done = attempt_start(user=user, blueprint=BlueprintFactory(question_count=3)).attempt
    attempt_submit(attempt=done)
    with_objects = [
        question.lesson.get_absolute_url(),
        reverse("lessons:matrix_service", args=[service.slug]),
        reverse("quizzes:practice_service", args=[service.slug]),
        reverse("quizzes:practice_question", args=[question.pk]),
        reverse("quizzes:classify", args=[service.slug]),
    ]
    return {
        "guest": PUBLIC + GUEST + with_objects,
        "learner": PUBLIC
        + with_objects
        + LEARNER
        + [
            reverse("quizzes:attempt_question", args=[live.pk, 1]),
            reverse("quizzes:attempt_submit", args=[live.pk]),
            reverse("quizzes:attempt_result", args=[done.pk]),
        ],
    }


def assert_secure_page(response, url: str) -> None:
    csp = response.get("Content-Security-Policy", "")
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip()
    )
    assert "'unsafe-inline'" not in directives.get("script-src", "x"), url
    assert "'unsafe-eval'" not in directives.get("script-src", "x"), url
    assert directives.get("object-src") == "'none'", url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"], url
    assert response.get("X-Frame-Options") == "DENY" or "frame-ancestors 'none'" in csp, url
    assert executable_markup(response.content.decode()) == [], url


@pytest.mark.parametrize("who", ["guest", "learner"])
def test_every_page_sends_the_headers_and_no_inline_script(client, user, pages, who):
    if who == "learner":
        client.force_login(user)
    for url in pages[who]:
        response = client.get(url)
        assert response.status_code in {200, 404}, (url, response.status_code)
        assert response["Content-Type"].startswith("text/html"), url
        assert_secure_page(response, url)


def test_feedback_and_htmx_fragments_carry_them_too(client, user):
    question: Question = build_bank(1)[0]
    client.force_login(user)
    data = {"question": question.pk, "choice": wrong_choice(question)}
    fragment = client.post("/practice/answer", data, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert_secure_page(fragment, "fragment")
    page = client.post("/practice/answer", data, follow=True)
    assert_secure_page(page, "feedback page")


def test_the_lockout_page_carries_them(client, user):
    for _ in range(10):
        response = client.post("/accounts/login/", {"username": user.username, "password": "x"})
    assert response.status_code == 429
    assert_secure_page(response, "lockout")
