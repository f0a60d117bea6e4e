"""The rules every question must satisfy before learners may see it.

One function serves the admin, the importer and the tests, so a broken question
is refused the same way wherever it comes from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lessons.sources import AWS_SOURCE_HOSTS, source_list_problems

OWNER_CHOICES = ("AWS", "Customer", "Shared")


@dataclass(frozen=True)
class ChoiceDraft:
    text: str
    is_correct: bool


def question_problems(*, kind: str, choose: int, choices: Sequence[ChoiceDraft]) -> list[str]:
    """Everything wrong with a question, in words an instructor can act on ([] when fine)."""
    problems = []
    correct = sum(choice.is_correct for choice in choices)
    if len(choices) < 2:
        problems.append("A question needs at least two choices.")
    if kind in ("single", "owner"):
        if correct != 1:
            problems.append(f"Mark exactly one choice correct (now {correct}).")
        if choose != 1:
            problems.append("“Choose” must be 1 for a single-answer or owner question.")
    if kind == "owner":
        texts = sorted(choice.text.strip() for choice in choices)
        if texts != sorted(OWNER_CHOICES):
            problems.append("An owner question’s choices must be exactly: AWS, Customer, Shared.")
    elif kind == "multiple":
        if correct < 2:
            problems.append(
                f"A multiple-answer question needs at least two correct choices (now {correct})."
            )
        if choose != correct:
            problems.append(
                f"“Choose” is {choose} but {correct} choices are marked correct; they must match."
            )
        if len(choices) <= correct:
            problems.append("A multiple-answer question needs at least one wrong choice.")
    elif kind not in ("single", "owner"):
        problems.append(f"Unknown kind “{kind}”: use single, multiple or owner.")
    return problems


def source_problems(*, status: str, sources: object) -> list[str]:
    """A question's sources: AWS pages only, and at least one before learners see it."""
    problems = source_list_problems(sources)
    if status == "published" and not problems and not sources:
        problems.append(
            "A published question needs at least one source: an https link to the AWS page "
            "that supports its key (" + ", ".join(AWS_SOURCE_HOSTS) + ")."
        )
    return problems
