"""Loading everything SRM Academy ships in fixtures/: the subject, then the questions."""

from __future__ import annotations

from django.core.management import call_command
from django.db import transaction

from lessons.services import SUBJECT_FIXTURES
from quizzes.models import Choice, Question

QUESTION_FIXTURES = [
    "questions_concepts",
    "questions_compute",
    "questions_platform",
    "blueprints",
]
SHIPPED_FIXTURES = [*SUBJECT_FIXTURES, *QUESTION_FIXTURES]


@transaction.atomic
def content_load(*, verbosity: int = 0) -> None:
    """Load (or refresh) the shipped content; running it again changes nothing.

    Fixtures name rows by slug or ref (natural keys), so a second load updates
    the same rows instead of adding copies.
    """
    call_command("loaddata", *SHIPPED_FIXTURES, verbosity=verbosity)
    history_begin(Question, Choice)


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
