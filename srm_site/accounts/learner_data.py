"""A learner's own data: everything kept about them, to download or to erase."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from datetime import datetime
from importlib import import_module
from typing import TYPE_CHECKING, Any

import fsrs
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.db.models import CharField, F, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.utils import timezone

from lessons.models import LessonProgress, Owner
from quizzes.exams.attempts import attempts_lock
from quizzes.models import (
    Attempt,
    AttemptItem,
    Choice,
    CorrectionNotice,
    LearnerProfile,
    PracticeAnswer,
    QuestionReport,
    ReviewCard,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser

# Bump when a key is renamed or removed, so a script reading old exports can tell.
EXPORT_FORMAT = "srm-academy-learner-data/1"


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its datetimes as ISO 8601 text, so `json.dumps` takes it as is."""
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in row.items()
    }


def _choice_texts(user: AbstractUser) -> dict[int, str]:
    """Text of every choice of every question the learner answered, in one query.

    Stored answers hold choice ids, which mean nothing outside this database.
    """
    answered = Q(question__in=PracticeAnswer.objects.filter(user=user).values("question")) | Q(
        question__in=AttemptItem.objects.filter(attempt__user=user).values("question")
    )
    return dict(Choice.objects.filter(answered).values_list("pk", "text"))


def _with_choice_texts(row: dict[str, Any], texts: Mapping[int, str]) -> dict[str, Any]:
    """Add the picked choices' text beside their ids (for an answer to a bank question)."""
    if row.get("question_ref"):
        row["selected_choices"] = [texts.get(pk, "") for pk in row["selected"] or []]
    return row


def _practice_row(row: dict[str, Any], texts: Mapping[int, str]) -> dict[str, Any]:
    """A practice answer that says what was asked and what was picked, in words.

    A matrix drill has no stored question: its question is the cell itself.
    """
    service, layer = row.pop("cell_service_name"), row.pop("cell_layer_name")
    if not row["cell_service"]:
        return _plain(_with_choice_texts(row, texts))
    row["question_stem"] = f"{service}, layer “{layer}”: who is responsible for it?"
    owners = dict(Owner.choices)
    row["selected_choices"] = [owners.get(pick, pick) for pick in row["selected"] or []]
    return _plain(row)


def _rating_name(value: int | None) -> str | None:
    """The FSRS rating's own name (Again, Hard, Good, Easy) for a stored 1 to 4."""
    return fsrs.Rating(value).name if value else None


def _card_row(row: dict[str, Any]) -> dict[str, Any]:
    row["state"] = ReviewCard.State(row["state"]).label
    row["last_rating_name"] = _rating_name(row["last_rating"])
    return _plain(row)


def _attempts(user: AbstractUser, texts: dict[int, str]) -> list[dict[str, Any]]:
    """Attempts with their items: two queries, however many attempts."""
    items: dict[int, list[dict[str, Any]]] = {}
    for item in (
        AttemptItem.objects.filter(attempt__user=user)
        .order_by("attempt_id", "position")
        .values(
            "attempt_id",
            "position",
            "selected",
            "flagged",
            "answered_at",
            "scored",
            "correct",
            "snapshot",
            # The snapshot keeps the ref of a question deleted since.
            question_ref=Coalesce(
                F("question__ref"), KeyTextTransform("ref", "snapshot"), output_field=CharField()
            ),
            current_stem=F("question__stem"),
        )
    ):
        attempt_id = item.pop("attempt_id")
        snapshot, current_stem = item.pop("snapshot"), item.pop("current_stem")
        # The question as the learner saw it (the snapshot), even if edited or deleted since.
        item["question_stem"] = snapshot.get("stem") or current_stem
        seen = {choice["id"]: choice["text"] for choice in snapshot.get("choices", [])}
        item = _with_choice_texts(item, ChainMap(seen, texts))
        items.setdefault(attempt_id, []).append(_plain(item))
    attempts = []
    for attempt in (
        Attempt.objects.filter(user=user)
        .order_by("started_at", "pk")
        .values(
            "pk",
            "started_at",
            "deadline",
            "time_multiplier",
            "finished_at",
            "state",
            "score",
            "scored_count",
            "scaled_score",
            "passed",
            blueprint_slug=F("blueprint__slug"),
            blueprint_title=F("blueprint__title"),
        )
    ):
        attempt["items"] = items.get(attempt.pop("pk"), [])
        attempts.append(_plain(attempt))
    return attempts


