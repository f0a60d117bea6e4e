"""The reads every page makes: the right rows, in a fixed number of plain queries."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.exams.attempts import attempt_answer, attempt_navigator, attempt_start
from quizzes.models import Choice, Question, ReviewCard
from quizzes.practice.questions import lesson_question_pick
from quizzes.review.cards import Answer, cards_record, due_cards, due_count
from srm_site.shared.db_functions import JSONArrayLength
from srm_site.shared.hot_reads import MAX_ID, lesson_service_rows
from tests.factories import (
    BlueprintFactory,
    LessonFactory,
    QuestionFactory,
    ServiceFactory,
    UserFactory,
    build_bank,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(user):
    build_bank(12)
    blueprint = BlueprintFactory(question_count=6, minutes=15)
    attempt = attempt_start(user=user, blueprint=blueprint, rng=random.Random(2)).attempt
    item = attempt.items.get(position=2)
    attempt_answer(attempt=attempt, item=item, selected=[str(item.choice_order[0])], flagged=True)
    return attempt


def test_the_navigator_is_one_query(attempt, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = attempt_navigator(attempt=attempt)
    assert [(row.position, row.answered, row.flagged) for row in rows][:2] == [
        (1, False, False),
        (2, True, True),
    ]
    assert [row.position for row in rows] == [1, 2, 3, 4, 5, 6]


def test_json_array_length_counts_in_the_database(attempt):
    lengths = dict(
        attempt.items.annotate(picked=JSONArrayLength("selected")).values_list(
            "position", "picked"
        )
    )
    assert lengths == {item.position: len(item.selected) for item in attempt.items.all()}
    assert lengths[2] == 1 and lengths[1] == 0


def test_a_saved_answer_is_stored_as_the_json_list_it_was(attempt):
    item = attempt.items.get(position=4)
    picked = sorted(item.choice_order[:1])
    attempt_answer(attempt=attempt, item=item, selected=[str(pk) for pk in picked], flagged=False)
    item.refresh_from_db()
    assert item.selected == picked and item.flagged is False and item.answered_at
    attempt_answer(attempt=attempt, item=item, selected=[], flagged=True)
    item.refresh_from_db()
    assert item.selected == [] and item.flagged is True and item.answered_at is None


def test_the_headers_due_count_at_every_moment(user, django_assert_num_queries):
    questions = build_bank(6)
    now = timezone.now()
    cards_record(user=user, answers=[Answer(q.pk, correct=False) for q in questions[:4]], at=now)
    Question.objects.filter(pk=questions[3].pk).update(status=Question.Status.DRAFT)
    cards_record(user=UserFactory(), answers=[Answer(questions[5].pk, correct=False)], at=now)
    moments = [now - timedelta(days=1), now, now + timedelta(minutes=30), now + timedelta(days=9)]
    with django_assert_num_queries(len(moments)):
        counts = [due_count(user, at=moment) for moment in moments]
    assert counts == [len(due_cards(user, at=moment)) for moment in moments]
    assert counts[0] == 0 and counts[-1] == 3  # the unpublished question's card isn't counted
    assert ReviewCard.objects.filter(user=user).count() == 4


def test_a_lessons_check_yourself_question_is_one_query_and_the_rows_its_queryset_gives(
    django_assert_num_queries,
):
    questions = build_bank(6)
    lesson = questions[0].lesson
    draft = questions[5]
    draft.status = Question.Status.DRAFT
    draft.save()
    QuestionFactory(lesson=LessonFactory())  # another lesson's
    picked = set()
    for _ in range(50):
        with django_assert_num_queries(1):
            question, choices = lesson_question_pick(lesson_id=lesson.pk)
        stored = Question.objects.get(pk=question.pk)
        shown = ("pk", "kind", "stem", "choose", "lesson_id")
        assert [getattr(question, name) for name in shown] == [
            getattr(stored, name) for name in shown
        ]
        queryset = Choice.objects.filter(question=stored).order_by("position")
        assert [(c.pk, c.question_id, c.position, c.text) for c in choices] == list(
            queryset.values_list("pk", "question_id", "position", "text")
        )
        # The card never holds the key: which choices are right is not read.
        assert all("is_correct" in choice.get_deferred_fields() for choice in choices)
        picked.add(question.pk)
    published = set(
        Question.objects.published().filter(lesson=lesson).values_list("pk", flat=True)
    )
    assert picked <= published and draft.pk not in published
    assert len(picked) > 1  # random, not always the same one


def test_a_lesson_without_a_published_question_has_nothing_to_check():
    assert lesson_question_pick(lesson_id=LessonFactory().pk) is None
    only_draft = QuestionFactory(lesson=LessonFactory(), status=Question.Status.DRAFT)
    assert lesson_question_pick(lesson_id=only_draft.lesson_id) is None
    assert lesson_question_pick(lesson_id=MAX_ID) is None


def test_a_lessons_services_sql_returns_what_its_queryset_does(django_assert_num_queries):
    lesson, other = LessonFactory(), LessonFactory()
    services = ServiceFactory.create_batch(4)
    services[0].position, services[3].position = 9, 0  # an order that is not creation order
    services[0].save(), services[3].save()
    lesson.services.set(services)
    other.services.set(services[1:2])
    with django_assert_num_queries(1):
        rows = lesson_service_rows(lesson.pk)
    assert rows == list(lesson.services.values_list("pk", "slug", "name"))
    assert lesson_service_rows(other.pk) == [(services[1].pk, services[1].slug, services[1].name)]
    assert lesson_service_rows(LessonFactory().pk) == []


def test_the_navigators_sql_returns_what_its_queryset_does(attempt):
    from srm_site.shared.hot_reads import navigator_rows

    other = attempt_start(
        user=UserFactory(), blueprint=attempt.blueprint, rng=random.Random(3)
    ).attempt
    item = attempt.items.get(position=5)
    attempt_answer(
        attempt=attempt,
        item=item,
        selected=[str(pk) for pk in item.choice_order[:2]],
        flagged=False,
    )
    queryset = attempt.items.order_by("position").values_list(
        "position", JSONArrayLength("selected"), "flagged", "choose"
    )
    assert navigator_rows(attempt.pk) == list(queryset)
    assert navigator_rows(other.pk) != navigator_rows(attempt.pk)  # another attempt's own rows
    assert navigator_rows(attempt.pk + other.pk + 1) == []


@pytest.mark.parametrize("signed_in", [True, False], ids=["learner", "guest"])
def test_the_study_paths_sql_returns_what_its_queryset_does(user, signed_in):
    from django.db.models import Exists, OuterRef, Value

    from lessons.models import Lesson, LessonProgress
    from srm_site.shared.hot_reads import study_path_rows

    first, second, third = (LessonFactory(position=n, title=f"Lesson {n}") for n in (1, 2, 3))
    tied = LessonFactory(position=2, title="A lesson tied on position")
    LessonFactory(position=4, published=False)  # a draft: never on the path
    third.prerequisites.set([first, tied])
    LessonProgress.objects.create(user=user, lesson=first)
    LessonProgress.objects.create(user=UserFactory(), lesson=second)  # someone else's
    finished = (
        Exists(LessonProgress.objects.filter(user=user, lesson=OuterRef("pk")))
        if signed_in
        else Value(False)
    )
    queryset = (
        Lesson.objects.published()
        .annotate(
            prerequisite=Exists(
                Lesson.prerequisites.through.objects.filter(
                    from_lesson=third, to_lesson=OuterRef("pk")
                )
            ),
            finished=finished,
        )
        .values_list("pk", "slug", "title", "prerequisite", "finished")
    )
    rows = study_path_rows(lesson_id=third.pk, user_id=user.pk if signed_in else None)
    assert rows == list(queryset)
    assert [row[0] for row in rows] == [first.pk, tied.pk, second.pk, third.pk]
    assert [row[3] for row in rows] == [True, True, False, False]
    assert [row[4] for row in rows] == [signed_in, False, False, False]


def test_the_exam_sheet_holds_what_the_orm_reads(attempt, user, django_assert_num_queries):
    from quizzes.exams.attempts import exam_sheet
    from quizzes.models import AttemptItem

    with django_assert_num_queries(1):
        sheet = exam_sheet(user=user, attempt_id=attempt.pk, position=2)
        navigator = sheet.navigator
        item = sheet.item
        assert item.attempt.blueprint.title == attempt.blueprint.title
    orm = AttemptItem.objects.select_related("attempt__blueprint").get(attempt=attempt, position=2)
    for name in ("pk", "attempt_id", "question_id", "snapshot", "position", "choose"):
        assert getattr(item, name) == getattr(orm, name), name
    for name in ("choice_order", "selected", "flagged", "answered_at", "scored"):
        assert getattr(item, name) == getattr(orm, name), name
    assert item.answered_at is not None and item.answered_at.utcoffset() is not None
    for name in ("pk", "user_id", "state", "deadline", "time_multiplier", "blueprint_id"):
        assert getattr(item.attempt, name) == getattr(orm.attempt, name), name
    assert navigator == attempt_navigator(attempt=attempt)
    # Fields the sheet doesn't read are deferred: read later, never made up.
    with django_assert_num_queries(1):
        assert item.attempt.started_at == orm.attempt.started_at


def test_the_exam_sheet_is_none_for_anything_but_the_learners_own_question(attempt, user):
    from quizzes.exams.attempts import exam_sheet

    assert exam_sheet(user=UserFactory(), attempt_id=attempt.pk, position=1) is None
    for attempt_id, position in [(attempt.pk, 0), (attempt.pk, 7), (attempt.pk + 1, 1)]:
        assert exam_sheet(user=user, attempt_id=attempt_id, position=position) is None
    assert exam_sheet(user=user, attempt_id=10**30, position=1) is None  # beyond any id
    assert exam_sheet(user=user, attempt_id=attempt.pk, position=10**30) is None


def test_a_saved_answer_shows_in_the_navigator_the_save_returns(attempt, user):
    from quizzes.exams.attempts import exam_sheet

    sheet = exam_sheet(user=user, attempt_id=attempt.pk, position=3)
    item = sheet.item
    attempt_answer(
        attempt=item.attempt, item=item, selected=[str(item.choice_order[0])], flagged=True
    )
    assert sheet.navigator_as_saved() == attempt_navigator(attempt=attempt)
