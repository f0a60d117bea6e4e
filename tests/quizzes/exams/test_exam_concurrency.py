"""An answer racing the grading, with two real transactions on PostgreSQL.

SQLite serialises every write transaction (IMMEDIATE), so the race only exists
on PostgreSQL; the PostgreSQL pass of CI runs these tests.
"""

from __future__ import annotations

import random
import threading
import time

import pytest
from django.db import connection, connections

from quizzes.bank.grading import is_correct
from quizzes.exams import attempts as exams
from quizzes.exams.attempts import AttemptClosed, attempt_answer, attempt_start, attempt_submit
from quizzes.models import Attempt
from tests.factories import BlueprintFactory, UserFactory, build_bank

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks only matter on PostgreSQL"
    ),
]


def _someone_waits_for_a_lock() -> bool:
    with connections["default"].cursor() as cursor:
        # pg_locks, not pg_stat_activity: the latter is a snapshot frozen for
        # the length of the asking transaction.
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


def test_an_answer_saved_while_grading_is_never_graded_on_the_old_selection(monkeypatch):
    build_bank(12)
    blueprint = BlueprintFactory(question_count=10, minutes=15)
    attempt = attempt_start(user=UserFactory(), blueprint=blueprint, rng=random.Random(2)).attempt
    item = attempt.items.select_related("question").get(position=1)
    choices = list(item.question.choices.all())
    right = [c.pk for c in choices if c.is_correct]
    wrong = next(c.pk for c in choices if not c.is_correct)
    attempt_answer(attempt=attempt, item=item, selected=right, flagged=False)

    grading_started = threading.Event()
    answer_done = threading.Event()
    outcome: dict[str, object] = {}

    def grade_slowly(*, selected, correct):
        # Grading has read the items and holds the attempt's lock; give the
        # racing answer every chance to slip in before the grades are written.
        grading_started.set()
        deadline = time.monotonic() + 5
        while not answer_done.is_set() and not _someone_waits_for_a_lock():
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
        return is_correct(selected=selected, correct=correct)

    monkeypatch.setattr(exams, "is_correct", grade_slowly)

    def submit() -> None:
        try:
            attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk))
        finally:
            connections.close_all()

    def answer() -> None:
        try:
            grading_started.wait(5)
            attempt_answer(
                attempt=Attempt.objects.get(pk=attempt.pk),
                item=item,
                selected=[str(wrong)],
                flagged=False,
            )
            outcome["answer"] = "stored"
        except AttemptClosed:
            outcome["answer"] = "refused"
        finally:
            answer_done.set()
            connections.close_all()

    threads = [threading.Thread(target=submit), threading.Thread(target=answer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)

    item.refresh_from_db()
    # The answer came after grading began, so it must be refused, and what is
    # stored is exactly what was graded.
    assert outcome["answer"] == "refused"
    assert item.selected == sorted(right)
    assert item.correct is True
    assert item.correct == is_correct(selected=item.selected, correct=right)
