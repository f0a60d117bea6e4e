"""The reads the busiest pages make on every request, written as SQL.

Building a query through the ORM costs ten to twenty times what the database
spends running these two (0.3–0.8 ms against 0.03–0.1 ms), on pages that are
otherwise a couple of milliseconds: the exam sheet (every exam question page and
every save) and, for every lesson page, the study path, the lesson's services and its
"check yourself" question. Django documents raw SQL through
`connection.cursor()` for such cases; everything else in the project is a
queryset. The SQL is portable (SQLite and PostgreSQL) and takes every value as
a parameter. Each function names the queryset it stands for, and
tests/srm_site/shared/test_hot_reads.py compares the two on whichever database the tests run, so
a migration that renames a table or column these use fails there.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from django.db import DEFAULT_DB_ALIAS, connection, models
from django.utils.dateparse import parse_datetime

# The largest values the id and position columns hold: a bigger number from a URL
# matches no row (the ORM says so the same way), rather than overflowing the driver.
MAX_ID = 2**63 - 1
MAX_POSITION = 32767

NAVIGATOR_SQL = """
    SELECT position, selected, flagged, choose
    FROM quizzes_attemptitem
    WHERE attempt_id = %s
    ORDER BY position
"""

# Every item of the attempt for the navigator; the asked-for item ("this") and its
# attempt and blueprint joined on that one row only, so the others carry no snapshot.
EXAM_SHEET_SQL = """
    SELECT item.position, item.selected, item.flagged, item.choose,
        this.id, this.question_id, this.choice_order, this.scored, this.answered_at,
        this.snapshot,
        attempt.user_id, attempt.state, attempt.deadline, attempt.time_multiplier,
        attempt.blueprint_id, blueprint.title
    FROM quizzes_attemptitem AS item
    LEFT JOIN quizzes_attemptitem AS this ON this.id = item.id AND item.position = %s
    LEFT JOIN quizzes_attempt AS attempt ON attempt.id = this.attempt_id
    LEFT JOIN quizzes_examblueprint AS blueprint ON blueprint.id = attempt.blueprint_id
    WHERE item.attempt_id = %s
    ORDER BY item.position
"""

STUDY_PATH_SQL = """
    SELECT lesson.id, lesson.slug, lesson.title,
        EXISTS (
            SELECT 1 FROM lessons_lesson_prerequisites AS link
            WHERE link.from_lesson_id = %s AND link.to_lesson_id = lesson.id
        ),
        EXISTS (
            SELECT 1 FROM lessons_lessonprogress AS done
            WHERE done.user_id = %s AND done.lesson_id = lesson.id
        )
    FROM lessons_lesson AS lesson
    WHERE lesson.published
    ORDER BY lesson.position, lesson.title
"""

LESSON_SERVICES_SQL = """
    SELECT service.id, service.slug, service.name
    FROM lessons_service AS service
    JOIN lessons_lesson_services AS link ON link.service_id = service.id
    WHERE link.lesson_id = %s
    ORDER BY service.position, service.name, service.id
"""

# One row per choice of one question drawn at random from the lesson's questions in
# the given status. The subquery depends on nothing outside it, so both databases run
# it, and draw, once.
CHECK_YOURSELF_SQL = """
    SELECT question.id, question.kind, question.stem, question.choose,
        choice.id, choice.position, choice.text
    FROM quizzes_question AS question
    JOIN quizzes_choice AS choice ON choice.question_id = question.id
    WHERE question.id = (
        SELECT candidate.id FROM quizzes_question AS candidate
        WHERE candidate.lesson_id = %s AND candidate.status = %s
        ORDER BY RANDOM()
        LIMIT 1
    )
    ORDER BY choice.position, choice.id
"""


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def loaded(model: type[models.Model], columns: dict) -> models.Model:
    """An instance holding these columns, as a `.only()` read loads one (Model.from_db):
    every other field is deferred, so reading it later queries it, never invents it."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in columns]
    return model.from_db(DEFAULT_DB_ALIAS, names, [columns[name] for name in names])


