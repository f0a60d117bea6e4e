"""Spaced repetition: a question answered wrong comes back until it sticks.

Every wrong answer, in practice or an exam, creates or updates the learner's
ReviewCard for that question; a later answer to a question that has a card
updates it too. FSRS (the `fsrs` package) decides when the card is next due.

The rating comes from correctness and confidence:

    wrong            -> Again  (back in ten minutes: counted as due now)
    right, unsure    -> Hard   (fifteen minutes while learning, else a short interval)
    right, sure      -> Good   (days, growing with each success)

In an exam there is no "sure" button; a question the learner flagged counts as unsure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import fsrs
from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from quizzes.models import Choice, ReviewCard

# One learning and one relearning step of ten minutes: a right "sure" answer to a
# card that has just been failed graduates it to days; "unsure" keeps it close.
SCHEDULER = fsrs.Scheduler(
    learning_steps=(timedelta(minutes=10),), relearning_steps=(timedelta(minutes=10),)
)
# A card failed moments ago is due at the end of its ten-minute step; counting
# anything due within that window as due now puts a missed question straight in
# the queue, while an "unsure" card (fifteen minutes) waits its turn.
DUE_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Answer:
    """One graded answer, as the scheduler needs it."""

    question_id: int
    correct: bool
    sure: bool = True


def rating_for(*, correct: bool, sure: bool) -> fsrs.Rating:
    if not correct:
        return fsrs.Rating.Again
    return fsrs.Rating.Good if sure else fsrs.Rating.Hard


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment else None


def _schedule(card: ReviewCard, *, rating: fsrs.Rating, at: datetime) -> None:
    """Apply one review to the card in place (not saved)."""
    before = fsrs.Card(
        card_id=card.pk or 1,  # fsrs sleeps a millisecond to invent an id when given none
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=_utc(card.due),
        last_review=_utc(card.last_review),
    )
    after, _log = SCHEDULER.review_card(before, rating, review_datetime=_utc(at))
    card.state = after.state.value
    card.step = after.step
    card.stability = after.stability
    card.difficulty = after.difficulty
    card.due = after.due
    card.last_review = after.last_review
    card.last_rating = rating.value
    card.reviews += 1
    card.lapses += rating == fsrs.Rating.Again


@transaction.atomic
def cards_record(
    *, user, answers: Iterable[Answer], at: datetime | None = None
) -> list[ReviewCard]:
    """Schedule the learner's cards from a batch of answers (a practice answer, an exam).

    A wrong answer creates the card if needed; a right answer only moves a card
    that exists. Three queries at most, however many answers.
    """
    if not user.is_authenticated:
        return []
    at = at or timezone.now()
    answers = list(answers)
    cards = {
        card.question_id: card
        for card in ReviewCard.objects.select_for_update().filter(
            user=user, question_id__in=[answer.question_id for answer in answers]
        )
    }
    new: list[ReviewCard] = []
    for answer in answers:
        card = cards.get(answer.question_id)
        if card is None:
            if answer.correct:
                continue
            card = ReviewCard(user=user, question_id=answer.question_id, due=at)
            cards[answer.question_id] = card
            new.append(card)
        _schedule(card, rating=rating_for(correct=answer.correct, sure=answer.sure), at=at)
    fields = ["state", "step", "stability", "difficulty", "due", "last_review"]
    fields += ["last_rating", "reviews", "lapses"]
    old = [card for card in cards.values() if card.pk]
    ReviewCard.objects.bulk_update(old, fields)
    # A second tab racing to create the same card loses quietly; its answer is kept
    # in PracticeAnswer/AttemptItem either way.
    ReviewCard.objects.bulk_create(new, ignore_conflicts=True)
    header_due_forget([user.pk])
    return list(cards.values())


def due_cutoff(at: datetime | None = None) -> datetime:
    return (at or timezone.now()) + DUE_WINDOW


def due_cards(user, *, at: datetime | None = None) -> QuerySet[ReviewCard]:
    """The learner's cards due now, most overdue first."""
    return ReviewCard.objects.for_user(user).live().due_by(due_cutoff(at)).order_by("due", "pk")


def due_count(user, *, at: datetime | None = None) -> int:
    """How many of `due_cards` there are (one query)."""
    if not user.is_authenticated:
        return 0
    return due_cards(user, at=at).count()


# The header on every signed-in page shows the due count. A minute's lag as cards
# fall due is harmless; a count that ignores the learner's own answer is not, so
# every write to a learner's cards forgets theirs (see header_due_forget).
HEADER_DUE_SECONDS = 60


def _header_due_key(user_id: int) -> str:
    return f"review-due:{user_id}"


def header_due_count(user) -> int:
    """`due_count` for the page header, kept in the default cache for a minute."""
    if not user.is_authenticated:
        return 0
    key = _header_due_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = due_count(user)
        cache.set(key, count, HEADER_DUE_SECONDS)
    return count


def header_due_forget(user_ids: Iterable[int]) -> None:
    """Drop the learners' cached header counts, now and once the card changes commit
    (a page read in between could have cached the count from before them)."""
    keys = [_header_due_key(pk) for pk in user_ids]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def next_card(user, *, at: datetime | None = None) -> ReviewCard | None:
    """The most overdue card, with its question's lesson and choices loaded."""
    return (
        due_cards(user, at=at)
        .select_related("question__lesson")
        .prefetch_related(
            Prefetch("question__choices", queryset=Choice.objects.order_by("position"))
        )
        .first()
    )
