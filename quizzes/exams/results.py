"""Reading a finished attempt: how the learner did by service and layer, and what to study."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.urls import reverse

from lessons.models import Layer, Lesson, Service
from quizzes.bank.corrections import corrected_since
from quizzes.exams.attempts import items_missed
from quizzes.exams.snapshots import LessonLink, snapshot_choices, snapshot_lesson
from quizzes.models import Attempt, AttemptItem

REVIEW_FILTERS = {
    "all": "All questions",
    "wrong": "Wrong only",
    "flagged": "Flagged only",
}


@dataclass
class Area:
    kind: str  # service | layer
    slug: str
    name: str
    right: int = 0
    total: int = 0
    home_lesson: Lesson | None = None
    missed_lessons: list[Lesson | LessonLink] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.total) if self.total else 0

    def get_practice_url(self) -> str:
        """A practice set on just this service or layer."""
        return reverse(f"quizzes:practice_{self.kind}", kwargs={"slug": self.slug})

    @property
    def lesson(self) -> Lesson | LessonLink | None:
        """The service's own lesson, or the lesson that teaches the layer.

        Only when an instructor has set none: the lesson most of this area's
        missed questions point to.
        """
        if self.home_lesson or not self.missed_lessons:
            return self.home_lesson
        return max(self.missed_lessons, key=self.missed_lessons.count)


@dataclass(frozen=True)
class Breakdown:
    services: list[Area]
    layers: list[Area]

    @property
    def weakest(self) -> list[Area]:
        """The three areas with the lowest share right (more questions break ties)."""
        areas = [area for area in self.services + self.layers if area.total]
        areas.sort(key=lambda area: (area.right / area.total, -area.total, area.name))
        return [area for area in areas if area.right < area.total][:3]


def home_lessons(kind: str, slugs: Iterable[str]) -> dict[str, Lesson | None]:
    """Each named service's (or layer's) own lesson, from the live rows, in one query.

    A tag deleted since the attempt has no entry, so its area has no home lesson.
    """
    model = Service if kind == "service" else Layer
    rows = model.objects.filter(slug__in=set(slugs)).select_related("lesson")
    return {row.slug: row.lesson for row in rows.only("slug", "lesson__slug", "lesson__title")}


def attempt_breakdown(items: Iterable[AttemptItem]) -> Breakdown:
    """Right/total per service and per layer over the scored items, by their snapshots.

    Two queries: each area's home lesson, looked up by slug.
    """
    buckets: dict[str, dict[str, Area]] = {"service": {}, "layer": {}}
    for item in items:
        if not item.scored:
            continue
        snapshot = item.snapshot
        lesson = snapshot_lesson(snapshot)
        for kind, tags in (
            ("service", snapshot.get("services", [])),
            ("layer", snapshot.get("layers", [])),
        ):
            for tag in tags:
                area = buckets[kind].setdefault(
                    tag["slug"], Area(kind=kind, slug=tag["slug"], name=tag["name"])
                )
                area.total += 1
                area.right += bool(item.correct)
                if not item.correct and lesson:
                    area.missed_lessons.append(lesson)
    for kind, areas in buckets.items():
        lessons = home_lessons(kind, areas)
        for area in areas.values():
            area.home_lesson = lessons.get(area.slug)
    return Breakdown(
        services=sorted(buckets["service"].values(), key=lambda area: area.name),
        layers=sorted(buckets["layer"].values(), key=lambda area: area.name),
    )


def review_items(
    items: Iterable[AttemptItem], *, show: str, corrected: frozenset[int] = frozenset()
) -> list[AttemptItem]:
    """The items the review filter keeps, each with `shown_choices` (the snapshot's, in
    the order the learner saw them), `lesson_link` (the snapshot's lesson) and
    `corrected_since` (its question's key was corrected after the attempt began)."""
    kept = [
        item
        for item in items
        if show == "all"
        or (show == "wrong" and not item.correct)
        or (show == "flagged" and item.flagged)
    ]
    for item in kept:
        item.shown_choices = snapshot_choices(item.snapshot, item.choice_order)
        item.lesson_link = snapshot_lesson(item.snapshot)
        item.corrected_since = item.question_id in corrected
    return kept


def seconds_per_item(*, started_at: datetime, items: Iterable[AttemptItem]) -> dict[int, int]:
    """Position -> seconds spent on each answered item, from the save times.

    An item is stored with the moment of its last save; ordered by those moments,
    each item gets the time since the save before it (the first, since the start).
    A question answered, left and changed later takes the time of the later visit
    as well; an unanswered item has no entry.
    """
    saves = sorted(
        (item.answered_at, item.position) for item in items if item.answered_at is not None
    )
    spent, previous = {}, started_at
    for moment, position in saves:
        spent[position] = max(0, round((moment - previous).total_seconds()))
        previous = moment
    return spent


def time_used(attempt: Attempt) -> tuple[int, int]:
    """Minutes and seconds between starting and finishing."""
    used = int((attempt.finished_at - attempt.started_at).total_seconds())
    return used // 60, used % 60


def result_context(*, attempt: Attempt, items: list[AttemptItem], show: str) -> dict:
    """Everything the result page shows, from the attempt's items and their snapshots."""
    show = show if show in REVIEW_FILTERS else "all"
    minutes, seconds = time_used(attempt)
    corrected = corrected_since(
        question_ids=[item.question_id for item in items if item.question_id],
        moment=attempt.started_at,
    )
    review = review_items(items, show=show, corrected=frozenset(corrected))
    spent = seconds_per_item(started_at=attempt.started_at, items=items)
    for item in review:
        item.seconds_spent = spent.get(item.position)
    answered_time = sum(spent.values())
    return {
        "attempt": attempt,
        "items": items,
        "review": review,
        "average_seconds": round(answered_time / len(spent)) if spent else None,
        "show": show,
        "filters": REVIEW_FILTERS,
        "breakdown": attempt_breakdown(items),
        "minutes_used": minutes,
        "seconds_used": seconds,
        "unanswered_count": sum(1 for item in items if not item.selected),
        # Each of these is now a review card (quizzes.review.cards), due now.
        "missed_count": len(items_missed(items)),
        "unscored": [item.position for item in items if not item.scored],
    }
