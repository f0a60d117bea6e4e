"""Prepared reads (srm_site/prepared.py) give exactly the queryset's rows, in one query."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import JSONField, Value
from django.db.models.functions import Cast
from django.utils import timezone

from quizzes.exam_views import _ITEM
from quizzes.exams import attempt_answer, attempt_navigator, attempt_start
from quizzes.models import AttemptItem, Choice, Question, ReviewCard
from quizzes.practice import lesson_question_pick
from quizzes.review import Answer, cards_record, due_cards, due_count
from srm_site.db_functions import JSONArrayLength
from srm_site.prepared import PreparedRead, PreparedUpdate
from tests.factories import (
    BlueprintFactory,
    LessonFactory,
    QuestionFactory,
    UserFactory,
    build_bank,
)

pytestmark = pytest.mark.django_db

ITEM = _ITEM  # the exam pages' own read: an item with its attempt and blueprint
NAVIGATOR = PreparedRead(
    lambda attempt_id: (
        AttemptItem.objects.filter(attempt_id=attempt_id)
        .order_by("position")
        .values_list("position", "selected", "flagged", "choose", "answered_at")
    ),
    attempt_id=int,
)


@pytest.fixture
def attempt(user):
    build_bank(12)
    blueprint = BlueprintFactory(question_count=6, minutes=15)
    attempt = attempt_start(user=user, blueprint=blueprint, rng=random.Random(2)).attempt
    item = attempt.items.get(position=2)
    attempt_answer(attempt=attempt, item=item, selected=[str(item.choice_order[0])], flagged=True)
    return attempt


def fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def test_objects_are_the_querysets_objects_with_their_related_rows(attempt, user):
    expected = AttemptItem.objects.select_related("attempt__blueprint").get(
        attempt=attempt, position=2
    )
    [item] = ITEM.objects(user_id=user.pk, attempt_id=attempt.pk, position=2)
    assert fields(item) == fields(expected)  # JSON, datetimes and booleans converted alike
    assert fields(item.attempt) == fields(expected.attempt)
    assert fields(item.attempt.blueprint) == fields(expected.attempt.blueprint)
    assert item.selected and item.flagged is True


def test_rows_are_the_querysets_rows(attempt):
    expected = list(
        attempt.items.order_by("position").values_list(
            "position", "selected", "flagged", "choose", "answered_at"
        )
    )
    assert NAVIGATOR.rows(attempt_id=attempt.pk) == expected


def test_each_call_binds_its_own_values(attempt, user):
    other = UserFactory()
    assert ITEM.objects(user_id=other.pk, attempt_id=attempt.pk, position=2) == []
    assert ITEM.objects(user_id=user.pk, attempt_id=attempt.pk, position=99) == []
    [first] = ITEM.objects(user_id=user.pk, attempt_id=attempt.pk, position=1)
    assert first.position == 1


def test_one_query_a_call(attempt, user, django_assert_num_queries):
    ITEM.objects(user_id=user.pk, attempt_id=attempt.pk, position=1)  # compiled here
    with django_assert_num_queries(1):
        ITEM.objects(user_id=user.pk, attempt_id=attempt.pk, position=1)


def test_an_id_too_large_for_any_column_matches_nothing_without_a_query(
    user, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert ITEM.objects(user_id=user.pk, attempt_id=10**30, position=1) == []
        assert ITEM.objects(user_id=user.pk, attempt_id=-(10**30), position=1) == []


@pytest.mark.parametrize(
    "values",
    [
        {"attempt_id": "1"},
        {"attempt_id": 1.0},
        {"attempt_id": True},
        {"attempt_id": None},
        {},
        {"attempt_id": 1, "extra": 2},
    ],
)
def test_values_of_the_wrong_kind_are_refused(values):
    with pytest.raises(TypeError):
        NAVIGATOR.rows(**values)


def test_a_constant_equal_to_a_stand_in_stays_a_constant(attempt, user):
    """30001 is the first int stand-in; the query's own 30001 must not be rebound."""
    read = PreparedRead(
        lambda attempt_id: (
            AttemptItem.objects.filter(attempt_id=attempt_id)
            .exclude(position=30_001)
            .values_list("position")
        ),
        attempt_id=int,
    )
    assert len(read.rows(attempt_id=attempt.pk)) == 6


def test_a_value_the_sql_does_not_use_is_a_configuration_error():
    read = PreparedRead(lambda attempt_id: AttemptItem.objects.all(), attempt_id=int)
    with pytest.raises(ImproperlyConfigured, match="attempt_id"):
        read.rows(attempt_id=1)


def test_sql_that_changes_with_the_value_is_a_configuration_error():
    """Here the value sets how many ids the IN list holds, so the statement changes with it."""
    read = PreparedRead(
        lambda top: AttemptItem.objects.filter(position__in=range(top - 30_000)),
        top=int,
    )
    with pytest.raises(ImproperlyConfigured, match="depends on the values"):
        read.rows(top=30_002)


def test_only_scalar_kinds_can_be_bound():
    with pytest.raises(ImproperlyConfigured):
        PreparedRead(lambda ids: AttemptItem.objects.filter(pk__in=ids), ids=list)


