"""Reading a finished attempt: how the learner did by service and layer, and what to study."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lessons.models import Lesson
from quizzes.models import AttemptItem


@dataclass
class Area:
    kind: str  # service | layer
    slug: str
    name: str
    right: int = 0
    total: int = 0
    lessons: list[Lesson] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.total) if self.total else 0

    @property
    def lesson(self) -> Lesson | None:
        """The lesson most of this area's missed questions point to."""
        if not self.lessons:
            return None
        return max(self.lessons, key=self.lessons.count)


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


def attempt_breakdown(items: Iterable[AttemptItem]) -> Breakdown:
    """Right/total per service and per layer over the scored items (prefetched tags)."""
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
                area = bucket.setdefault(tag.slug, Area(kind=kind, slug=tag.slug, name=tag.name))
                area.total += 1
                area.right += bool(item.correct)
                if not item.correct:
                    area.lessons.append(question.lesson)
    ordered_layers = sorted(layers.values(), key=lambda area: area.name)
    return Breakdown(
        services=sorted(services.values(), key=lambda area: area.name), layers=ordered_layers
    )
