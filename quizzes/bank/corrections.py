"""Content corrections: listed publicly, and told to the learners they affect.

A correction that moves a question's answer key reaches everyone who had
answered that question: a notice on their dashboard, and the question back in
their review queue from the start (they may have learnt the old key). Exam
results already graded keep the snapshot they were graded on.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from lessons.models import Lesson, Responsibility
from quizzes.models import (
    AttemptItem,
    Correction,
    CorrectionNotice,
    PracticeAnswer,
    Question,
    ReviewCard,
)
from quizzes.review.cards import header_due_forget

CARD_RESET_FIELDS = ["state", "step", "stability", "difficulty", "due", "last_review"]
CARD_RESET_FIELDS += ["last_rating", "lapses"]


def key_positions(questions: QuerySet[Question]) -> dict[str, frozenset[int]]:
    """Each question's key as the positions of its correct choices, by ref (one query)."""
    keys: dict[str, set[int]] = {ref: set() for ref in questions.values_list("ref", flat=True)}
    correct = questions.filter(choices__is_correct=True)
    for ref, position in correct.values_list("ref", "choices__position"):
        keys[ref].add(position)
    return {ref: frozenset(positions) for ref, positions in keys.items()}


def learners_who_answered(question: Question) -> set[int]:
    """Ids of learners with a practice answer to the question or an answered exam item."""
    practised = PracticeAnswer.objects.filter(question=question, user__isnull=False)
    examined = AttemptItem.objects.filter(question=question, answered_at__isnull=False)
    return set(practised.values_list("user_id", flat=True)) | set(
        examined.values_list("attempt__user_id", flat=True)
    )


def review_cards_restart(*, question: Question, user_ids: set[int]) -> int:
    """Put the question back at the start of each learner's review queue, due now.

    A card they had is reset (its history of lapses belonged to the old key); a
    learner without one gets one. Returns how many learners' cards were touched.
    """
    now = timezone.now()
    cards = list(ReviewCard.objects.filter(question=question, user_id__in=user_ids))
    for card in cards:
        card.state, card.step, card.due = ReviewCard.State.LEARNING, 0, now
        card.stability = card.difficulty = card.last_review = card.last_rating = None
        card.lapses = 0
    ReviewCard.objects.bulk_update(cards, CARD_RESET_FIELDS)
    missing = user_ids - {card.user_id for card in cards}
    ReviewCard.objects.bulk_create(
        [ReviewCard(user_id=pk, question=question, step=0, due=now) for pk in missing],
        ignore_conflicts=True,  # a card answered into existence meanwhile is kept
    )
    header_due_forget(user_ids)
    return len(user_ids)


@transaction.atomic
def correction_record(
    *,
    summary: str,
    question: Question | None = None,
    cell: Responsibility | None = None,
    lesson: Lesson | None = None,
    key_changed: bool = False,
    corrected_on: date | None = None,
    slug: str = "",
) -> Correction:
    """List a correction publicly; if it moved a question's key, tell who answered it."""
    now = timezone.now()
    corrected_on = corrected_on or timezone.localdate(now)
    target = _target_slug(question=question, cell=cell, lesson=lesson)
    correction = Correction.objects.create(
        slug=slug or _unique_slug(f"{corrected_on:%Y-%m-%d}-{target}"),
        corrected_on=corrected_on,
        question=question,
        question_ref=question.ref if question else "",
        cell=cell,
        lesson=lesson,
        summary=summary.strip(),
        key_changed=key_changed and question is not None,
        recorded_at=now,
    )
    if correction.key_changed:
        correction_notify(correction)
    return correction


def correction_notify(correction: Correction) -> int:
    """Notices and fresh review cards for every learner who answered the corrected question."""
    user_ids = learners_who_answered(correction.question)
    CorrectionNotice.objects.bulk_create(
        [CorrectionNotice(user_id=pk, correction=correction) for pk in user_ids],
        ignore_conflicts=True,
    )
    review_cards_restart(question=correction.question, user_ids=user_ids)
    return len(user_ids)


def _target_slug(*, question, cell, lesson) -> str:
    if question:
        return question.ref
    if cell:
        return f"{cell.service.slug}-{cell.layer.slug}"
    return lesson.slug if lesson else "content"


def _unique_slug(base: str) -> str:
    base = base[:72]
    taken = set(Correction.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def notices_for(user) -> QuerySet[CorrectionNotice]:
    """The learner's notices not yet dismissed, newest first, with what they need to show."""
    if not user.is_authenticated:
        return CorrectionNotice.objects.none()
    return (
        CorrectionNotice.objects.filter(user=user, dismissed_at__isnull=True)
        .select_related("correction__question")
        .order_by("-created_at")
    )


def corrected_since(*, question_ids: list[int], moment) -> set[int]:
    """Which of these questions had their key corrected after `moment` (one query)."""
    return set(
        Correction.objects.key_changes()
        .filter(question_id__in=question_ids, recorded_at__gt=moment)
        .values_list("question_id", flat=True)
    )
