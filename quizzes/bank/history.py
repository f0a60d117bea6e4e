"""A question's answer key at each version of its history.

A question and its choices have separate histories (django-simple-history), so
a version of the question shows nothing about which choice was correct. Saving
in the admin or importing writes the question first and its choices just after,
so the choices that belong to a version are those saved before the next one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from quizzes.models import Choice


def answer_keys(question_id: int, version_dates: Sequence[datetime]) -> dict[datetime, list[str]]:
    """The texts of the correct choices as each version left them (one query)."""
    changes = Choice.history.filter(question_id=question_id).order_by("history_date", "history_id")
    changes = list(changes.values("id", "text", "is_correct", "history_type", "history_date"))
    keys: dict[datetime, list[str]] = {}
    choices: dict[int, dict] = {}
    ends = [*sorted(version_dates)[1:], None]  # a version lasts until the next begins
    pending = iter(changes)
    change = next(pending, None)
    for date, end in zip(sorted(version_dates), ends, strict=True):
        while change is not None and (end is None or change["history_date"] < end):
            if change["history_type"] == "-":
                choices.pop(change["id"], None)
            else:
                choices[change["id"]] = change
            change = next(pending, None)
        keys[date] = [choice["text"] for choice in choices.values() if choice["is_correct"]]
    return keys
