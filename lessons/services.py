"""Operations on the subject that touch several models at once."""

from __future__ import annotations

from django.core.management import call_command
from django.db import transaction

# Order matters: each file refers to rows that the files before it create.
SHIPPED_FIXTURES = [
    "layers",
    "services",
    "matrix",
    "controls",
    "lessons_concepts",
    "lessons_services",
]


@transaction.atomic
def content_load(*, verbosity: int = 0) -> None:
    """Load (or refresh) the shipped content; running it again changes nothing.

    Fixtures name rows by slug (natural keys), so a second load updates the
    same rows instead of adding copies.
    """
    call_command("loaddata", *SHIPPED_FIXTURES, verbosity=verbosity)
