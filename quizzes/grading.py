"""Scoring answers. Like the real exam, a multiple-answer question is all-or-nothing."""

from __future__ import annotations

from collections.abc import Iterable


def is_correct(*, selected: Iterable[int], correct: Iterable[int]) -> bool:
    """Right only when the learner picked every correct choice and nothing else."""
    picked = set(selected)
    return bool(picked) and picked == set(correct)
