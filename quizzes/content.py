"""Loading everything SRM Academy ships in fixtures/: the subject, then the questions."""

from __future__ import annotations

from django.core.management import call_command
from django.db import transaction

from lessons.services import SUBJECT_FIXTURES

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
