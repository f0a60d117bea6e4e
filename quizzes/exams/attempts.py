"""Timed exams: starting, answering, the server's clock, submitting and scoring.

Scaled score (documented for learners on the result page):

    scaled = 100 + round(900 × right ÷ scored)

so 0 right is 100, all right is 1000, and the 700 pass line needs two thirds
right (e.g. 34 of 50 scored questions in the full simulation). Unscored items
never count.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from quizzes.bank.grading import is_correct
from quizzes.exams.selection import select_questions
from quizzes.exams.snapshots import snapshot_choice_ids, snapshot_correct_ids, snapshots_for
from quizzes.models import Attempt, AttemptItem, ExamBlueprint, LearnerProfile
from quizzes.review.cards import Answer, cards_record
from srm_site.shared.hot_reads import exam_sheet_rows, loaded, navigator_rows

GRACE = timedelta(seconds=5)  # network latency allowance after the deadline


# What a finished exam teaches the rest of the site (mastery map, weak areas,
# readiness, review): every answered item, and every scored item left unanswered,
# which scores zero on the result because the learner did not know it.
COUNTED_ITEMS = Q(answered_at__isnull=False) | Q(scored=True)


def item_counted(item: AttemptItem) -> bool:
    """`COUNTED_ITEMS` for one item in memory."""
    return bool(item.selected) or item.scored


def items_missed(items: Iterable[AttemptItem]) -> list[AttemptItem]:
    """The graded items a finished exam puts in the review queue: counted, wrong, and
    still in the bank (a question deleted since has no card)."""
    return [
        item
        for item in items
        if item_counted(item) and not item.correct and item.question_id is not None
    ]


class LateAnswer(Exception):
    """The answer arrived after the deadline (plus grace); it was not stored."""


class AttemptClosed(Exception):
    """The attempt is finished; it can't be answered any more."""


class BadAnswer(ValueError):
    """The answer names choices the question doesn't have."""


class AttemptGone(Http404):
    """The attempt (or the item answered) was deleted meanwhile, by its learner deleting
    their data or by an admin, after the page read it. Nothing was stored. An Http404,
    so a page meeting it answers as it does for any attempt that isn't there."""


def now() -> datetime:
    """The server's clock (tests move it with time-machine)."""
    return timezone.now()


def scaled_score(*, right: int, scored: int) -> int:
    if scored <= 0:
        return 100
    return 100 + round(900 * right / scored)


def time_multiplier_for(user) -> str:
    profile = LearnerProfile.objects.filter(user=user).only("time_multiplier").first()
    return profile.time_multiplier if profile else LearnerProfile.ExtraTime.NONE


@dataclass(frozen=True)
class Started:
    attempt: Attempt
    resumed: bool


# How many of the learner's latest attempts a new one tries not to repeat: with
# the bank's 200+ exam-style items, three full simulations in a row share none.
RECENT_ATTEMPTS = 3


def recently_met(user) -> set[int]:
    """Questions in the learner's last few attempts (one query)."""
    latest = Attempt.objects.filter(user=user).order_by("-started_at").values("pk")
    return set(
        AttemptItem.objects.filter(
            attempt__in=latest[:RECENT_ATTEMPTS],
            question__isnull=False,
        ).values_list("question_id", flat=True)
    )


def attempt_start(*, user, blueprint: ExamBlueprint, rng: random.Random | None = None) -> Started:
    """Start an attempt, or resume the learner's live one of this blueprint.

    A live attempt whose time has run out is finalised first, and a new one starts.
    When another tab starts the same exam at the same moment, the one that loses the
    race (one_live_attempt_per_exam) joins the winner's attempt, even if it has
    finished since. Raises SelectionError when the bank is too small.
    """
    # The learner's latest attempt of it: the live one if any (a live attempt is always
    # the latest started), and what a race is told from below.
    latest = Attempt.objects.filter(user=user, blueprint=blueprint).order_by("-pk").first()
    live = latest if latest and not latest.is_finished else None
    if live and not attempt_finalize_if_expired(attempt=live):
        return Started(attempt=live, resumed=True)
    rng = rng or random.Random()
    weights = list(blueprint.weights.select_related("service", "layer"))
    question_ids = select_questions(
        count=blueprint.question_count, rng=rng, weights=weights, avoid=recently_met(user)
    )
    unscored = set(rng.sample(range(1, len(question_ids) + 1), blueprint.unscored_count))
    multiplier = time_multiplier_for(user)
    started = now()
    deadline = started + timedelta(minutes=blueprint.minutes) * float(Decimal(multiplier))
    snapshots = snapshots_for(question_ids)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                user=user,
                blueprint=blueprint,
                started_at=started,
                deadline=deadline,
                time_multiplier=multiplier,
                scored_count=blueprint.scored_count,
            )
            AttemptItem.objects.bulk_create(
                AttemptItem(
                    attempt=attempt,
                    question_id=qid,
                    snapshot=snapshots[qid],
                    position=position,
                    choose=snapshots[qid].get("choose", 1),
                    choice_order=_ordered(snapshot_choice_ids(snapshots[qid]), blueprint, rng),
                    scored=position not in unscored,
                )
                for position, qid in enumerate(question_ids, start=1)
            )
    except IntegrityError:
        # Another tab started the same exam a moment ago: join that attempt.
        joined = _started_meanwhile(user=user, blueprint=blueprint, latest=latest)
        if joined is None:  # no race: a real error, not a reason to show another attempt
            raise
        # A finished one is no exam "under way": its page is simply its result.
        return Started(attempt=joined, resumed=not joined.is_finished)
    return Started(attempt=attempt, resumed=False)


