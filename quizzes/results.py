"""Reading a finished attempt: how the learner did by service and layer, and what to study."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse

from lessons.models import Layer, Lesson, Service
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
    missed_lessons: list[Lesson] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.total) if self.total else 0

    def get_practice_url(self) -> str:
        """A practice set on just this service or layer."""
        return reverse(f"quizzes:practice_{self.kind}", kwargs={"slug": self.slug})

    @property
    def lesson(self) -> Lesson | None:
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


def tags_prefetch() -> list[Prefetch]:
    """What `attempt_breakdown` reads of each question's services and layers."""
    fields = ("slug", "name", "lesson__slug", "lesson__title")
    return [
        Prefetch(
            "question__services",
            queryset=Service.objects.select_related("lesson").only(*fields),
        ),
        Prefetch(
            "question__layers", queryset=Layer.objects.select_related("lesson").only(*fields)
        ),
    ]


def attempt_breakdown(items: Iterable[AttemptItem]) -> Breakdown:
    """Right/total per service and per layer over the scored items (tags_prefetch)."""
    services: dict[str, Area] = {}
    layers: dict[str, Area] = {}
    for item in items:
        if not item.scored:
            continue
        question = item.question
        for kind, tags, bucket in (
            ("service", question.services.all(), services),
            ("layer", question.layers.all(), layers),
        ):
            for tag in tags:
                area = bucket.setdefault(
                    tag.slug,
                    Area(kind=kind, slug=tag.slug, name=tag.name, home_lesson=tag.lesson),
                )
                area.total += 1
                area.right += bool(item.correct)
                if not item.correct:
                    area.missed_lessons.append(question.lesson)
    ordered_layers = sorted(layers.values(), key=lambda area: area.name)
    return Breakdown(
        services=sorted(services.values(), key=lambda area: area.name), layers=ordered_layers
    )


def review_items(items: Iterable[AttemptItem], *, show: str) -> list[AttemptItem]:
    """The items the review filter keeps, each with `shown_choices` in the order the
    learner saw them (`choice_order`); a choice added since goes last."""
    kept = [
        item
        for item in items
        if show == "all"
        or (show == "wrong" and not item.correct)
        or (show == "flagged" and item.flagged)
    ]
    for item in kept:
        rank = {pk: index for index, pk in enumerate(item.choice_order)}
        item.shown_choices = sorted(
            item.question.choices.all(), key=lambda c: (rank.get(c.pk, len(rank)), c.position)
        )
    return kept


def time_used(attempt: Attempt) -> tuple[int, int]:
    """Minutes and seconds between starting and finishing."""
    used = int((attempt.finished_at - attempt.started_at).total_seconds())
    return used // 60, used % 60


def result_context(*, attempt: Attempt, items: list[AttemptItem], show: str) -> dict:
    """Everything the result page shows, from the attempt's items (tags prefetched)."""
    show = show if show in REVIEW_FILTERS else "all"
    minutes, seconds = time_used(attempt)
    return {
        "attempt": attempt,
        "items": items,
        "review": review_items(items, show=show),
        "show": show,
        "filters": REVIEW_FILTERS,
        "breakdown": attempt_breakdown(items),
        "minutes_used": minutes,
        "seconds_used": seconds,
        "unanswered_count": sum(1 for item in items if not item.selected),
        # Each of these is now a review card (quizzes.review).
        "missed_count": sum(1 for item in items if item.selected and not item.correct),
        "unscored": [item.position for item in items if not item.scored],
    }
