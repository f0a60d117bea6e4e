"""The two reads the busiest pages make on every request, written as SQL.

Building a query through the ORM costs ten to twenty times what the database
spends running these two (0.3–0.8 ms against 0.03–0.1 ms), on pages that are
otherwise a couple of milliseconds. Django documents raw SQL through
`connection.cursor()` for such cases; everything else in the project is a
queryset. The SQL is portable (SQLite and PostgreSQL) and takes every value as
a parameter. Each function names the queryset it stands for, and
tests/test_hot_reads.py compares the two on whichever database the tests run, so
a migration that renames a table or column these use fails there.
"""

from __future__ import annotations

import json

from django.db import connection

NAVIGATOR_SQL = """
    SELECT position, selected, flagged, choose
    FROM quizzes_attemptitem
    WHERE attempt_id = %s
    ORDER BY position
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


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _json(value: object) -> object:
    """A JSON column's value: text from the driver, decoded here as the field would."""
    return json.loads(value) if isinstance(value, str | bytes) else value


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
