"""Choosing an exam's questions: random, never repeated, spread across the subject.

A plain random sample can hand a learner ten EC2 questions. Instead, questions
are grouped by what they are about (their first service, else their first
layer) and dealt round-robin from the groups in random order.
"""

from __future__ import annotations

import random
from collections import defaultdict

from quizzes.models import Question


class SelectionError(ValueError):
    """The bank can't supply the exam; the message says why."""


def _stratum(question_id: int, services: dict, layers: dict) -> str:
    if services.get(question_id):
        return "service:" + min(services[question_id])
    if layers.get(question_id):
        return "layer:" + min(layers[question_id])
    return "other"


def select_questions(*, count: int, rng: random.Random | None = None) -> list[int]:
    """`count` distinct published question ids, stratified by service and layer."""
    rng = rng or random.Random()
    ids = list(Question.objects.published().values_list("pk", flat=True))
    if count > len(ids):
        raise SelectionError(
            f"This exam needs {count} questions but the bank has {len(ids)} published. "
            "An instructor needs to publish more before it can be started."
        )
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
    rng.shuffle(chosen)
    return chosen
