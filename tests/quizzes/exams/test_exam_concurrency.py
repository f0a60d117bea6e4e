"""Exam races with real transactions on PostgreSQL: an answer racing the grading,
two tabs starting the same exam at once, and an attempt deleted (with the account
or in the admin) while an answer or the grading is being saved.

SQLite serialises every write transaction (IMMEDIATE), so the race only exists
on PostgreSQL; the PostgreSQL pass of CI runs these tests.
"""

from __future__ import annotations

import random
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, connections
from django.test import Client
from django.urls import reverse

from quizzes.bank.grading import is_correct
from quizzes.exams import attempts as exams
from quizzes.exams.attempts import AttemptClosed, attempt_answer, attempt_start, attempt_submit
from quizzes.models import Attempt, AttemptItem
from srm_site.accounts.learner_data import learner_delete
from tests.factories import BlueprintFactory, UserFactory, build_bank

User = get_user_model()

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks only matter on PostgreSQL"
    ),
]


def _run_together(*targets, timeout: float) -> None:
    """Run each target in its own thread (its own connection) and wait for all; a
    thread still running after `timeout` seconds fails the test rather than hang it."""
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting"


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

    _run_together(submit, answer, timeout=15)

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

    _run_together(tab, tab, timeout=20)

    assert not [o for o in outcome if isinstance(o, Exception)], outcome
    [attempt] = Attempt.objects.all()
    assert {started.attempt.pk for started in outcome} == {attempt.pk}
    assert len(losers) == 1  # the race did happen: one insert broke the constraint
    assert attempt.is_finished == finishes


# Deleting an attempt while a save or grading holds its lock. A save locks the
# attempt, then writes its items; a deletion (of the account, or in the admin)
# deletes the items before the attempt. Unless the deletion locks the attempt
# first, the two take the locks in opposite order and PostgreSQL aborts one.


def _answer(attempt: Attempt) -> None:
    item = attempt.items.get(position=1)
    pick = item.snapshot["choices"][0]["id"]
    attempt_answer(attempt=attempt, item=item, selected=[str(pick)], flagged=True)


def _grade(attempt: Attempt) -> None:
    attempt_submit(attempt=attempt)


WRITERS = pytest.mark.parametrize("write", [_answer, _grade], ids=["answer", "grading"])


def _waits_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
        return cursor.fetchone()[0] > 0


def _delete_during_a_write(attempt: Attempt, write, delete) -> tuple[list[str], dict]:
    """Run `write(attempt)` in one thread and `delete()` in another, the deletion
    starting once the write holds the attempt's lock, and the write going on to
    its items only once the deletion waits for a lock (or after 5 s).

    Returns what happened in order (the deletion seen waiting, the items written,
    the items deleted) and what each side raised.
    """
    locked, deleter_ready = threading.Event(), threading.Event()
    deleter: dict[str, int] = {}
    events: list[str] = []
    errors: dict[str, Exception] = {}

    def write_when_the_deletion_waits(execute, sql, params, many, context):
        if sql.startswith('UPDATE "quizzes_attemptitem"'):
            deleter_ready.wait(5)
            deadline = time.monotonic() + 5
            while "pid" in deleter and time.monotonic() < deadline:
                if _waits_for_a_lock(deleter["pid"]):
                    events.append("deletion waits")
                    break
                time.sleep(0.02)
            result = execute(sql, params, many, context)
            events.append("items written")  # before the write's commit
            return result
        result = execute(sql, params, many, context)
        if "FOR UPDATE" in sql and '"quizzes_attempt"' in sql:
            locked.set()
        return result

    def note_the_deletion(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith('DELETE FROM "quizzes_attemptitem"'):
            events.append("items deleted")
        return result

    def writer() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '10s'")  # never hang the suite
            with connection.execute_wrapper(write_when_the_deletion_waits):
                write(Attempt.objects.get(pk=attempt.pk))
        except Exception as error:  # the test reads it
            errors["write"] = error
        finally:
            locked.set()
            connections.close_all()

    def deletion() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '10s'")
                cursor.execute("SELECT pg_backend_pid()")
                deleter["pid"] = cursor.fetchone()[0]
            deleter_ready.set()
            locked.wait(10)
            with connection.execute_wrapper(note_the_deletion):
                delete()
        except Exception as error:  # the test reads it
            errors["delete"] = error
        finally:
            deleter_ready.set()
            connections.close_all()

    _run_together(writer, deletion, timeout=30)
    return events, errors


def _started(user=None) -> Attempt:
    build_bank(4)
    blueprint = BlueprintFactory(question_count=3, minutes=15)
    return attempt_start(user=user or UserFactory(), blueprint=blueprint).attempt


@WRITERS
def test_deleting_a_learner_waits_for_their_exam_save_instead_of_deadlocking(write):
    user = UserFactory()
    attempt = _started(user)

    events, errors = _delete_during_a_write(attempt, write, lambda: learner_delete(user))

    # Neither side fails: the deletion waits for the save's commit, then deletes it all.
    assert not errors, errors
    assert events == ["deletion waits", "items written", "items deleted"]
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Attempt.objects.filter(pk=attempt.pk).exists()
    assert not AttemptItem.objects.filter(attempt_id=attempt.pk).exists()


def _admin_delete_view(client: Client, attempt: Attempt) -> None:  # delete_model
    url = reverse("admin:quizzes_attempt_delete", args=[attempt.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302, f"answered {response.status_code}"


def _admin_delete_action(client: Client, attempt: Attempt) -> None:  # delete_queryset
    url = reverse("admin:quizzes_attempt_changelist")
    data = {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"}
    response = client.post(url, data)
    assert response.status_code == 302, f"answered {response.status_code}"


@WRITERS
@pytest.mark.parametrize(
    "admin_delete", [_admin_delete_view, _admin_delete_action], ids=["delete page", "action"]
)
def test_deleting_an_attempt_in_the_admin_waits_for_its_exam_save_instead_of_deadlocking(
    admin_client, write, admin_delete
):
    attempt = _started()

    events, errors = _delete_during_a_write(
        attempt, write, lambda: admin_delete(admin_client, attempt)
    )

    assert not errors, errors
    assert events == ["deletion waits", "items written", "items deleted"]
    assert not Attempt.objects.filter(pk=attempt.pk).exists()
    assert not AttemptItem.objects.filter(attempt_id=attempt.pk).exists()
