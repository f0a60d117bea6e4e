"""Choosing an exam's questions: random, never repeated, spread across the subject.

A plain random sample can hand a learner ten EC2 questions. Instead, questions
are grouped by what they are about (their first service, else their first
layer) and dealt round-robin from the groups in random order.

A blueprint may also reserve shares of the exam for a service or a layer
(`BlueprintWeight`): those questions are drawn first, at random from the
questions tagged with that service or layer, and the rest of the exam is dealt
as above from whatever is left.

Only exam-shaped items are drawn (`QuestionQuerySet.exam_shaped`), as on the
real exam. Questions the learner met in their last few attempts are drawn only
when the fresh ones run out, so consecutive simulations differ.
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


def question_tags(ids: list[int]) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
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


def _fresh_first(pool: list[int], k: int, avoid: set[int], rng: random.Random) -> list[int]:
    """`k` of `pool` at random, taking from `avoid` only when the rest run out."""
    fresh = [qid for qid in pool if qid not in avoid]
    stale = [qid for qid in pool if qid in avoid]
    picked = rng.sample(fresh, min(k, len(fresh)))
    return picked + rng.sample(stale, min(k - len(picked), len(stale)))


def _reserved(
    ids: list[int],
    count: int,
    specs: list[tuple[str, str, int]],
    tags: dict[str, dict[int, set[str]]],
    rng: random.Random,
    avoid: set[int] = frozenset(),
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
        picked = _fresh_first(pool, quota, avoid, rng)
        taken.update(picked)
        reserved.extend(picked)
    return reserved


def exam_pool_ids() -> list[int]:
    """Ids of every published exam-shaped question (one query)."""
    return list(Question.objects.published().exam_shaped().values_list("pk", flat=True))


def select_questions(
    *,
    count: int,
    rng: random.Random | None = None,
    weights: Iterable[Any] = (),
    avoid: Iterable[int] = (),
) -> list[int]:
    """`count` distinct published exam-shaped question ids, stratified by service and layer.

    `weights` are (kind, slug, percent) tuples, kind "service" or "layer", or
    `BlueprintWeight` rows with their service and layer loaded: each reserves
    its share of the exam for questions tagged with that service or layer.
    Questions in `avoid` (met recently) are drawn only when no fresh one is left.
    Three queries, whatever the weights.
    """
    rng = rng or random.Random()
    avoid = set(avoid)
    specs = [weight_spec(weight) for weight in weights]
    ids = exam_pool_ids()
    if count > len(ids):
        raise SelectionError(
            f"This exam needs {count} exam-style questions but the bank has {len(ids)} "
            "published. An instructor needs to publish more before it can be started."
        )
    services, layers = question_tags(ids)
    tags = {"service": services, "layer": layers}
    reserved = _reserved(ids, count, specs, tags, rng, avoid)
    taken = set(reserved)
    fresh = [qid for qid in ids if qid not in taken and qid not in avoid]
    stale = [qid for qid in ids if qid not in taken and qid in avoid]
    chosen = reserved + _stratified(
        fresh, min(count - len(reserved), len(fresh)), services, layers, rng
    )
    chosen += _stratified(stale, count - len(chosen), services, layers, rng)
    rng.shuffle(chosen)
    return chosen
