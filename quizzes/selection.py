"""Choosing an exam's questions: random, never repeated, spread across the subject.

A plain random sample can hand a learner ten EC2 questions. Instead, questions
are grouped by what they are about (their first service, else their first
layer) and dealt round-robin from the groups in random order.

A blueprint may also reserve shares of the exam for a service or a layer
(`BlueprintWeight`): those questions are drawn first, at random from the
questions tagged with that service or layer, and the rest of the exam is dealt
as above from whatever is left.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from fractions import Fraction
from math import floor
from typing import Any

from quizzes.models import Question

KINDS = ("service", "layer")


class SelectionError(ValueError):
    """The bank can't supply the exam; the message says why."""


def weight_quotas(count: int, percents: Sequence[int]) -> list[int]:
    """How many of `count` questions each weighted area reserves, in the same order.

    Each area gets count × percent ÷ 100, rounded by largest remainder: the
    total is the rounded (half up) sum of the exact shares, every area gets its
    share rounded down or up, and the larger remainders (the earlier area on a
    tie) are rounded up. Percentages adding up to more than 100 are scaled
    down proportionally, so the quotas never add up to more than `count`.
    """
    shares = [max(0, int(p)) for p in percents]
    total = sum(shares)
    if count <= 0 or total == 0:
        return [0] * len(shares)
    scale = max(total, 100)
    exact = [Fraction(count * share, scale) for share in shares]
    target = min(count, floor(sum(exact) + Fraction(1, 2)))
    quotas = [floor(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - quotas[i]), i))
    for i in by_remainder[: target - sum(quotas)]:
        quotas[i] += 1
    return quotas


def weight_spec(weight: Any) -> tuple[str, str, int]:
    """(kind, slug, percent) from a tuple or a `BlueprintWeight` (service/layer loaded)."""
    if isinstance(weight, tuple | list):
        kind, slug, percent = weight
        if kind not in KINDS:
            raise ValueError(f"A weight is on a service or a layer, not {kind!r}.")
        return kind, slug, int(percent)
    if weight.service_id:
        return "service", weight.service.slug, weight.percent
    return "layer", weight.layer.slug, weight.percent


def _stratum(question_id: int, services: dict, layers: dict) -> str:
    if services.get(question_id):
        return "service:" + min(services[question_id])
    if layers.get(question_id):
        return "layer:" + min(layers[question_id])
    return "other"


def _tags(ids: list[int]) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """Each question's service slugs and layer slugs (two queries)."""
    services: dict[int, set[str]] = defaultdict(set)
    for qid, slug in Question.services.through.objects.filter(question_id__in=ids).values_list(
        "question_id", "service__slug"
    ):
        services[qid].add(slug)
    layers: dict[int, set[str]] = defaultdict(set)
    for qid, slug in Question.layers.through.objects.filter(question_id__in=ids).values_list(
        "question_id", "layer__slug"
    ):
        layers[qid].add(slug)
    return services, layers


def _stratified(
    ids: list[int], count: int, services: dict, layers: dict, rng: random.Random
) -> list[int]:
    """`count` of `ids` dealt round-robin from their strata in random order."""
    groups: dict[str, list[int]] = defaultdict(list)
    for qid in ids:
        groups[_stratum(qid, services, layers)].append(qid)
    for members in groups.values():
        rng.shuffle(members)
    order = list(groups)
    rng.shuffle(order)

    chosen: list[int] = []
    while len(chosen) < count:
        for key in order:
            if groups[key] and len(chosen) < count:
                chosen.append(groups[key].pop())
    return chosen


def _reserved(
    ids: list[int],
    count: int,
    specs: list[tuple[str, str, int]],
    tags: dict[str, dict[int, set[str]]],
    rng: random.Random,
) -> list[int]:
    """The questions the weighted areas reserve, each at most once (first area wins).

    An area with fewer questions than its quota gives all it has; the shortfall
    is left to the stratified fill.
    """
    quotas = weight_quotas(count, [percent for _, _, percent in specs])
    taken: set[int] = set()
    reserved: list[int] = []
    for (kind, slug, _), quota in zip(specs, quotas, strict=True):
        if quota <= 0:
            continue
        pool = [qid for qid in ids if qid not in taken and slug in tags[kind].get(qid, ())]
        picked = rng.sample(pool, min(quota, len(pool)))
        taken.update(picked)
        reserved.extend(picked)
    return reserved


def select_questions(
    *, count: int, rng: random.Random | None = None, weights: Iterable[Any] = ()
) -> list[int]:
    """`count` distinct published question ids, stratified by service and layer.

    `weights` are (kind, slug, percent) tuples, kind "service" or "layer", or
    `BlueprintWeight` rows with their service and layer loaded: each reserves
    its share of the exam for questions tagged with that service or layer.
    Three queries, whatever the weights.
    """
    rng = rng or random.Random()
    specs = [weight_spec(weight) for weight in weights]
    ids = list(Question.objects.published().values_list("pk", flat=True))
    if count > len(ids):
        raise SelectionError(
            f"This exam needs {count} questions but the bank has {len(ids)} published. "
            "An instructor needs to publish more before it can be started."
        )
    services, layers = _tags(ids)
    reserved = _reserved(ids, count, specs, {"service": services, "layer": layers}, rng)
    taken = set(reserved)
    rest = [qid for qid in ids if qid not in taken]
    chosen = reserved + _stratified(rest, count - len(reserved), services, layers, rng)
    rng.shuffle(chosen)
    return chosen
