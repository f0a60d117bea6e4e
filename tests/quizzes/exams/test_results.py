from __future__ import annotations

import random
from datetime import UTC

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from lessons.models import Layer, Service
from quizzes.exams.attempts import attempt_start, attempt_submit
from quizzes.exams.results import attempt_breakdown
from quizzes.models import Question
from tests.factories import BlueprintFactory

pytestmark = pytest.mark.django_db

# Each service's own lesson (the reported bugs: WorkSpaces was sent to "The
# abstraction spectrum", Fargate to "What AWS always owns", IAM to the controls lesson).
SERVICE_LESSONS = {
    "ec2": "ec2",
    "ecs-ec2": "containers-ecs-fargate",
    "fargate": "containers-ecs-fargate",
    "rds": "rds",
    "lambda": "lambda",
    "s3": "s3",
    "dynamodb": "dynamodb",
    "vpc": "vpc",
    "iam": "iam",
    "workspaces": "saas-workspaces",
}


@pytest.fixture
def everything_missed(shipped_content, user):
    """A finished attempt over the whole shipped bank with nothing answered."""
    count = Question.objects.published().exam_shaped().count()
    blueprint = BlueprintFactory(question_count=count, minutes=300)
    attempt = attempt_start(user=user, blueprint=blueprint, rng=random.Random(1)).attempt
    return attempt_submit(attempt=attempt)


def test_every_service_area_links_to_that_services_own_lesson(everything_missed):
    breakdown = attempt_breakdown(everything_missed.items.all())
    linked = {area.slug: area.lesson.slug for area in breakdown.services}
    assert linked == SERVICE_LESSONS
    for area in breakdown.services:
        assert area.slug in area.lesson.services.values_list("slug", flat=True)


def test_every_layer_area_links_to_the_lesson_that_teaches_it(everything_missed):
    breakdown = attempt_breakdown(everything_missed.items.all())
    assert len(breakdown.layers) == Layer.objects.count()
    for area in breakdown.layers:
        layer = Layer.objects.select_related("lesson").get(slug=area.slug)
        assert layer.lesson is not None, area.slug
        assert area.lesson == layer.lesson


def test_every_shipped_service_and_layer_has_a_lesson(shipped_content):
    assert not Service.objects.filter(lesson__isnull=True).exists()
    assert not Layer.objects.filter(lesson__isnull=True).exists()
    assert not Service.objects.filter(lesson__published=False).exists()


def test_result_page_sends_a_weak_service_to_its_lesson(auth_client, everything_missed):
    response = auth_client.get(reverse("quizzes:attempt_result", args=[everything_missed.pk]))
    assert response.status_code == 200
    breakdown = response.context["breakdown"]
    for area in breakdown.weakest:
        assertContains(response, f'<a href="{area.lesson.get_absolute_url()}">Reread')


def test_the_review_queue_sentence_counts_the_cards_the_exam_made(auth_client, user):
    """Wrong and blank scored items come back in review; the result says how many."""
    from quizzes.exams.attempts import attempt_answer
    from quizzes.models import ReviewCard
    from tests.factories import QuestionFactory

    QuestionFactory.create_batch(5)
    blueprint = BlueprintFactory(question_count=5, unscored_count=1)
    attempt = attempt_start(user=user, blueprint=blueprint, rng=random.Random(2)).attempt
    items = list(attempt.items.select_related("question").order_by("position"))
    scored = [item for item in items if item.scored]
    unscored = next(item for item in items if not item.scored)
    wrong = scored[0].question.choices.filter(is_correct=False).first()
    right = scored[1].question.choices.filter(is_correct=True).first()
    attempt_answer(attempt=attempt, item=scored[0], selected=[wrong.pk], flagged=False)
    attempt_answer(attempt=attempt, item=scored[1], selected=[right.pk], flagged=False)
    attempt_submit(attempt=attempt)  # scored[2:] and the unscored item are left blank

    cards = ReviewCard.objects.filter(user=user)
    expected = {scored[0].question_id, *(item.question_id for item in scored[2:])}
    assert {card.question_id for card in cards} == expected
    assert unscored.question_id not in expected
    response = auth_client.get(reverse("quizzes:attempt_result", args=[attempt.pk]))
    assertContains(
        response, f"{len(expected)} questions you missed (answered wrong or left blank)"
    )


def test_time_per_question_comes_from_the_save_times():
    from datetime import datetime, timedelta

    from quizzes.exams.results import seconds_per_item
    from quizzes.models import AttemptItem

    start = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    items = [
        AttemptItem(position=1, answered_at=start + timedelta(seconds=40)),
        AttemptItem(position=2, answered_at=None),  # skipped
        AttemptItem(position=3, answered_at=start + timedelta(seconds=100)),
        # Answered last, after going back to it: the time since the save before.
        AttemptItem(position=4, answered_at=start + timedelta(seconds=220)),
    ]
    assert seconds_per_item(started_at=start, items=items) == {1: 40, 3: 60, 4: 120}


def test_the_result_shows_time_beside_each_question_and_an_average(auth_client, user):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from quizzes.exams.attempts import attempt_answer
    from tests.factories import QuestionFactory

    QuestionFactory.create_batch(3)
    begin = timezone.now()
    with time_machine.travel(begin, tick=False):
        attempt = attempt_start(user=user, blueprint=BlueprintFactory(question_count=3)).attempt
    items = list(attempt.items.select_related("question").order_by("position"))
    for item, at in zip(items[:2], (45, 170), strict=True):
        with time_machine.travel(begin + timedelta(seconds=at), tick=False):
            choice = item.question.choices.first()
            attempt_answer(attempt=attempt, item=item, selected=[choice.pk], flagged=False)
    with time_machine.travel(begin + timedelta(seconds=200), tick=False):
        attempt_submit(attempt=attempt)

    response = auth_client.get(reverse("quizzes:attempt_result", args=[attempt.pk]))

    assertContains(response, "Time used: 3 min 20 s, about 1 min 25 s per answered question")
    html = response.content.decode()
    q1, q2, q3 = (html.index(f'id="q{n}"') for n in (1, 2, 3))
    assert "Time on this question: 45 s" in html[q1:q2]
    assert "Time on this question: 2 min 05 s" in html[q2:q3]
    assert "Time on this question" not in html[q3:]
