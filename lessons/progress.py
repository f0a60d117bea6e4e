"""Reading progress: kept in the session for guests, in the database for learners.

A guest's finished lessons move to their account when they sign up or log in
(see `lessons.signals`), with nothing lost and nothing counted twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction

from lessons.models import Lesson, LessonProgress

SESSION_KEY = "completed_lessons"


@dataclass(frozen=True)
class PathProgress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def path_progress(*, path_ids: Sequence[int], completed: set[int]) -> PathProgress:
    """How much of the study path is finished (lessons no longer on it don't count)."""
    return PathProgress(done=len(completed.intersection(path_ids)), total=len(path_ids))


def first_unfinished(path: Iterable[Lesson], completed: set[int]) -> Lesson | None:
    """Where the learner should continue: the earliest lesson not yet finished."""
    return next((lesson for lesson in path if lesson.pk not in completed), None)


def path_neighbours(path: Sequence[Lesson], lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
    """The lessons before and after `lesson` on the path (None at the ends or off it)."""
    ids = [item.pk for item in path]
    if lesson.pk not in ids:
        return None, None
    i = ids.index(lesson.pk)
    return (path[i - 1] if i > 0 else None), (path[i + 1] if i + 1 < len(path) else None)


def completed_lesson_ids(*, user, session: SessionBase) -> set[int]:
    """The lessons this visitor has finished (one query for a learner, none for a guest)."""
    if user.is_authenticated:
        return set(LessonProgress.objects.filter(user=user).values_list("lesson_id", flat=True))
    return set(session.get(SESSION_KEY, []))


def lesson_mark_complete(*, user, session: SessionBase, lesson: Lesson) -> None:
    """Record that the visitor finished `lesson`; doing it twice changes nothing."""
    if user.is_authenticated:
        # One INSERT … ON CONFLICT DO NOTHING: a double click or a second tab is harmless.
        LessonProgress.objects.bulk_create(
            [LessonProgress(user=user, lesson=lesson)], ignore_conflicts=True
        )
        return
    ids = session.get(SESSION_KEY, [])
    if lesson.pk not in ids:
        session[SESSION_KEY] = [*ids, lesson.pk]


def lesson_mark_incomplete(*, user, session: SessionBase, lesson: Lesson) -> None:
    """Undo a completion the visitor didn't mean."""
    if user.is_authenticated:
        LessonProgress.objects.filter(user=user, lesson=lesson).delete()
        return
    session[SESSION_KEY] = [pk for pk in session.get(SESSION_KEY, []) if pk != lesson.pk]


@transaction.atomic
def progress_merge_guest(*, user, session: SessionBase) -> int:
    """Move a guest's finished lessons onto `user`. Returns how many were new.

    Lessons finished both as guest and as learner keep the learner's earlier
    record; lessons deleted since are dropped.
    """
    guest_ids = set(session.get(SESSION_KEY, []))
    if not guest_ids:
        return 0
    already = set(
        LessonProgress.objects.filter(user=user, lesson_id__in=guest_ids).values_list(
            "lesson_id", flat=True
        )
    )
    existing = set(Lesson.objects.filter(pk__in=guest_ids - already).values_list("pk", flat=True))
    LessonProgress.objects.bulk_create(
        [LessonProgress(user=user, lesson_id=pk) for pk in sorted(existing)],
        ignore_conflicts=True,  # a second tab may have merged the same rows a moment ago
    )
    session.pop(SESSION_KEY, None)
    return len(existing)
