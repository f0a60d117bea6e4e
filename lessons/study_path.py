"""The study path: the published lessons in order, read in one place for every page.

The home page and the lesson list read it as lessons; the lesson page, the
busiest, reads it as light stops marked for the lesson being read and the learner.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from lessons.models import Lesson
from srm_site.shared.hot_reads import study_path_rows
from srm_site.shared.reverse import reverse_cached


def study_path(*, with_prerequisites: bool = False) -> list[Lesson]:
    """Published lessons in order (bodies included: reading time is derived from them)."""
    lessons = Lesson.objects.published()
    if with_prerequisites:
        lessons = lessons.prefetch_related(
            Prefetch("prerequisites", queryset=Lesson.objects.published().only("slug", "title"))
        )
    return list(lessons)


@dataclass(frozen=True)
class PathStop:
    """A lesson on the study path, as the lesson page links to it."""

    pk: int
    slug: str
    title: str
    is_prerequisite: bool  # of the lesson being read
    is_completed: bool  # by the learner reading it

    def get_absolute_url(self) -> str:
        return reverse_cached("lessons:lesson_detail", slug=self.slug)


def path_stops(*, lesson: Lesson, user) -> list[PathStop]:
    """The study path, each lesson marked as a prerequisite of `lesson` and as finished
    by `user` (one query, written as SQL in srm_site.shared.hot_reads)."""
    rows = study_path_rows(lesson_id=lesson.pk, user_id=user.pk if user.is_authenticated else None)
    return [PathStop(*row) for row in rows]
