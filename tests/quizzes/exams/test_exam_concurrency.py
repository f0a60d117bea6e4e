"""Exam races with real transactions on PostgreSQL: an answer racing the grading,
and two tabs starting the same exam at once.

SQLite serialises every write transaction (IMMEDIATE), so the race only exists
on PostgreSQL; the PostgreSQL pass of CI runs these tests.
"""

from __future__ import annotations

import random
import threading
import time

import pytest
from django.db import IntegrityError, connection, connections

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


@pytest.mark.parametrize("finishes", [False, True], ids=["still live", "finished since"])
def test_two_tabs_starting_one_exam_at_once_share_one_attempt(monkeypatch, finishes):
    build_bank(12)
    user, blueprint = UserFactory(), BlueprintFactory(question_count=10, minutes=15)
    both_looked = threading.Barrier(2, timeout=10)
    lost, winner_done = threading.Event(), threading.Event()
    losers: list[int] = []  # the thread whose insert broke the constraint
    real_snapshots = exams.snapshots_for

    def after_both_looked(question_ids):
        # Both tabs have found no live attempt; now both insert, in two transactions.
        both_looked.wait()
        return real_snapshots(question_ids)

    monkeypatch.setattr(exams, "snapshots_for", after_both_looked)

    def losing_waits(execute, sql, params, many, context):
        # The loser's insert waits on the winner's, then breaks one_live_attempt_per_exam;
        # with `finishes` the winner submits before the loser looks for its attempt.
        try:
            return execute(sql, params, many, context)
        except IntegrityError:
            if sql.startswith('INSERT INTO "quizzes_attempt"'):
                losers.append(threading.get_ident())
                lost.set()
                winner_done.wait(10)
            raise

    outcome: list[exams.Started | Exception] = []

    def tab() -> None:
        try:
            with connection.execute_wrapper(losing_waits):
                started = attempt_start(user=user, blueprint=blueprint)
            outcome.append(started)
            if threading.get_ident() not in losers:  # the winner
                lost.wait(10)
                if finishes:
                    attempt_submit(attempt=started.attempt)
                winner_done.set()
        except Exception as error:  # the test reads it below
            outcome.append(error)
            winner_done.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tab) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert not [o for o in outcome if isinstance(o, Exception)], outcome
    [attempt] = Attempt.objects.all()
    assert {started.attempt.pk for started in outcome} == {attempt.pk}
    assert len(losers) == 1  # the race did happen: one insert broke the constraint
    assert attempt.is_finished == finishes
