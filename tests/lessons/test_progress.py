from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore

from lessons.models import Lesson, LessonProgress
from lessons.progress import (
    SESSION_KEY,
    completed_lesson_ids,
    first_unfinished,
    lesson_mark_complete,
    lesson_mark_incomplete,
    path_neighbours,
    path_progress,
    progress_merge_guest,
)
from tests.factories import LessonFactory, UserFactory


class Guest:
    is_authenticated = False


def test_progress_counts_only_lessons_still_on_the_path():
    progress = path_progress(path_ids=[1, 2, 3, 4], completed={2, 4, 99})
    assert (progress.done, progress.total, progress.percent) == (2, 4, 50)


def test_empty_path_is_zero_percent_not_an_error():
    assert path_progress(path_ids=[], completed=set()).percent == 0


def test_continue_points_at_the_earliest_unfinished_lesson():
    path = [Lesson(pk=1), Lesson(pk=2), Lesson(pk=3)]
    assert first_unfinished(path, {1, 3}).pk == 2
    assert first_unfinished(path, {1, 2, 3}) is None


def test_neighbours_on_and_off_the_path():
    path = [Lesson(pk=1), Lesson(pk=2), Lesson(pk=3)]
    assert [n.pk if n else None for n in path_neighbours(path, path[0])] == [None, 2]
    assert [n.pk if n else None for n in path_neighbours(path, path[2])] == [2, None]
    assert path_neighbours(path, Lesson(pk=9)) == (None, None)


@pytest.mark.django_db
class TestMarking:
    def test_guest_completion_lives_in_the_session_once(self):
        session, lesson = SessionStore(), LessonFactory()
        lesson_mark_complete(user=Guest(), session=session, lesson=lesson)
        lesson_mark_complete(user=Guest(), session=session, lesson=lesson)
        assert session[SESSION_KEY] == [lesson.pk]
        assert completed_lesson_ids(user=Guest(), session=session) == {lesson.pk}
        lesson_mark_incomplete(user=Guest(), session=session, lesson=lesson)
        assert completed_lesson_ids(user=Guest(), session=session) == set()

    def test_learner_completion_is_one_row_however_often(self):
        user, lesson = UserFactory(), LessonFactory()
        for _ in range(2):
            lesson_mark_complete(user=user, session=SessionStore(), lesson=lesson)
        assert LessonProgress.objects.filter(user=user, lesson=lesson).count() == 1
        lesson_mark_incomplete(user=user, session=SessionStore(), lesson=lesson)
        assert not LessonProgress.objects.filter(user=user).exists()


@pytest.mark.django_db
class TestMerge:
    def test_guest_lessons_move_to_the_account_without_doubling(self):
        user = UserFactory()
        both, guest_only, user_only = LessonFactory(), LessonFactory(), LessonFactory()
        earlier = LessonProgress.objects.create(user=user, lesson=both)
        LessonProgress.objects.create(user=user, lesson=user_only)
        session = SessionStore()
        session[SESSION_KEY] = [both.pk, guest_only.pk]

        added = progress_merge_guest(user=user, session=session)

        assert added == 1
        rows = LessonProgress.objects.filter(user=user)
        assert sorted(rows.values_list("lesson_id", flat=True)) == sorted(
            [both.pk, guest_only.pk, user_only.pk]
        )
        # The learner's own, earlier record of the shared lesson is kept.
        assert rows.get(lesson=both).completed_at == earlier.completed_at
        assert SESSION_KEY not in session

    def test_lessons_deleted_since_are_dropped_quietly(self):
        user, lesson = UserFactory(), LessonFactory()
        session = SessionStore()
        session[SESSION_KEY] = [lesson.pk, 987654]
        assert progress_merge_guest(user=user, session=session) == 1

    def test_merging_twice_adds_nothing_the_second_time(self):
        user, lesson = UserFactory(), LessonFactory()
        session = SessionStore()
        session[SESSION_KEY] = [lesson.pk]
        progress_merge_guest(user=user, session=session)
        session[SESSION_KEY] = [lesson.pk]
        assert progress_merge_guest(user=user, session=session) == 0
        assert LessonProgress.objects.filter(user=user).count() == 1