def learner_export(user: AbstractUser) -> dict[str, Any]:
    """Everything kept about one learner, as a JSON-ready dict (eleven queries, any history)."""
    texts = _choice_texts(user)
    profile = (
        LearnerProfile.objects.filter(user=user).values("time_multiplier", "time_zone").first()
    )
    lessons = (
        LessonProgress.objects.filter(user=user)
        .order_by("completed_at", "pk")
        .values("completed_at", lesson_slug=F("lesson__slug"), lesson_title=F("lesson__title"))
    )
    practice = (
        PracticeAnswer.objects.filter(user=user)
        .order_by("answered_at", "pk")
        .values(
            "selected",
            "correct",
            "sure",
            "topic",
            "answered_at",
            "question_ref",  # kept when the question is deleted
            question_stem=F("question__stem"),
            cell_service=F("cell__service__slug"),
            cell_layer=F("cell__layer__slug"),
            cell_service_name=F("cell__service__name"),
            cell_layer_name=F("cell__layer__name"),
        )
    )
    cards = (
        ReviewCard.objects.filter(user=user)
        .order_by("due", "pk")
        .values(
            "state",
            "due",
            "last_review",
            "last_rating",
            "reviews",
            "lapses",
            "created_at",
            question_ref=F("question__ref"),
            question_stem=F("question__stem"),
        )
    )
    reports = (
        QuestionReport.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values(
            "reason",
            "note",
            "created_at",
            "resolved_at",
            question_ref=F("question__ref"),
            question_stem=F("question__stem"),
        )
    )
    notices = (
        CorrectionNotice.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values(
            "created_at",
            "dismissed_at",
            question_ref=F("correction__question_ref"),
            summary=F("correction__summary"),
        )
    )
    username = user.get_username()
    sign_ins = (
        AccessLog.objects.filter(username=username)
        .order_by("attempt_time", "pk")
        .values("attempt_time", "logout_time", "ip_address", "user_agent")
    )
    failed_sign_ins = (
        AccessAttempt.objects.filter(username=username)
        .order_by("attempt_time", "pk")
        .values("attempt_time", "ip_address", "user_agent", "failures_since_start")
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "account": _plain(
            {
                "username": user.get_username(),
                "email": user.email,
                "date_joined": user.date_joined,
            }
        ),
        "profile": profile
        or {"time_multiplier": LearnerProfile.ExtraTime.NONE.value, "time_zone": ""},
        "lessons_completed": [_plain(row) for row in lessons],
        "practice_answers": [_practice_row(row, texts) for row in practice],
        "attempts": _attempts(user, texts),
        "review_cards": [_card_row(row) for row in cards],
        "question_reports": [_plain(row) for row in reports],
        "correction_notices": [_plain(row) for row in notices],
        # Kept by the login lockout (django-axes), by username.
        "sign_ins": [_plain(row) for row in sign_ins],
        "failed_sign_ins": [_plain(row) for row in failed_sign_ins],
    }


def _session_keys(user: AbstractUser) -> list[str]:
    """The keys of the learner's stored sessions on every device.

    Django keeps no index from a learner to their sessions, so every stored
    session is read and decoded once: a cost paid only when an account is
    deleted, and paid before the deletion's transaction so that on SQLite no
    other write (an exam save) waits for the scan.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store_class, "get_model_class"):  # sessions not in the database
        return []
    user_id = str(user.pk)
    return [
        session.session_key
        for session in store_class.get_model_class().objects.iterator()
        if session.get_decoded().get(SESSION_KEY) == user_id
    ]


def _sessions_delete(keys: list[str]) -> int:
    """End those sessions: their database rows and, with Redis, their cached copies."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store_class(session_key=key).delete()
    return len(keys)


def _sign_in_records_delete(user: AbstractUser) -> int:
    """The login lockout's records of the learner's sign-ins, kept by username."""
    username = user.get_username()
    return sum(
        model.objects.filter(username=username).delete()[0]
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    )


def learner_delete(user: AbstractUser) -> int:
    """Delete the learner and every row about them; returns how many rows went.

    Their own rows go by cascade; sign-in records and sessions point at them by
    username or inside session data, so they are found and deleted here. A
    session begun while the sessions are scanned outlives the account but
    signs no one in: Django finds no user for it.
    """
    session_keys = _session_keys(user)
    with transaction.atomic():
        attempts_lock(Attempt.objects.filter(user=user))  # a save under way finishes first
        extra = _sign_in_records_delete(user) + _sessions_delete(session_keys)
        deleted, _per_model = user.delete()
    return deleted + extra