def _started_meanwhile(
    *, user, blueprint: ExamBlueprint, latest: Attempt | None
) -> Attempt | None:
    """The attempt another tab started while this one was starting: the live one, or one
    newer than `latest` that has finished since (its page then shows the result)."""
    started_since = Q(pk__gt=latest.pk if latest else 0)
    return (
        Attempt.objects.filter(user=user, blueprint=blueprint)
        .filter(Q(state=Attempt.State.IN_PROGRESS) | started_since)
        .order_by("-pk")
        .first()
    )


def _ordered(ids: list[int], blueprint: ExamBlueprint, rng: random.Random) -> list[int]:
    ids = list(ids)
    if blueprint.shuffle_choices:
        rng.shuffle(ids)
    return ids


def seconds_left(attempt: Attempt, at: datetime | None = None) -> int:
    return max(0, int((attempt.deadline - (at or now())).total_seconds()))


def attempt_answer(
    *, attempt: Attempt, item: AttemptItem, selected: list[str], flagged: bool
) -> AttemptItem:
    """Save a choice and flag the moment they are made.

    Refuses (LateAnswer) after the deadline plus grace, finalising the attempt
    as expired; refuses (AttemptClosed) once the attempt is finished; raises
    AttemptGone, storing nothing, when the attempt or the item has been deleted
    since the caller read them. The save holds the attempt's row lock, the same
    lock grading takes, so an answer is either stored before grading reads the
    items or refused after it: never stored but graded on the old selection.
    """
    picked = _picked(item, selected)
    with transaction.atomic():
        try:
            state, deadline, finished_at = (
                Attempt.objects.select_for_update()
                .filter(pk=attempt.pk)
                .values_list("state", "deadline", "finished_at")
                .get()
            )
        except Attempt.DoesNotExist:
            raise AttemptGone from None
        finished = state != Attempt.State.IN_PROGRESS
        moment = now()
        late = moment > deadline + GRACE
        if not finished and not late:
            # Under the lock, checked just above: the attempt is open and on time.
            stored = AttemptItem.objects.filter(pk=item.pk).update(
                selected=picked, flagged=flagged, answered_at=moment if picked else None
            )
            if not stored:
                raise AttemptGone
    if late and not finished:
        attempt_submit(attempt=attempt, expired=True)
        raise LateAnswer
    if finished:
        attempt.state, attempt.finished_at = state, finished_at  # as read under the lock
        raise AttemptClosed
    item.selected, item.flagged = picked, flagged
    item.answered_at = moment if picked else None
    return item


def _picked(item: AttemptItem, selected: list[str]) -> list[int]:
    """The chosen choice ids, sorted; BadAnswer unless every one is in the item's snapshot."""
    try:
        picked = sorted({int(value) for value in selected})
    except (TypeError, ValueError):
        raise BadAnswer from None
    if not set(picked) <= set(snapshot_choice_ids(item.snapshot)):
        raise BadAnswer
    return picked


class AnswerStatus:
    UNANSWERED = "unanswered"
    INCOMPLETE = "incomplete"  # a choose-N question with too few or too many ticked
    ANSWERED = "answered"


def answer_status(*, picked: int, choose: int) -> str:
    """Whether an item counts as answered: a choose-N question needs exactly N."""
    if not picked:
        return AnswerStatus.UNANSWERED
    return AnswerStatus.ANSWERED if picked == choose else AnswerStatus.INCOMPLETE


@dataclass(frozen=True)
class NavigatorRow:
    position: int
    status: str
    flagged: bool

    @property
    def answered(self) -> bool:
        return self.status == AnswerStatus.ANSWERED

    @property
    def unanswered(self) -> bool:
        return self.status == AnswerStatus.UNANSWERED

    @property
    def incomplete(self) -> bool:
        return self.status == AnswerStatus.INCOMPLETE


@dataclass(frozen=True)
class ExamSheet:
    """Question n of an attempt, its attempt and the navigator, read in one statement."""

    item: AttemptItem  # with item.attempt and its blueprint's title loaded
    navigator: list[NavigatorRow]

    def navigator_as_saved(self) -> list[NavigatorRow]:
        """The navigator with this item's row as `attempt_answer` has just saved it."""
        item = self.item
        [saved] = _navigator([(item.position, len(item.selected), item.flagged, item.choose)])
        return [saved if row.position == item.position else row for row in self.navigator]


