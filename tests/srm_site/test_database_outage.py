"""The database restarting: learners get a clear 503 page, and nothing is half-written.

The outage is simulated with `connection.execute_wrapper`: chosen queries raise
OperationalError instead of reaching the database, as they do while PostgreSQL
restarts ("connection refused", "server closed the connection unexpectedly").
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import (
    DataError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
    connection,
    transaction,
)
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quizzes.exams.attempts import attempt_answer, attempt_start, attempt_submit
from quizzes.models import Attempt, AttemptItem, ReviewCard
from tests.factories import BlueprintFactory, LessonFactory, build_bank

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def outage_message() -> str:
    """What the database driver says when the database is out of reach."""
    if connection.vendor == "sqlite":
        return "unable to open database file"
    return "server closed the connection unexpectedly"


@contextmanager
def database_down(
    when: Callable[[str], bool] = lambda sql: True,
    error: type[Exception] = OperationalError,
    message: str = "",
) -> Iterator[list[str]]:
    """Every query `when` accepts raises `error`; yields the SQL of those that failed."""
    failed: list[str] = []

    def wrapper(execute, sql, params, many, context):
        if when(sql):
            failed.append(sql)
            raise error(message or outage_message())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield failed


@contextmanager
def blip(number: int) -> Iterator[None]:
    """Only the `number`th query from here (0-based) fails: the database went away there."""
    seen = iter(range(10**6))
    with database_down(when=lambda sql: next(seen) == number):
        yield


def queries_of(action: Callable[[], object]) -> list[str]:
    """The SQL `action` runs, savepoints included (each a point where it can be cut off).

    What it writes is rolled back afterwards.
    """
    run: list[str] = []

    def wrapper(execute, sql, params, many, context):
        run.append(sql)
        return execute(sql, params, many, context)

    with transaction.atomic(), connection.execute_wrapper(wrapper):
        action()
        transaction.set_rollback(True)
    return run


def inserts_into(table: str) -> Callable[[str], bool]:
    return lambda sql: sql.startswith(f'INSERT INTO "{table}"')


@pytest.fixture
def blueprint():
    build_bank(12)
    return BlueprintFactory(question_count=5)


@pytest.fixture
def attempt(user, blueprint) -> Attempt:
    return attempt_start(user=user, blueprint=blueprint, rng=random.Random(3)).attempt


def question_url(attempt: Attempt, n: int) -> str:
    return reverse("quizzes:attempt_question", args=[attempt.pk, n])


class TestOutagePage:
    def test_a_page_is_a_503_with_retry_after_and_a_plain_message(self, client):
        with database_down() as failed:
            response = client.get("/lessons/")
        assert failed
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert "no-store" in response["Cache-Control"]
        assertContains(response, "database is briefly unavailable", status_code=503)
        assertContains(response, "already confirmed as saved is stored and safe", status_code=503)
        assertContains(response, '<a href="/lessons/">Try again</a>', status_code=503)
        assertContains(response, '<a href="/">Back to the home page</a>', status_code=503)
        assertNotContains(response, "Traceback", status_code=503)
        assertNotContains(response, "OperationalError", status_code=503)
        assertNotContains(response, outage_message(), status_code=503)

    def test_the_page_keeps_the_security_headers_and_has_no_inline_script(self, client):
        with database_down():
            response = client.get("/lessons/")
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        html = response.content.decode()
        assert "<script" not in html and "<style" not in html and " style=" not in html

    def test_a_learner_whose_session_cannot_load_gets_the_503_page(self, auth_client, attempt):
        # The first query of a logged-in request is the session: login_required
        # touches request.user inside the view, where process_exception sees it.
        with database_down() as failed:
            response = auth_client.get(question_url(attempt, 1))
        assert failed[0].split()[0] == "SELECT" and "django_session" in failed[0]
        assert response.status_code == 503
        assertContains(response, "Back in a few seconds", status_code=503)

    def test_a_query_failing_while_the_template_renders_is_a_503_too(self, auth_client, attempt):
        # The header's count of due reviews is read lazily, while base.html renders
        # (not on an exam's own pages, whose header is the exam bar).
        with database_down(when=lambda sql: "quizzes_reviewcard" in sql) as failed:
            response = auth_client.get(reverse("quizzes:exam_list"))
        assert failed
        assert response.status_code == 503
        assertNotContains(response, "Practice exams", status_code=503)

    def test_the_try_again_link_is_the_same_address_escaped(self, client):
        with database_down():
            response = client.get('/lessons/?q="><b>x</b>')
        html = response.content.decode()
        assert '<a href="/lessons/?q=%22%3E%3Cb%3Ex%3C/b%3E">Try again</a>' in html
        assert "<b>x" not in html

    def test_a_form_sent_by_post_is_retried_from_the_page_it_came_from(self, auth_client, attempt):
        page = "http://testserver" + question_url(attempt, 2)
        with database_down():
            response = auth_client.post(question_url(attempt, 2), {}, headers={"Referer": page})
        assert response.status_code == 503
        assertContains(response, f'<a href="{page}">Try again</a>', status_code=503)

    def test_a_post_from_elsewhere_is_not_given_a_link_there(self, auth_client, attempt):
        with database_down():
            response = auth_client.post(
                question_url(attempt, 2), {}, headers={"Referer": "https://evil.example/x"}
            )
        assertNotContains(response, "evil.example", status_code=503)
        assertContains(response, "Go back and send it again", status_code=503)

    def test_htmx_gets_a_short_message_not_the_page(self, auth_client, attempt):
        with database_down():
            response = auth_client.post(question_url(attempt, 1), {}, headers=HX)
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assertNotContains(response, "<html", status_code=503)
        assertContains(response, 'id="database-unavailable"', status_code=503)
        assertContains(response, 'role="alert"', status_code=503)
        assertContains(response, "briefly unavailable", status_code=503)

    def test_an_interface_error_is_an_outage_too(self, client):
        # psycopg's "connection already closed" surfaces as InterfaceError.
        with database_down(error=InterfaceError):
            response = client.get("/lessons/")
        assert response.status_code == 503

    def test_operators_see_a_warning_with_the_exception(self, client, caplog):
        with caplog.at_level(logging.WARNING, logger="srm_site.middleware"), database_down():
            client.get("/lessons/")
        [record] = [r for r in caplog.records if r.name == "srm_site.middleware"]
        assert record.levelno == logging.WARNING
        assert "Database unavailable, answered 503: GET /lessons/" in record.getMessage()
        assert isinstance(record.exc_info[1], OperationalError)

    def test_a_session_that_cannot_be_saved_after_the_view_is_a_503_too(self, client):
        """The session is saved after the view has answered, outside the middleware's reach."""
        lesson = LessonFactory()
        client.raise_request_exception = False
        with database_down(when=inserts_into("django_session")) as failed:
            response = client.post(f"/lessons/{lesson.slug}/complete")  # a guest's progress
        assert failed
        assert response.status_code == 503
        assertContains(response, "database is briefly unavailable", status_code=503)

    def test_a_mistake_in_sql_on_sqlite_stays_a_500(self, client):
        """SQLite reports "no such column" as an OperationalError; it is a bug, not an outage."""
        if connection.vendor != "sqlite":
            pytest.skip("PostgreSQL reports SQL mistakes as ProgrammingError (tested below)")
        client.raise_request_exception = False
        with database_down(message="no such column: lessons_lesson.colour"):
            response = client.get("/lessons/")
        assert response.status_code == 500

    @pytest.mark.parametrize("error", [IntegrityError, ProgrammingError, DataError])
    def test_a_bug_in_a_query_stays_a_500(self, client, error):
        client.raise_request_exception = False
        with database_down(error=error):
            response = client.get("/lessons/")
        assert response.status_code == 500
        assert "Retry-After" not in response
        assertContains(response, "Something went wrong on our side", status_code=500)


