"""Hostile text in any authored field is shown as text on every page, never run."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lessons.models import Owner
from quizzes.exams.attempts import attempt_start, attempt_submit
from quizzes.practice.questions import question_answer
from tests.factories import (
    BlueprintFactory,
    LayerFactory,
    LessonFactory,
    QuestionFactory,
    ResponsibilityFactory,
    ServiceFactory,
)
from tests.security.conftest import wrong_choice
from tests.security.html import executable_markup

pytestmark = pytest.mark.django_db

MARK = "XSSMARK"
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "'><iframe src=javascript:alert(1)></iframe>",
    "[x](javascript:alert(1))",
    "[y](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">z</a>',
    "<details open ontoggle=alert(1)>",
    "{{ 7*7 }} {% debug %}",
]
LONG = f"{MARK} " + " ".join(PAYLOADS)
NAME = f'{MARK} <img src=x onerror=alert(1)> "><svg onload=alert(1)>'  # fits 80 characters
SHORT = "<svg onload=alert(1)>"  # fits 24


@pytest.fixture
def hostile(user) -> dict[str, str]:
    """Every authored field a learner sees, filled with payloads; the pages that show them."""
    layer = LayerFactory(name=NAME, description=LONG)
    services = [ServiceFactory(name=NAME, short_name=SHORT, summary=LONG) for _ in range(2)]
    for service, owner in zip(services, [Owner.AWS, Owner.CUSTOMER], strict=True):
        ResponsibilityFactory(
            service=service, layer=layer, owner=owner, aws_part=LONG, customer_part=LONG
        )
    lesson = LessonFactory(
        title=NAME,
        summary=LONG,
        prompt=LONG,
        prompt_answer=LONG,
        body=f"## {LONG}\n\n{LONG}\n\n| a | b |\n|---|---|\n| {LONG} | 2 |\n",
        takeaways=f"{LONG}\n{LONG}",
        further_reading="\n".join(PAYLOADS),
    )
    lesson.services.add(*services)
    choices = [(f"{LONG} right", True), (f"{LONG} wrong", False), ("AWS", False), ("Both", False)]
    question = QuestionFactory(lesson=lesson, stem=LONG, explanation=LONG, choices=choices)
    question.services.add(*services)
    question.layers.add(layer)
    answer = question_answer(user=user, question=question, selected=[wrong_choice(question)])
    live = attempt_start(user=user, blueprint=BlueprintFactory(question_count=1)).attempt
    done = attempt_start(user=user, blueprint=BlueprintFactory(question_count=1)).attempt
    attempt_submit(attempt=done)
    a, b = services
    return {
        "home": reverse("lessons:home"),
        "lesson list": reverse("lessons:lesson_list"),
        "lesson": lesson.get_absolute_url(),
        "matrix": reverse("lessons:matrix"),
        "service": reverse("lessons:matrix_service", args=[a.slug]),
        "compare": reverse("lessons:matrix_compare") + f"?a={a.slug}&b={b.slug}",
        "practice question": reverse("quizzes:practice_question", args=[question.pk]),
        "drill": reverse("quizzes:practice_drill"),
        "feedback": reverse("quizzes:practice_feedback", args=[answer.pk]),
        "exam question": reverse("quizzes:attempt_question", args=[live.pk, 1]),
        "result": reverse("quizzes:attempt_result", args=[done.pk]),
        "dashboard": reverse("quizzes:dashboard"),
        "review": reverse("quizzes:review"),
        "classify home": reverse("quizzes:classify_home"),
        "classify": reverse("quizzes:classify", args=[a.slug]),
    }


def test_payloads_show_as_text_and_never_run(auth_client, hostile):
    for page, url in hostile.items():
        response = auth_client.get(url)
        assert response.status_code == 200, (page, response.status_code)
        html = response.content.decode()
        assert MARK in html, f"{page} doesn't show the hostile text, so proves nothing"
        assert executable_markup(html) == [], page


def test_markdown_neither_runs_html_nor_templates(auth_client, hostile):
    html = auth_client.get(hostile["lesson"]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html  # shown as typed, not evaluated to 49
