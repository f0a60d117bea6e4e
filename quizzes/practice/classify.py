"""The classify drill: sort one service's duties into AWS, Customer and Shared.

Every matrix row of the service (except layers that don't apply) is a duty to
sort; a submitted sheet is graded against the matrix all at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from lessons.models import Owner, Responsibility, Service
from quizzes.models import PracticeAnswer
from quizzes.practice.questions import AnswerError

CLASSIFY_OWNERS = [Owner.AWS, Owner.CUSTOMER, Owner.SHARED]
CLASSIFY_TOPIC = "classify"
FIELD_PREFIX = "owner-"


@dataclass(frozen=True)
class Duty:
    """One row of the sheet: a matrix cell and the owner the learner put it under."""

    cell: Responsibility
    chosen: str = ""

    @property
    def field(self) -> str:
        return f"{FIELD_PREFIX}{self.cell.pk}"

    @property
    def correct(self) -> bool:
        return self.chosen == self.cell.owner

    @property
    def chosen_label(self) -> str:
        return Owner(self.chosen).label if self.chosen in Owner.values else ""


@dataclass(frozen=True)
class ClassifyResult:
    duties: list[Duty]

    @property
    def right(self) -> int:
        return sum(duty.correct for duty in self.duties)

    @property
    def total(self) -> int:
        return len(self.duties)

    @property
    def all_right(self) -> bool:
        return self.right == self.total


def classify_services() -> QuerySet[Service]:
    """Services with at least one duty to sort, in matrix column order."""
    return Service.objects.filter(
        pk__in=Responsibility.objects.filter(owner__in=CLASSIFY_OWNERS).values("service")
    )


def classify_rows(*, service: Service) -> list[Responsibility]:
    """The duties to sort for a service, bottom of the stack first (one query)."""
    return list(
        Responsibility.objects.filter(service=service)
        .exclude(owner=Owner.NOT_APPLICABLE)
        .select_related("service", "layer")
        .order_by("layer__position")
    )


def classify_answers_from(data: Mapping[str, str]) -> dict[str, str]:
    """The `owner-<id>` fields of a posted form as {id: owner}, everything else ignored."""
    return {
        key.removeprefix(FIELD_PREFIX): value
        for key, value in data.items()
        if key.startswith(FIELD_PREFIX)
    }


def classify_sheet(
    *, rows: Sequence[Responsibility], answers: Mapping[object, str] | None = None
) -> list[Duty]:
    """The rows paired with what the learner chose so far (blank when nothing or nonsense)."""
    answers = {str(key): value for key, value in (answers or {}).items()}
    return [Duty(cell=cell, chosen=_known_owner(answers.get(str(cell.pk), ""))) for cell in rows]


def _known_owner(value: object) -> str:
    return value if value in CLASSIFY_OWNERS else ""


@transaction.atomic
def classify_grade(
    *, user, rows: Sequence[Responsibility], answers: Mapping[object, str]
) -> ClassifyResult:
    """Grade a whole sheet and store one practice answer per duty.

    Raises AnswerError, storing nothing, when the sheet names a duty that isn't
    on it, uses an owner that doesn't exist, or leaves duties unsorted.
    """
    if not rows:
        raise AnswerError("This service has no duties to sort.")
    by_id = {str(cell.pk): cell for cell in rows}
    chosen: dict[str, str] = {}
    for key, value in answers.items():
        if str(key).strip() not in by_id:
            raise AnswerError(
                "That sheet lists a duty this service doesn’t have. "
                "Reload the page and sort again."
            )
        chosen[str(key).strip()] = str(value or "").strip()
    if any(value and value not in CLASSIFY_OWNERS for value in chosen.values()):
        raise AnswerError("Put each duty under AWS, Customer or Shared.")
    left = sum(1 for pk in by_id if not chosen.get(pk))
    if left:
        raise AnswerError(f"Sort every duty before checking ({left} left).")
    duties = [Duty(cell=cell, chosen=chosen[pk]) for pk, cell in by_id.items()]
    PracticeAnswer.objects.bulk_create(
        PracticeAnswer(
            user=user if user is not None and user.is_authenticated else None,
            cell=duty.cell,
            selected=[duty.chosen],
            correct=duty.correct,
            topic=CLASSIFY_TOPIC,
        )
        for duty in duties
    )
    return ClassifyResult(duties=duties)
