"""Timed exams are shaped like CLF-C02: only its two item types, fresh items each sitting,
and a readiness estimate that drill-format answers cannot inflate."""

from __future__ import annotations

import random
from itertools import combinations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from pytest_django.asserts import assertContains

from quizzes.dashboard.mastery import dashboard_context
from quizzes.exams.attempts import attempt_start, attempt_submit
from quizzes.exams.pool import published_blueprint_problems
from quizzes.exams.selection import select_questions
from quizzes.models import ExamBlueprint, PracticeAnswer, Question
from tests.factories import (
    BlueprintFactory,
    LayerFactory,
    QuestionFactory,
    ServiceFactory,
    UserFactory,
    multiple_question,
    owner_question,
)

pytestmark = pytest.mark.django_db


def test_selection_never_draws_a_drill_format_item():
    owners = {owner_question().pk for _ in range(30)}
    shaped = {QuestionFactory().pk for _ in range(10)} | {multiple_question().pk for _ in range(5)}
    for seed in range(20):
        chosen = set(select_questions(count=15, rng=random.Random(seed)))
        assert chosen == shaped and not chosen & owners


def test_a_single_with_three_options_is_not_exam_shaped():
    three = QuestionFactory(choices=[("The customer", True), ("AWS", False), ("Both", False)])
    four = QuestionFactory()
    assert list(Question.objects.exam_shaped().values_list("pk", flat=True)) == [four.pk]
    assert three.pk not in select_questions(count=1, rng=random.Random(1))


def test_three_full_simulations_in_a_row_share_at_most_a_third(shipped_content):
    learner = UserFactory()
    blueprint = ExamBlueprint.objects.get(slug="full-simulation")
    sittings = []
    for seed in range(3):
        attempt = attempt_start(user=learner, blueprint=blueprint, rng=random.Random(seed)).attempt
        sittings.append(set(attempt.items.values_list("question_id", flat=True)))
        kinds = set(Question.objects.filter(pk__in=sittings[-1]).values_list("kind", flat=True))
        assert "owner" not in kinds
        attempt_submit(attempt=attempt)
    for first, second in combinations(sittings, 2):
        assert len(first & second) <= blueprint.question_count // 3


def on_a_cell(question: Question, service, layer) -> Question:
    question.services.add(service)
    question.layers.add(layer)
    return question


def test_drill_answers_cannot_make_a_learner_look_ready():
    """Perfect on AWS / Customer / Shared, half right on exam-style items: not ready."""
    learner = UserFactory()
    service, layer = ServiceFactory(), LayerFactory()
    for _ in range(60):
        question = on_a_cell(owner_question(), service, layer)
        key = question.choices.get(is_correct=True)
        PracticeAnswer.objects.create(
            user=learner, question=question, selected=[key.pk], correct=True
        )
    for n in range(40):
        question = on_a_cell(QuestionFactory(), service, layer)
        PracticeAnswer.objects.create(
            user=learner, question=question, selected=[], correct=n % 2 == 0
        )
    readiness = dashboard_context(learner)["readiness"]
    assert readiness.answers == 40  # the drill answers are not counted
    assert not readiness.likely_pass and readiness.pass_chance < 50


def test_the_dashboard_says_what_readiness_is_based_on(client):
    learner = UserFactory()
    service, layer = ServiceFactory(), LayerFactory()
    for n in range(25):
        question = on_a_cell(QuestionFactory(), service, layer)
        PracticeAnswer.objects.create(
            user=learner, question=question, selected=[], correct=n % 5 != 0
        )
    client.force_login(learner)
    page = client.get(reverse("quizzes:dashboard"))
    assertContains(page, "From your 25 exam-style answers in the past 60 days")
    assertContains(page, "Drill-format questions (AWS / Customer / Shared)")


def test_practice_labels_drill_format(client):
    question = owner_question()
    page = client.get(reverse("quizzes:practice_question", args=[question.pk]))
    assertContains(page, "Drill format")
    single = QuestionFactory()
    page = client.get(reverse("quizzes:practice_question", args=[single.pk]))
    assert "Drill format" not in page.content.decode()


def test_loading_content_refuses_a_published_exam_the_bank_cannot_fill(shipped_content):
    assert published_blueprint_problems() == []
    BlueprintFactory(title="Marathon", question_count=500)
    problems = published_blueprint_problems()
    assert len(problems) == 1 and problems[0].startswith(
        "Blueprint “Marathon”: This exam needs 500"
    )
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_content")


def test_coverage_page_counts_exam_style_items_per_service_and_layer(
    admin_client, shipped_content, django_assert_max_num_queries
):
    url = reverse("admin:quizzes_question_coverage")
    with django_assert_max_num_queries(8):
        page = admin_client.get(url)
    ec2 = Question.objects.published().exam_shaped().filter(services__slug="ec2").count()
    assertContains(page, f"<td>Amazon EC2</td><td>{ec2}</td>", html=False)
    assertContains(page, "✓ enough")
    assert "⚠ thin" not in page.content.decode()  # every service and layer has 8 or more


def test_item_quality_filter_finds_exam_style_items_with_a_dead_distractor(admin_client):
    dead, alive = QuestionFactory(), QuestionFactory()
    learners = UserFactory.create_batch(20)
    for n, learner in enumerate(learners):
        for question in (dead, alive):
            choices = list(question.choices.order_by("position"))
            # `dead`: only the key and the second choice are ever picked.
            picked = choices[n % 2] if question is dead else choices[n % 4]
            PracticeAnswer.objects.create(
                user=learner, question=question, selected=[picked.pk], correct=picked.is_correct
            )
    page = admin_client.get(reverse("admin:quizzes_question_changelist") + "?quality=unpicked")
    assertContains(page, dead.ref)
    assert alive.ref not in page.content.decode()
