"""A blueprint's weights: loading them with the blueprints, and describing them in words."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from quizzes.models import BlueprintWeight, ExamBlueprint


def with_weights(blueprints: QuerySet[ExamBlueprint]) -> QuerySet[ExamBlueprint]:
    """The blueprints with their weights, service and layer loaded: one more query in all."""
    return blueprints.prefetch_related(
        Prefetch("weights", queryset=BlueprintWeight.objects.select_related("service", "layer"))
    )


def weight_area(weight: BlueprintWeight) -> str:
    """The service's short name (EC2), else the layer's name; service/layer loaded."""
    if weight.service_id:
        return weight.service.short_name or weight.service.name
    return weight.layer.name


def weights_summary(weights: Iterable[BlueprintWeight], *, percent_first: bool = True) -> str:
    """ "30 % EC2, 20 % IAM" (or "EC2 30 %, IAM 20 %"); empty without weights."""
    parts = []
    for weight in weights:
        area, share = weight_area(weight), f"{weight.percent} %"
        parts.append(f"{share} {area}" if percent_first else f"{area} {share}")
    return ", ".join(parts)
