"""Scoring answers. Like the real exam, a multiple-answer question is all-or-nothing."""

from __future__ import annotations

from collections.abc import Iterable


def is_correct(*, selected: Iterable[int], correct: Iterable[int]) -> bool:
    """Right only when the learner picked every correct choice and nothing else."""
    picked = set(selected)
    return bool(picked) and picked == set(correct)


def choice_count_problem(*, picked: int, choose: int) -> str:
    """What to tell a learner whose ticks don't match "Choose N" (empty when they do)."""
    if not picked or picked == choose:
        return ""
    if picked < choose:
        return f"Choose {choose - picked} more: this question needs {choose} answers."
    return f"{picked - choose} too many: this question needs exactly {choose} answers."