def exam_sheet(*, user, attempt_id: int, position: int) -> ExamSheet | None:
    """Question `position` of the user's attempt `attempt_id`; None if there is no such
    question or the attempt is someone else's (see srm_site.shared.hot_reads.exam_sheet_rows)."""
    found = exam_sheet_rows(attempt_id=attempt_id, position=position)
    if found is None or found[0]["user_id"] != user.pk:
        return None
    columns, item_columns, rows = found
    attempt = loaded(Attempt, columns)
    attempt.blueprint = loaded(
        ExamBlueprint, {"id": columns["blueprint_id"], "title": columns["blueprint_title"]}
    )
    item = loaded(AttemptItem, item_columns)
    item.attempt = attempt
    return ExamSheet(item=item, navigator=_navigator(rows))


def attempt_navigator(*, attempt: Attempt) -> list[NavigatorRow]:
    """Every item's position, answer status and flag, in one query (see hot_reads)."""
    return _navigator(navigator_rows(attempt.pk))


def _navigator(rows: Iterable[tuple[int, int, bool, int]]) -> list[NavigatorRow]:
    """Navigator rows from (position, choices ticked, flagged, choices to pick) tuples."""
    return [
        NavigatorRow(
            position=position, status=answer_status(picked=picked, choose=choose), flagged=flagged
        )
        for position, picked, flagged, choose in rows
    ]


def attempt_finalize_if_expired(*, attempt: Attempt) -> bool:
    """Finalise a live attempt whose time (plus grace) is up. True if it was."""
    if attempt.state == Attempt.State.IN_PROGRESS and now() > attempt.deadline + GRACE:
        attempt_submit(attempt=attempt, expired=True)
        return True
    return attempt.state == Attempt.State.EXPIRED


@transaction.atomic
def attempt_submit(*, attempt: Attempt, expired: bool = False) -> Attempt:
    """Grade the attempt once; submitting again (or from two tabs) changes nothing.

    Each item is graded on the key in its snapshot: the question as the learner
    saw it, whatever an instructor has edited or deleted since. AttemptGone if the
    attempt has been deleted since the caller read it.
    """
    try:
        locked = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("blueprint", "user")
            .get(pk=attempt.pk)
        )
    except Attempt.DoesNotExist:
        raise AttemptGone from None
    if locked.is_finished:
        _copy(locked, attempt)
        return attempt
    items = list(
        locked.items.only(
            "pk", "attempt_id", "question_id", "snapshot", "selected", "scored", "flagged"
        )
    )
    for item in items:
        item.correct = is_correct(
            selected=item.selected, correct=snapshot_correct_ids(item.snapshot)
        )
    AttemptItem.objects.bulk_update(items, ["correct"])
    # Counted items feed spaced repetition (an unanswered one is a miss); a flagged
    # one counts as "not sure". A question deleted since has no card to schedule.
    cards_record(
        user=locked.user,
        answers=[
            Answer(question_id=item.question_id, correct=item.correct, sure=not item.flagged)
            for item in items
            if item_counted(item) and item.question_id is not None
        ],
        at=now(),
    )
    right = sum(1 for item in items if item.scored and item.correct)
    scored = sum(1 for item in items if item.scored)
    locked.score = right
    locked.scored_count = scored
    locked.scaled_score = scaled_score(right=right, scored=scored)
    locked.passed = locked.scaled_score >= locked.blueprint.pass_score
    locked.state = Attempt.State.EXPIRED if expired else Attempt.State.SUBMITTED
    locked.finished_at = min(now(), locked.deadline) if expired else now()
    locked.save(
        update_fields=["score", "scored_count", "scaled_score", "passed", "state", "finished_at"]
    )
    _copy(locked, attempt)
    return attempt


def _copy(source: Attempt, target: Attempt) -> None:
    for field in ("score", "scored_count", "scaled_score", "passed", "state", "finished_at"):
        setattr(target, field, getattr(source, field))


def attempts_finalize_expired() -> int:
    """Finalise every live attempt whose time is up (for cron). Returns how many."""
    overdue = Attempt.objects.in_progress().filter(deadline__lt=now() - GRACE)
    count = 0
    for attempt in overdue.select_related("blueprint"):
        try:
            attempt_submit(attempt=attempt, expired=True)
        except AttemptGone:  # deleted since the list was read: nothing left to finalise
            continue
        count += 1
    return count


def attempts_lock(attempts: QuerySet[Attempt]) -> None:
    """Take these attempts' row locks, in one order, before deleting them.

    An exam save and grading lock the attempt, then write its items; a deletion's
    cascade deletes the items first. Locking the attempts first puts a deletion in
    the same order, so it waits for a save under way instead of deadlocking with it.
    """
    list(
        Attempt.objects.select_for_update()
        .filter(pk__in=attempts.values("pk"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
