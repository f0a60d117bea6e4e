"""Whether the bank's exam-style items can fill a blueprint, share by share.

A published blueprint must be startable: the admin, the changelist's
"published" tick and `load_content` all refuse one whose pool falls short, and
say by how much.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q

from lessons.models import Layer, Service
from quizzes.exams.selection import exam_pool_ids, question_tags, weight_quotas, weight_spec
from quizzes.exams.weights import weight_area
from quizzes.models import BlueprintWeight, ExamBlueprint, Question

SHAPES = "4 options with 1 key, or 5 or more with 2 or more keys"


@dataclass(frozen=True)
class SharePool:
    """One weighted share: how many questions it reserves and how many it could draw on."""

    area: str
    percent: int
    needed: int
    available: int


@dataclass(frozen=True)
class BlueprintPool:
    question_count: int
    available: int
    shares: tuple[SharePool, ...]

    def problems(self) -> list[str]:
        """What stops the blueprint being filled, in words an instructor can act on."""
        problems = []
        if self.question_count > self.available:
            problems.append(
                f"This exam needs {self.question_count} exam-style questions ({SHAPES}) "
                f"but the bank has {self.available} published: "
                f"{self.question_count - self.available} short."
            )
        problems += [
            f"The {share.area} share ({share.percent} %) needs {share.needed} exam-style "
            f"questions tagged {share.area}; the bank has {share.available}: "
            f"{share.needed - share.available} short."
            for share in self.shares
            if share.needed > share.available
        ]
        return problems


def blueprint_pool(*, question_count: int, weights: Sequence[BlueprintWeight]) -> BlueprintPool:
    """The pool for a blueprint's size and weights (saved or not; three queries)."""
    ids = exam_pool_ids()
    services, layers = question_tags(ids)
    tags = {"service": services, "layer": layers}
    specs = [weight_spec(weight) for weight in weights]
    quotas = weight_quotas(question_count, [percent for _, _, percent in specs])
    shares = tuple(
        SharePool(
            area=weight_area(weight),
            percent=percent,
            needed=quota,
            available=sum(1 for qid in ids if slug in tags[kind].get(qid, ())),
        )
        for weight, (kind, slug, percent), quota in zip(weights, specs, quotas, strict=True)
    )
    return BlueprintPool(question_count=question_count, available=len(ids), shares=shares)


def published_blueprint_problems() -> list[str]:
    """Every published blueprint the bank cannot fill, each problem named by its blueprint."""
    problems = []
    blueprints = ExamBlueprint.objects.filter(published=True).prefetch_related(
        "weights__service", "weights__layer"
    )
    for blueprint in blueprints:
        pool = blueprint_pool(
            question_count=blueprint.question_count, weights=list(blueprint.weights.all())
        )
        problems += [f"Blueprint “{blueprint.title}”: {problem}" for problem in pool.problems()]
    return problems


THIN_BELOW = 8  # a full simulation spread over 10 services and 13 layers needs about this many


@dataclass(frozen=True)
class CoverageRow:
    name: str
    exam_style: int
    drill: int

    @property
    def thin(self) -> bool:
        return self.exam_style < THIN_BELOW


def exam_pool_coverage() -> dict[str, list[CoverageRow]]:
    """Published exam-style and drill-format questions per service and per layer (2 queries)."""
    shaped = Question.objects.published().exam_shaped().values("pk")
    published = Q(questions__status=Question.Status.PUBLISHED)
    counts = {
        "exam_style": Count("questions", filter=Q(questions__in=shaped), distinct=True),
        "drill": Count("questions", filter=published & Q(questions__kind="owner"), distinct=True),
    }
    return {
        label: [
            CoverageRow(row.name, row.exam_style, row.drill)
            for row in model.objects.annotate(**counts)
        ]
        for label, model in (("Services", Service), ("Layers", Layer))
    }