def _json(value: object) -> object:
    """A JSON column's value: text from the driver, decoded here as the field would."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def _datetime(value: object) -> datetime | None:
    """A timestamp column's value as an aware datetime. SQLite stores UTC without an
    offset (its driver may already parse it); PostgreSQL gives an aware datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def exam_sheet_rows(*, attempt_id: int, position: int) -> tuple[dict, dict, list] | None:
    """The attempt, item `position` of it and the navigator's rows, in one statement.

    Returns (attempt, item, navigator): the attempt's user_id, state, deadline,
    time_multiplier, blueprint_id and blueprint_title; the item's columns with its snapshot; and
    (position, choices ticked, flagged, choices to pick) per item, as
    `navigator_rows` gives them. None when the attempt or that item doesn't exist.
    Stands for AttemptItem.objects.select_related("attempt__blueprint")
    .get(attempt_id=…, position=…) together with `navigator_rows`.
    """
    if not (0 < attempt_id <= MAX_ID and 0 <= position <= MAX_POSITION):
        return None
    attempt, item, navigator = None, None, []
    for row in _rows(EXAM_SHEET_SQL, [position, attempt_id]):
        (at, selected, flagged, choose, pk, question_id, choice_order, scored) = row[:8]
        (answered_at, snapshot, user_id, state, deadline, multiplier) = row[8:14]
        (blueprint_id, title) = row[14:]
        # "[]" is the only empty list the column holds: no need to decode it.
        selected = [] if selected == "[]" else _json(selected)
        flagged = bool(flagged)
        navigator.append((at, len(selected), flagged, choose))
        if at == position:
            attempt = {
                "id": attempt_id,
                "user_id": user_id,
                "state": state,
                "deadline": _datetime(deadline),
                "time_multiplier": multiplier,
                "blueprint_id": blueprint_id,
                "blueprint_title": title,
            }
            item = {
                "id": pk,
                "attempt_id": attempt_id,
                "question_id": question_id,
                "snapshot": _json(snapshot),
                "position": at,
                "choose": choose,
                "choice_order": _json(choice_order),
                "selected": selected,
                "flagged": flagged,
                "answered_at": _datetime(answered_at),
                "scored": bool(scored),
            }
    return None if item is None else (attempt, item, navigator)


def navigator_rows(attempt_id: int) -> list[tuple[int, int, bool, int]]:
    """(position, choices ticked, flagged, choices to pick) for each item of the attempt.

    Stands for AttemptItem.objects.filter(attempt_id=attempt_id).order_by("position")
    .values_list("position", JSONArrayLength("selected"), "flagged", "choose").
    """
    return [
        (position, len(_json(selected)), bool(flagged), choose)
        for position, selected, flagged, choose in _rows(NAVIGATOR_SQL, [attempt_id])
    ]


def study_path_rows(
    *, lesson_id: int, user_id: int | None
) -> list[tuple[int, str, str, bool, bool]]:
    """(pk, slug, title, is a prerequisite of the lesson, finished by the user) per
    published lesson, in path order; a guest (`user_id` None) has finished none.

    Stands for Lesson.objects.published() annotated with two Exists() subqueries,
    on the prerequisites' through table and on LessonProgress.
    """
    return [
        (pk, slug, title, bool(prerequisite), bool(finished))
        for pk, slug, title, prerequisite, finished in _rows(STUDY_PATH_SQL, [lesson_id, user_id])
    ]


def lesson_service_rows(lesson_id: int) -> list[tuple[int, str, str]]:
    """(pk, slug, name) of each service the lesson is about, in the services' order.

    Stands for Lesson.services.values_list("pk", "slug", "name").
    """
    return _rows(LESSON_SERVICES_SQL, [lesson_id])


def check_yourself_rows(*, lesson_id: int, status: str) -> tuple[dict, list[dict]] | None:
    """One of the lesson's questions in `status`, drawn at random, and its choices in order.

    Returns the question's id, kind, stem, choose and lesson_id, and each choice's id,
    question_id, position and text: what a question card shows, nothing that tells
    the answer. None when the lesson has no such question. Stands for
    Question.objects.filter(lesson_id=…, status=…).order_by("?").first() with its
    choices ordered by position.
    """
    rows = _rows(CHECK_YOURSELF_SQL, [lesson_id, status])
    if not rows:
        return None
    pk, kind, stem, choose = rows[0][:4]
    question = {"id": pk, "kind": kind, "stem": stem, "choose": choose, "lesson_id": lesson_id}
    choices = [
        {"id": choice_id, "question_id": pk, "position": position, "text": text}
        for *_, choice_id, position, text in rows
    ]
    return question, choices