class TestNothingHalfWritten:
    def test_an_exam_start_cut_off_at_its_questions_leaves_no_attempt(
        self, auth_client, blueprint
    ):
        url = reverse("quizzes:exam_start", args=[blueprint.slug])
        with database_down(when=inserts_into("quizzes_attemptitem")) as failed:
            response = auth_client.post(url)
        assert failed and response.status_code == 503
        assert not Attempt.objects.exists() and not AttemptItem.objects.exists()
        # Pressing "Try again" once the database is back starts a whole attempt.
        response = auth_client.post(url)
        attempt = Attempt.objects.get()
        assert response.status_code == 302 and attempt.items.count() == 5

    def test_an_exam_start_cut_off_at_any_query_leaves_no_attempt(self, user, blueprint):
        def start():
            return attempt_start(user=user, blueprint=blueprint, rng=random.Random(3))

        run = queries_of(start)
        assert any(sql.startswith('INSERT INTO "quizzes_attemptitem"') for sql in run)
        for number in range(len(run)):
            with blip(number), pytest.raises(OperationalError):
                start()
            assert not Attempt.objects.exists(), run[number]
            assert not AttemptItem.objects.exists(), run[number]

    def test_an_answer_cut_off_keeps_the_previous_selection(self, auth_client, attempt):
        item = attempt.items.get(position=1)
        first, second = item.choice_order[:2]
        attempt_answer(attempt=attempt, item=item, selected=[str(first)], flagged=False)
        changed = {"choice": str(second), "flagged": "1"}
        with database_down(when=lambda sql: sql.startswith('UPDATE "quizzes_attemptitem"')):
            response = auth_client.post(question_url(attempt, 1), changed, headers=HX)
        assert response.status_code == 503
        item.refresh_from_db()
        assert item.selected == [first] and item.flagged is False

    def test_an_answer_cut_off_at_any_query_changes_nothing(self, attempt):
        item = attempt.items.get(position=1)
        first, second = item.choice_order[:2]
        attempt_answer(attempt=attempt, item=item, selected=[str(first)], flagged=False)

        def answer():
            fresh = AttemptItem.objects.get(pk=item.pk)
            attempt_answer(attempt=attempt, item=fresh, selected=[str(second)], flagged=True)

        run = queries_of(answer)
        for number in range(len(run)):
            with blip(number), pytest.raises(OperationalError):
                answer()
            item.refresh_from_db()
            assert (item.selected, item.flagged) == ([first], False), run[number]

    def test_a_submission_cut_off_at_any_query_grades_nothing(self, user, attempt):
        for item in attempt.items.all():
            answer = [str(item.choice_order[0])]
            attempt_answer(attempt=attempt, item=item, selected=answer, flagged=False)

        def submit():
            attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk))

        run = queries_of(submit)
        for number in range(len(run)):
            with blip(number), pytest.raises(OperationalError):
                submit()
            attempt.refresh_from_db()
            assert attempt.state == Attempt.State.IN_PROGRESS, run[number]
            assert attempt.score is None
            assert not attempt.items.exclude(correct=None).exists()
            assert not ReviewCard.objects.filter(user=user).exists()
