"""One learner never reaches another's attempts, answers, cards or exported data."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def attempt_urls(a) -> list[tuple[str, str]]:
    """(method, url) for every page of A's two attempts."""
    return [
        ("get", reverse("quizzes:attempt_detail", args=[a.live.pk])),
        ("get", reverse("quizzes:attempt_question", args=[a.live.pk, 1])),
        ("post", reverse("quizzes:attempt_question", args=[a.live.pk, 1])),
        ("get", reverse("quizzes:attempt_submit", args=[a.live.pk])),
        ("post", reverse("quizzes:attempt_submit", args=[a.live.pk])),
        ("get", reverse("quizzes:attempt_result", args=[a.finished.pk])),
        ("get", reverse("quizzes:attempt_detail", args=[a.finished.pk])),
        ("get", reverse("quizzes:practice_feedback", args=[a.answer.pk])),
    ]


def test_another_learners_attempts_and_feedback_are_not_found(learners):
    a, b = learners
    for method, url in attempt_urls(a):
        response = getattr(b.client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
    a.live.refresh_from_db()
    assert not a.live.is_finished  # B's submit changed nothing


def test_the_owner_reaches_the_same_pages(learners):
    a, _ = learners
    for method, url in attempt_urls(a):
        if method == "get":
            response = a.client.get(url, follow=True)
            assert response.status_code == 200, (url, response.status_code)


def test_export_holds_only_the_learners_own_data(learners):
    a, b = learners
    export = b.client.get(reverse("learner_export"))
    assert export.status_code == 200
    body = export.content.decode()
    assert b.missed.ref in body
    assert a.missed.ref not in body
    assert a.user.username not in body
    assert a.user.email not in body


@pytest.mark.parametrize("name", ["quizzes:dashboard", "quizzes:review"])
def test_dashboard_and_review_show_only_the_learners_own_work(learners, name):
    a, b = learners
    page = b.client.get(reverse(name)).content.decode()
    assert a.missed.stem not in page
    assert a.user.username not in page


def test_review_shows_the_learners_own_card(learners):
    """So the absence of A's card on B's review page means something."""
    from quizzes.models import ReviewCard

    a, b = learners
    # B's blank exam questions are due first; leave B the practice miss alone.
    ReviewCard.objects.filter(user=b.user).exclude(question=b.missed).delete()
    assert b.missed.stem in b.client.get(reverse("quizzes:review")).content.decode()
