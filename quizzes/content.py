"""Loading everything SRM Academy ships in fixtures/: the subject, then the questions."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from lessons.models import Lesson, Responsibility
from lessons.shipped_content import SUBJECT_FIXTURES
from quizzes.bank.corrections import correction_record, key_positions
from quizzes.bank.import_export import UNEXPLAINED_KEY_CHANGE
from quizzes.exams.pool import published_blueprint_problems
from quizzes.models import Choice, Correction, Question

QUESTION_FIXTURES = [
    "questions_concepts",
    "questions_compute",
    "questions_platform",
    # Exam-style items (4 options, or "Select TWO/THREE" from 5-6) written for timed exams.
    "questions_exam_e1",
    "questions_exam_e2",
    "questions_exam_e3",
    "questions_exam_e4",
    "questions_exam_e5",
    "questions_exam_e6",
    "blueprints",
]
SHIPPED_FIXTURES = [*SUBJECT_FIXTURES, *QUESTION_FIXTURES]
# Read by `corrections_load`, not `loaddata`: a new entry must reach the learners it affects.
CORRECTIONS_FIXTURE = "corrections.json"


@transaction.atomic
def content_load(*, verbosity: int = 0) -> None:
    """Load (or refresh) the shipped content; running it again changes nothing.

    Fixtures name rows by slug or ref (natural keys), so a second load updates
    the same rows instead of adding copies.
    """
    keys_before = key_positions(Question.objects.all())
    call_command("loaddata", *SHIPPED_FIXTURES, verbosity=verbosity)
    if problems := published_blueprint_problems():
        # Nothing is kept: a published exam nobody can start is worse than the old content.
        raise ContentError(problems)
    history_begin(Question, Choice)
    corrections_load(keys_before=keys_before)


class ContentError(Exception):
    """The content would leave a published exam that the bank cannot fill."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def corrections_load(*, keys_before: dict[str, frozenset[int]]) -> list[Correction]:
    """Record the shipped corrections this database has not seen; returns the new ones.

    A question whose key moved in this load without a shipped correction still
    gets one (worded generally), so no learner who answered it misses the news.
    In a new database nobody has answered anything, so the list is all it fills.
    """
    path = Path(settings.FIXTURE_DIRS[0]) / CORRECTIONS_FIXTURE
    rows = [row["fields"] for row in json.loads(path.read_text(encoding="utf-8"))]
    known = set(Correction.objects.values_list("slug", flat=True))
    moved = {
        ref
        for ref, key in key_positions(Question.objects.filter(ref__in=keys_before)).items()
        if key != keys_before[ref]
    }
    created = []
    for row in rows:
        if row["slug"] in known:
            continue
        question = Question.objects.filter(ref=row.get("question") or "").first()
        key_changed = bool(row.get("key_changed")) and question is not None
        if key_changed:
            moved.discard(question.ref)
        created.append(
            correction_record(
                slug=row["slug"],
                corrected_on=date.fromisoformat(row["corrected_on"]),
                summary=row["summary"],
                question=question,
                cell=_cell(row.get("cell")),
                lesson=Lesson.objects.filter(slug=row.get("lesson") or "").first(),
                key_changed=key_changed,
            )
        )
    for ref in sorted(moved):
        created.append(
            correction_record(
                summary=UNEXPLAINED_KEY_CHANGE,
                question=Question.objects.get(ref=ref),
                key_changed=True,
            )
        )
    return created


def _cell(natural_key: list[str] | None) -> Responsibility | None:
    if not natural_key:
        return None
    return (
        Responsibility.objects.select_related("service", "layer")
        .filter(service__slug=natural_key[0], layer__slug=natural_key[1])
        .first()
    )


def history_begin(*models) -> int:
    """Give every row without a change history its first record; returns how many.

    `loaddata` saves rows raw, which django-simple-history doesn't record, so
    without this a shipped question's History page would be empty until its
    first edit. Rows that already have a history are left as they are.
    """
    begun = 0
    for model in models:
        recorded = model.history.values("id")  # a historical row keeps the row's own id
        new = list(model.objects.exclude(pk__in=recorded))
        model.history.bulk_history_create(new, default_change_reason="Shipped content loaded")
        begun += len(new)
    return begun