def test_the_headers_due_count_matches_the_queryset_at_every_moment(user):
    questions = build_bank(6)
    now = timezone.now()
    cards_record(user=user, answers=[Answer(q.pk, correct=False) for q in questions[:4]], at=now)
    Question.objects.filter(pk=questions[3].pk).update(status=Question.Status.DRAFT)
    cards_record(user=UserFactory(), answers=[Answer(questions[5].pk, correct=False)], at=now)
    moments = [now - timedelta(days=1), now, now + timedelta(minutes=30), now + timedelta(days=9)]
    counts = [due_count(user, at=moment) for moment in moments]
    assert counts == [due_cards(user, at=moment).count() for moment in moments]
    assert counts[0] == 0 and counts[-1] == 3  # the unpublished question's card isn't counted
    assert ReviewCard.objects.filter(user=user).count() == 4


def test_navigator_rows_come_from_a_prepared_read(attempt, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = attempt_navigator(attempt=attempt)
    assert [(row.position, row.answered, row.flagged) for row in rows][:2] == [
        (1, False, False),
        (2, True, True),
    ]


def test_json_array_length_counts_in_the_database(attempt):
    lengths = dict(
        attempt.items.annotate(picked=JSONArrayLength("selected")).values_list(
            "position", "picked"
        )
    )
    assert lengths == {item.position: len(item.selected) for item in attempt.items.all()}
    assert lengths[2] == 1 and lengths[1] == 0


def test_a_lessons_check_yourself_question_is_one_of_its_published_ones_with_its_choices(
    django_assert_num_queries,
):
    questions = build_bank(6)
    lesson = questions[0].lesson
    draft = questions[5]
    draft.status = Question.Status.DRAFT
    draft.save()
    other_lesson = LessonFactory()
    QuestionFactory(lesson=other_lesson)
    picked = set()
    for _ in range(200):
        with django_assert_num_queries(1):
            question = lesson_question_pick(lesson)
        with django_assert_num_queries(0):  # the choices came with it, as a prefetch
            choices = list(question.choices.all())
            assert question.lesson == lesson
        # every choice is of the one question picked (the pick ran once, not per row)
        assert choices == list(Choice.objects.filter(question=question).order_by("position"))
        assert all(choice.question is question for choice in choices)
        picked.add(question.pk)
    assert picked <= {q.pk for q in questions[:5]}
    assert len(picked) > 1  # random, not always the same one
    assert lesson_question_pick(LessonFactory()) is None


def _items_of(attempt):
    return list(
        attempt.items.order_by("position").values_list(
            "position", "selected", "flagged", "answered_at"
        )
    )


MOMENT = timezone.now() - timedelta(minutes=3)
SET_ANSWER = PreparedUpdate(
    lambda attempt_id, first, at, selected: (
        AttemptItem.objects.filter(attempt_id=attempt_id, position__gte=first),
        {"answered_at": at, "selected": Cast(Value(selected), JSONField()), "flagged": True},
    ),
    attempt_id=int,
    first=int,
    at=datetime,
    selected=str,
)


def test_an_update_changes_what_the_querysets_update_would(attempt, django_assert_num_queries):
    twin = attempt_start(
        user=attempt.user, blueprint=attempt.blueprint, rng=random.Random(2)
    ).attempt
    attempt_answer(
        attempt=twin,
        item=twin.items.get(position=2),
        selected=[str(twin.items.get(position=2).choice_order[0])],
        flagged=True,
    )
    assert _items_of(twin) == _items_of(attempt)
    SET_ANSWER.run(attempt_id=attempt.pk, first=4, at=MOMENT, selected="[]")  # compiled here
    with django_assert_num_queries(1):
        changed = SET_ANSWER.run(attempt_id=attempt.pk, first=4, at=MOMENT, selected="[7, 8]")
    expected = twin.items.filter(position__gte=4).update(
        answered_at=MOMENT, selected=[7, 8], flagged=True
    )
    assert changed == expected == 3
    assert _items_of(attempt) == _items_of(twin)  # JSON stored as the JSONField stores it
    assert attempt.items.get(position=5).selected == [7, 8]


def test_an_update_of_an_id_too_large_changes_nothing_without_a_query(
    attempt, django_assert_num_queries
):
    before = _items_of(attempt)
    with django_assert_num_queries(0):
        assert SET_ANSWER.run(attempt_id=10**30, first=1, at=MOMENT, selected="[]") == 0
    assert SET_ANSWER.run(attempt_id=attempt.pk + 10, first=1, at=MOMENT, selected="[]") == 0
    assert _items_of(attempt) == before


def test_objects_carry_the_querysets_annotations(attempt):
    def build(attempt_id):
        return AttemptItem.objects.filter(attempt_id=attempt_id).annotate(
            ticked=JSONArrayLength("selected")
        )

    read = PreparedRead(build, attempt_id=int)
    expected = {item.position: item.ticked for item in build(attempt.pk)}
    got = {item.position: item.ticked for item in read.objects(attempt_id=attempt.pk)}
    assert got == expected
    assert sorted(got.values()) == [0, 0, 0, 0, 0, 1]
