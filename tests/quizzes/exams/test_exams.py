from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from quizzes.bank.grading import choice_count_problem
from quizzes.exams import attempts as exams
from quizzes.exams import views as exam_views
from quizzes.exams.attempts import (
    GRACE,
    LateAnswer,
    answer_status,
    attempt_answer,
    attempt_start,
    attempt_submit,
    attempts_finalize_expired,
    scaled_score,
)
from quizzes.exams.selection import SelectionError, select_questions
from quizzes.exams.views import destination
from quizzes.models import Attempt, AttemptItem, Choice, LearnerProfile, Question
from tests.factories import BlueprintFactory, UserFactory, build_bank, multiple_question

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def bank():
    return build_bank(30)


@pytest.fixture
def blueprint(bank):
    return BlueprintFactory(question_count=10, minutes=15)


def start(user, blueprint):
    return attempt_start(user=user, blueprint=blueprint, rng=random.Random(4)).attempt


@contextmanager
def another_tab_starts_first(user, blueprint, *, then_finishes: bool) -> Iterator[dict]:
    """Force the two-tab race on one connection, whatever attempt_start reads.

    Right before this tab's insert (its snapshot read, the last step before its
    transaction) another tab starts the same exam, so the insert breaks
    one_live_attempt_per_exam. With `then_finishes`, the other tab's attempt is
    submitted just after that insert fails, before this tab reads attempts again.
    Yields {"attempt": the other tab's attempt}.
    """
    other_tab: dict = {}
    real = exams.snapshots_for
    phase = ["before the race"]

    def other_tab_starts(question_ids):
        if phase[0] == "before the race":
            phase[0] = "other tab starting"  # its own snapshot read goes straight through
            other_tab["attempt"] = start(user, blueprint)
            phase[0] = "this tab inserting"
        return real(question_ids)

    def watch(execute, sql, params, many, context):
        if phase[0] == "this tab inserting" and sql.startswith('INSERT INTO "quizzes_attempt"'):
            try:
                return execute(sql, params, many, context)
            except IntegrityError:
                phase[0] = "this tab lost"
                raise
        if (
            phase[0] == "this tab lost"
            and sql.startswith("SELECT")
            and 'FROM "quizzes_attempt"' in sql
        ):
            phase[0] = "other tab finishing"
            if then_finishes:
                attempt_submit(attempt=other_tab["attempt"])
            phase[0] = "after the race"
        return execute(sql, params, many, context)

    with (
        mock.patch.object(exams, "snapshots_for", side_effect=other_tab_starts),
        connection.execute_wrapper(watch),
    ):
        yield other_tab
    assert phase[0] == "after the race", phase[0]


def correct_ids(item):
    return [c.pk for c in item.question.choices.all() if c.is_correct]


def wrong_id(item):
    return next(c.pk for c in item.question.choices.all() if not c.is_correct)


def q_url(attempt, n):
    return reverse("quizzes:attempt_question", args=[attempt.pk, n])


class TestSelection:
    def test_never_repeats_and_spreads_across_services(self, bank):
        ids = select_questions(count=10, rng=random.Random(1))
        assert len(ids) == len(set(ids)) == 10
        per_service = Counter(Question.objects.get(pk=pk).services.get().slug for pk in ids)
        assert len(per_service) == 5 and max(per_service.values()) == 2

    def test_a_bank_too_small_is_refused_with_a_reason(self, bank):
        with pytest.raises(
            SelectionError, match="needs 31 exam-style questions but the bank has 30"
        ):
            select_questions(count=31)

    def test_too_small_bank_blueprint_cannot_be_started(self, auth_client, bank):
        big = BlueprintFactory(question_count=65)
        listing = auth_client.get("/exams/")
        assertContains(listing, "Not available yet: it needs 65 exam-style questions")
        response = auth_client.post(f"/exams/{big.slug}/start", follow=True)
        assertContains(response, "needs 65 exam-style questions but the bank has 30")
        assert not Attempt.objects.exists()


class TestStart:
    def test_requires_login(self, client, blueprint):
        response = client.post(f"/exams/{blueprint.slug}/start")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_creates_the_attempt_with_questions_order_and_deadline(
        self, auth_client, user, blueprint
    ):
        with time_machine.travel(T0, tick=False):
            response = auth_client.post(f"/exams/{blueprint.slug}/start")
        attempt = Attempt.objects.get()
        assertRedirects(response, attempt.get_absolute_url(), fetch_redirect_response=False)
        assert attempt.deadline == T0 + timedelta(minutes=15)
        assert list(attempt.items.values_list("position", flat=True)) == list(range(1, 11))

    def test_second_start_resumes_the_live_attempt(self, user, blueprint):
        first = start(user, blueprint)
        again = attempt_start(user=user, blueprint=blueprint)
        assert again.resumed and again.attempt.pk == first.pk
        assert Attempt.objects.count() == 1

    def test_database_allows_only_one_live_attempt_per_exam(self, user, blueprint):
        first = start(user, blueprint)
        with pytest.raises(IntegrityError), transaction.atomic():
            Attempt.objects.create(
                user=user,
                blueprint=blueprint,
                started_at=first.started_at,
                deadline=first.deadline,
            )

    @pytest.mark.parametrize("finishes", [False, True], ids=["still live", "finished since"])
    def test_the_tab_that_loses_the_start_race_joins_the_winners_attempt(
        self, auth_client, user, blueprint, finishes
    ):
        with another_tab_starts_first(user, blueprint, then_finishes=finishes) as other_tab:
            response = auth_client.post(f"/exams/{blueprint.slug}/start")
        winner = other_tab["attempt"]
        assert response.status_code == 302
        assert response["Location"] == winner.get_absolute_url()
        assert list(Attempt.objects.values_list("pk", flat=True)) == [winner.pk]
        shown = auth_client.get(response["Location"])
        if finishes:  # the winner's page is its result
            assertRedirects(shown, reverse("quizzes:attempt_result", args=[winner.pk]))
        else:
            assertRedirects(shown, q_url(winner, 1))

    def test_an_integrity_error_that_is_no_race_is_not_taken_for_one(self, user, blueprint):
        # The learner's last sitting is finished; the new one breaks a constraint of its
        # items (no other tab involved): that is an error, not a reason to show the old one.
        attempt_submit(attempt=start(user, blueprint))
        picked = select_questions(count=blueprint.question_count, rng=random.Random(1))
        twice = [picked[0], *picked[:-1]]
        with (
            mock.patch.object(exams, "select_questions", return_value=twice),
            pytest.raises(IntegrityError),
        ):
            attempt_start(user=user, blueprint=blueprint)
        assert Attempt.objects.count() == 1

    def test_extra_time_lengthens_only_attempts_started_afterwards(self, user, bank):
        quick, other = BlueprintFactory(minutes=20), BlueprintFactory(minutes=20)
        with time_machine.travel(T0, tick=False):
            before = start(user, quick)
            LearnerProfile.objects.create(user=user, time_multiplier="1.5")
            after = start(user, other)
        before.refresh_from_db()
        assert before.deadline == T0 + timedelta(minutes=20)
        assert after.deadline == T0 + timedelta(minutes=30)
        assert after.time_multiplier == "1.5"

    def test_profile_page_sets_extra_time(self, auth_client, user):
        response = auth_client.post("/accounts/profile/", {"time_multiplier": "2.0"})
        assert response.status_code == 302
        assert LearnerProfile.objects.get(user=user).time_multiplier == "2.0"


class TestClock:
    @pytest.mark.parametrize("offset", [-1, 4], ids=["a second early", "inside the grace"])
    def test_answer_before_the_deadline_or_inside_the_grace_is_stored(
        self, auth_client, user, blueprint, offset
    ):
        with time_machine.travel(T0, tick=False):
            attempt = start(user, blueprint)
        item = attempt.items.get(position=1)
        with time_machine.travel(attempt.deadline + timedelta(seconds=offset), tick=False):
            response = auth_client.post(q_url(attempt, 1), {"choice": wrong_id(item)}, headers=HX)
        assert response.status_code == 200
        item.refresh_from_db()
        attempt.refresh_from_db()
        assert item.selected == [wrong_id(item)]
        assert attempt.state == Attempt.State.IN_PROGRESS

    def test_answer_six_seconds_late_is_refused_and_the_attempt_expires(
        self, auth_client, user, blueprint
    ):
        with time_machine.travel(T0, tick=False):
            attempt = start(user, blueprint)
        item = attempt.items.get(position=1)
        with time_machine.travel(attempt.deadline + timedelta(seconds=6), tick=False):
            response = auth_client.post(q_url(attempt, 1), {"choice": wrong_id(item)}, headers=HX)
        assert response.status_code == 409
        assertContains(response, "Time is up", status_code=409)
        item.refresh_from_db()
        attempt.refresh_from_db()
        assert item.selected == []
        assert attempt.state == Attempt.State.EXPIRED
        assert attempt.finished_at == attempt.deadline

    def test_grace_is_five_seconds(self):
        assert timedelta(seconds=5) == GRACE

    def test_late_answer_service_raises(self, user, blueprint):
        attempt = start(user, blueprint)
        item = attempt.items.first()
        with (
            time_machine.travel(attempt.deadline + timedelta(seconds=6)),
            pytest.raises(LateAnswer),
        ):
            attempt_answer(attempt=attempt, item=item, selected=[], flagged=False)

    def test_expired_attempt_is_finalised_on_next_access(self, auth_client, user, blueprint):
        attempt = start(user, blueprint)
        with time_machine.travel(attempt.deadline + timedelta(minutes=1)):
            response = auth_client.get(q_url(attempt, 1))
        assertRedirects(response, reverse("quizzes:attempt_result", args=[attempt.pk]))
        attempt.refresh_from_db()
        assert attempt.state == Attempt.State.EXPIRED and attempt.scaled_score == 100

    def test_finalize_expired_command_closes_overdue_attempts_only(self, user, bank):
        overdue = start(user, BlueprintFactory())
        live = start(user, BlueprintFactory(minutes=60))
        with time_machine.travel(overdue.deadline + timedelta(seconds=10)):
            call_command("finalize_expired", verbosity=0)
        overdue.refresh_from_db()
        live.refresh_from_db()
        assert overdue.state == Attempt.State.EXPIRED
        assert live.state == Attempt.State.IN_PROGRESS

    def test_every_page_reports_the_servers_remaining_time(self, auth_client, user, blueprint):
        with time_machine.travel(T0, tick=False):
            attempt = start(user, blueprint)
        with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
            page = auth_client.get(q_url(attempt, 1))
            saved = auth_client.post(q_url(attempt, 2), {"flagged": "1"}, headers=HX)
        assertContains(page, 'data-remaining="600"')
        assertContains(saved, 'data-remaining="600"')


class TestResume:
    def test_reload_keeps_selection_flag_and_time(self, auth_client, user, blueprint):
        with time_machine.travel(T0, tick=False):
            auth_client.post(f"/exams/{blueprint.slug}/start")
            attempt = Attempt.objects.get()
            item = attempt.items.get(position=2)
            auth_client.post(
                q_url(attempt, 2), {"choice": wrong_id(item), "flagged": "1"}, headers=HX
            )
        with time_machine.travel(T0 + timedelta(minutes=3), tick=False):
            other_device = Client()
            other_device.force_login(user)
            page = other_device.get(q_url(attempt, 2))
            again = other_device.post(f"/exams/{blueprint.slug}/start")
        assertContains(page, f'value="{wrong_id(item)}" id="choice-{wrong_id(item)}" data-key')
        assert f'id="choice-{wrong_id(item)}" data-key="' in page.content.decode()
        assert "checked" in page.content.decode().split(f'id="choice-{wrong_id(item)}"')[1][:40]
        assertContains(page, 'name="flagged" value="1" id="flagged" checked')
        assertContains(page, 'data-remaining="720"')
        assert again["Location"] == attempt.get_absolute_url()
        assert Attempt.objects.count() == 1

    def test_attempt_detail_goes_to_the_first_unanswered_question(
        self, auth_client, user, blueprint
    ):
        attempt = start(user, blueprint)
        first = attempt.items.get(position=1)
        attempt_answer(attempt=attempt, item=first, selected=[str(wrong_id(first))], flagged=False)
        response = auth_client.get(attempt.get_absolute_url())
        assertRedirects(response, q_url(attempt, 2))


class TestAnswering:
    def test_htmx_save_updates_navigator_and_progress(self, auth_client, user, blueprint):
        attempt = start(user, blueprint)
        item = attempt.items.get(position=3)
        response = auth_client.post(q_url(attempt, 3), {"choice": wrong_id(item)}, headers=HX)
        html = response.content.decode()
        assert "<html" not in html
        assert (
            'id="navigator" class="navigator" aria-label="All questions" hx-swap-oob="true"'
            in html
        )
        assert "Answered 1 of 10" in html
        assert "nav-item--answered" in html

    def test_without_javascript_save_and_next_moves_on(self, auth_client, user, blueprint):
        attempt = start(user, blueprint)
        item = attempt.items.get(position=1)
        response = auth_client.post(q_url(attempt, 1), {"choice": wrong_id(item), "go": "next"})
        assertRedirects(response, q_url(attempt, 2))
        last = auth_client.post(q_url(attempt, 10), {"go": "next"})
        assertRedirects(last, reverse("quizzes:attempt_submit", args=[attempt.pk]))

    def test_repeated_answers_to_one_item_leave_one_row_with_the_last_choice(
        self, auth_client, user, blueprint
    ):
        attempt = start(user, blueprint)
        item = attempt.items.get(position=1)
        ids = [c.pk for c in item.question.choices.all()]
        for pk in ids[:2]:
            auth_client.post(q_url(attempt, 1), {"choice": pk}, headers=HX)
        assert AttemptItem.objects.filter(attempt=attempt, question=item.question).count() == 1
        item.refresh_from_db()
        assert item.selected == [ids[1]]
        with pytest.raises(IntegrityError), transaction.atomic():
            AttemptItem.objects.create(attempt=attempt, question=item.question, position=99)

    def test_a_choice_from_another_question_is_refused(self, auth_client, user, blueprint):
        attempt = start(user, blueprint)
        other = attempt.items.get(position=2)
        response = auth_client.post(q_url(attempt, 1), {"choice": wrong_id(other)}, headers=HX)
        assert response.status_code == 400
        assert attempt.items.get(position=1).selected == []

    def test_finished_attempt_cannot_be_answered(self, auth_client, user, blueprint):
        attempt = start(user, blueprint)
        attempt_submit(attempt=attempt)
        item = attempt.items.get(position=1)
        response = auth_client.post(q_url(attempt, 1), {"choice": wrong_id(item)}, headers=HX)
        assert response.status_code == 409
        item.refresh_from_db()
        assert item.selected == []

    def test_no_page_or_fragment_reveals_the_key_before_submitting(
        self, auth_client, user, blueprint
    ):
        attempt = start(user, blueprint)
        item = attempt.items.get(position=1)
        pages = [
            auth_client.get(q_url(attempt, 1)),
            auth_client.post(q_url(attempt, 1), {"choice": wrong_id(item)}, headers=HX),
            auth_client.get(reverse("quizzes:attempt_submit", args=[attempt.pk])),
            auth_client.get(reverse("quizzes:attempt_result", args=[attempt.pk]), follow=True),
        ]
        for response in pages:
            html = response.content.decode()
            for marker in (
                "Correct answer",
                "choice--key",
                "Rationale for",
                item.question.explanation,
            ):
                assert marker not in html
            assert "is_correct" not in html

    @pytest.mark.parametrize("size", [30, 120])
    def test_question_page_and_save_use_a_fixed_number_of_queries(
        self, auth_client, user, django_assert_max_num_queries, size
    ):
        build_bank(size)
        attempt = start(user, BlueprintFactory(question_count=25))
        item = attempt.items.get(position=5)
        # Session, learner, the item with its attempt and the navigator (one read), the
        # header's due count.
        with django_assert_max_num_queries(4):
            page = auth_client.get(q_url(attempt, 5))
        assert page.status_code == 200
        choice = wrong_id(item)
        # Session, learner, the sheet; the attempt's row lock (one SELECT, and a savepoint
        # pair in tests) and the item's UPDATE.
        with django_assert_max_num_queries(7):
            response = auth_client.post(q_url(attempt, 5), {"choice": choice}, headers=HX)
        assert response.status_code == 200


def deleted_after_the_sheet_read(what):
    """The view's sheet read, then `what` (the attempt, an item) deleted: by the learner
    deleting their data or by an admin, between the read and the save."""
    real = exam_views.exam_sheet

    def read_then_delete(**kwargs):
        sheet = real(**kwargs)
        what(sheet.item).delete()
        return sheet

    return mock.patch.object(exam_views, "exam_sheet", side_effect=read_then_delete)


class TestDeletedMeanwhile:
    @pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "plain form"])
    def test_a_save_for_an_attempt_deleted_meanwhile_is_a_404_and_stores_nothing(
        self, auth_client, user, blueprint, headers
    ):
        attempt = start(user, blueprint)
        item = attempt.items.get(position=1)
        choice = wrong_id(item)
        with deleted_after_the_sheet_read(lambda item: item.attempt):
            response = auth_client.post(
                q_url(attempt, 1), {"choice": choice, "go": "next"}, headers=headers
            )
        assert response.status_code == 404
        assert not Attempt.objects.exists() and not AttemptItem.objects.exists()

    def test_a_late_save_for_an_attempt_deleted_meanwhile_is_a_404(
        self, auth_client, user, blueprint
    ):
        # Past the deadline the sheet read is followed by grading, which finds no attempt.
        attempt = start(user, blueprint)
        item = attempt.items.get(position=1)
        with (
            deleted_after_the_sheet_read(lambda item: item.attempt),
            time_machine.travel(attempt.deadline + timedelta(minutes=1)),
        ):
            response = auth_client.post(q_url(attempt, 1), {"choice": wrong_id(item)})
        assert response.status_code == 404
        assert not Attempt.objects.exists()

    def test_a_save_for_an_item_deleted_meanwhile_is_a_404_not_saved(
        self, auth_client, user, blueprint
    ):
        attempt = start(user, blueprint)
        item = attempt.items.get(position=1)
        with deleted_after_the_sheet_read(lambda item: AttemptItem.objects.filter(pk=item.pk)):
            response = auth_client.post(q_url(attempt, 1), {"choice": wrong_id(item)}, headers=HX)
        assert response.status_code == 404
        assert not attempt.items.filter(position=1).exists()
        assert not attempt.items.filter(answered_at__isnull=False).exists()

    def test_answering_or_grading_an_attempt_deleted_meanwhile_raises_not_found(
        self, user, blueprint
    ):
        attempt = start(user, blueprint)
        item = attempt.items.get(position=1)
        Attempt.objects.filter(pk=attempt.pk).delete()
        with pytest.raises(Http404):
            attempt_answer(attempt=attempt, item=item, selected=[], flagged=True)
        with pytest.raises(Http404):
            attempt_submit(attempt=attempt)

    def test_finalising_overdue_attempts_skips_one_deleted_meanwhile(self, user, bank):
        gone, overdue = start(user, BlueprintFactory()), start(user, BlueprintFactory())
        real = exams.attempt_submit

        def deleted_first(*, attempt, expired=False):
            if attempt.pk == gone.pk:
                Attempt.objects.filter(pk=gone.pk).delete()
            return real(attempt=attempt, expired=expired)

        with (
            mock.patch.object(exams, "attempt_submit", side_effect=deleted_first),
            time_machine.travel(overdue.deadline + timedelta(minutes=1)),
        ):
            assert attempts_finalize_expired() == 1
        overdue.refresh_from_db()
        assert overdue.state == Attempt.State.EXPIRED
        assert not Attempt.objects.filter(pk=gone.pk).exists()


class TestOtherLearners:
    def test_someone_elses_attempt_is_a_404_everywhere(self, user, blueprint):
        attempt = start(user, blueprint)
        stranger = Client()
        stranger.force_login(UserFactory())
        for url in (
            attempt.get_absolute_url(),
            q_url(attempt, 1),
            reverse("quizzes:attempt_submit", args=[attempt.pk]),
            reverse("quizzes:attempt_result", args=[attempt.pk]),
        ):
            assert stranger.get(url).status_code == 404, url
        assert stranger.post(q_url(attempt, 1), {"choice": "1"}).status_code == 404
        assert (
            stranger.post(reverse("quizzes:attempt_submit", args=[attempt.pk])).status_code == 404
        )
        attempt.refresh_from_db()
        assert attempt.state == Attempt.State.IN_PROGRESS

    def test_an_id_too_large_for_the_database_is_a_404(self, auth_client):
        url = reverse("quizzes:attempt_question", args=[10**30, 1])
        assert auth_client.get(url).status_code == 404
        assert auth_client.post(url, {"choice": "1"}).status_code == 404


class TestSubmitAndScore:
    def test_scaled_score_formula(self):
        assert scaled_score(right=0, scored=50) == 100
        assert scaled_score(right=50, scored=50) == 1000
        assert scaled_score(right=34, scored=50) == 712  # two thirds passes
        assert scaled_score(right=33, scored=50) == 694
        assert scaled_score(right=2, scored=3) == 700

    def test_confirmation_lists_unanswered_and_flagged(self, auth_client, user, blueprint):
        attempt = start(user, blueprint)
        item = attempt.items.get(position=1)
        attempt_answer(attempt=attempt, item=item, selected=[str(wrong_id(item))], flagged=True)
        response = auth_client.get(reverse("quizzes:attempt_submit", args=[attempt.pk]))
        assertContains(response, "9 not answered")
        assertContains(response, "1 flagged for review")

    def test_submitting_twice_grades_once(self, auth_client, user, blueprint):
        attempt = start(user, blueprint)
        url = reverse("quizzes:attempt_submit", args=[attempt.pk])
        with time_machine.travel(T0 + timedelta(days=1), tick=False):
            auth_client.post(url)
        attempt.refresh_from_db()
        finished = attempt.finished_at
        with time_machine.travel(T0 + timedelta(days=1, minutes=1), tick=False):
            response = auth_client.post(url)
        attempt.refresh_from_db()
        assert response.status_code == 302 and attempt.finished_at == finished

    def test_multiple_answer_items_are_all_or_nothing(self, user, bank):
        for _ in range(2):
            multiple_question()
        Question.objects.exclude(kind="multiple").update(status="draft")
        attempt = start(user, BlueprintFactory(question_count=2))
        half, full = attempt.items.order_by("position")
        attempt_answer(attempt=attempt, item=half, selected=correct_ids(half)[:1], flagged=False)
        attempt_answer(attempt=attempt, item=full, selected=correct_ids(full), flagged=False)
        attempt_submit(attempt=attempt)
        assert list(attempt.items.order_by("position").values_list("correct", flat=True)) == [
            False,
            True,
        ]
        assert (attempt.score, attempt.scaled_score, attempt.passed) == (1, 550, False)

    def test_full_simulation_has_fifteen_unscored_and_scores_the_other_fifty(self, user):
        build_bank(70)
        simulation = BlueprintFactory(question_count=65, unscored_count=15, minutes=90)
        attempt = start(user, simulation)
        items = list(
            attempt.items.select_related("question").prefetch_related("question__choices")
        )
        assert sum(not item.scored for item in items) == 15
        for item in items:  # every scored item right, every unscored one wrong
            pick = correct_ids(item) if item.scored else [wrong_id(item)]
            attempt_answer(attempt=attempt, item=item, selected=pick, flagged=False)
        attempt_submit(attempt=attempt)
        assert (attempt.score, attempt.scored_count, attempt.scaled_score) == (50, 50, 1000)

    def test_grading_65_items_uses_a_fixed_number_of_queries(
        self, user, django_assert_max_num_queries
    ):
        build_bank(70)
        attempt = start(user, BlueprintFactory(question_count=65, unscored_count=15))
        with django_assert_max_num_queries(12):
            attempt_submit(attempt=attempt)
        assert attempt.state == Attempt.State.SUBMITTED


class TestResult:
    def test_shows_score_breakdown_weakest_areas_and_review(self, auth_client, user, blueprint):
        attempt = start(user, blueprint)
        for item in attempt.items.all()[:4]:
            attempt_answer(
                attempt=attempt, item=item, selected=correct_ids(item), flagged=item.position == 2
            )
        attempt_submit(attempt=attempt)
        url = reverse("quizzes:attempt_result", args=[attempt.pk])
        response = auth_client.get(url)
        assertContains(response, f"<strong>{attempt.scaled_score}</strong>")
        assertContains(response, "pass mark 700")
        assertContains(response, "Below the pass mark")
        assertContains(response, "By service")
        assertContains(response, "Study these next")
        assertContains(response, "/practice/service/")
        assertContains(response, 'review-item"', count=10)
        assertContains(response, "Correct answer", count=10)
        wrong = auth_client.get(url, {"show": "wrong"})
        assertContains(wrong, 'class="question-card review-item', count=6)
        flagged = auth_client.get(url, {"show": "flagged"})
        assertContains(flagged, 'class="question-card review-item', count=1)

    def test_result_query_count_is_fixed(self, auth_client, user, django_assert_max_num_queries):
        build_bank(70)
        attempt = start(user, BlueprintFactory(question_count=65, unscored_count=15))
        attempt_submit(attempt=attempt)
        with django_assert_max_num_queries(12):
            response = auth_client.get(reverse("quizzes:attempt_result", args=[attempt.pk]))
        assertContains(response, "Unscored questions")

    def test_exam_list_shows_past_scores(self, auth_client, user, blueprint):
        attempt = start(user, blueprint)
        attempt_submit(attempt=attempt)
        response = auth_client.get("/exams/")
        assertContains(response, f"{attempt.scaled_score} · Fail")
        assertNotContains(response, "Continue<")


def test_blueprints_are_editable_in_the_admin(admin_client, blueprint):
    url = reverse("admin:quizzes_examblueprint_change", args=[blueprint.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(reverse("admin:quizzes_attempt_changelist")).status_code == 200


def test_instructors_may_author_blueprints():
    from django.contrib.auth.models import Group

    instructor = UserFactory(is_staff=True)
    instructor.groups.add(Group.objects.get(name="Instructors"))
    assert instructor.has_perm("quizzes.change_examblueprint")
    assert not instructor.has_perm("quizzes.change_attempt")


class TestChooseN:
    """Multiple-response questions: too few or too many ticks is not an answer."""

    @pytest.fixture
    def attempt(self, user):
        for _ in range(3):
            multiple_question()
        return start(user, BlueprintFactory(question_count=3))

    def test_counting_rules(self):
        assert answer_status(picked=0, choose=2) == "unanswered"
        assert answer_status(picked=1, choose=2) == "incomplete"
        assert answer_status(picked=3, choose=2) == "incomplete"
        assert answer_status(picked=2, choose=2) == "answered"
        assert answer_status(picked=1, choose=1) == "answered"
        assert choice_count_problem(picked=1, choose=2) == (
            "Choose 1 more: this question needs 2 answers."
        )
        assert choice_count_problem(picked=3, choose=2) == (
            "1 too many: this question needs exactly 2 answers."
        )
        assert choice_count_problem(picked=2, choose=2) == ""
        assert choice_count_problem(picked=0, choose=2) == ""

    @pytest.mark.parametrize(("ticks", "says"), [(1, "Choose 1 more"), (3, "1 too many")])
    def test_saving_the_wrong_number_says_so_at_once(self, auth_client, attempt, ticks, says):
        item = attempt.items.get(position=1)
        ids = [c.pk for c in item.question.choices.all()][:ticks]
        response = auth_client.post(q_url(attempt, 1), {"choice": ids}, headers=HX)
        assertContains(response, "Saved, but not complete.")
        assertContains(response, says)
        assertContains(response, "Answered 0 of 3")
        assertContains(response, "nav-item--incomplete")
        assertContains(response, " incomplete</span>")
        page = auth_client.get(q_url(attempt, 1))
        assertContains(page, says)

    def test_without_javascript_the_next_page_warns(self, auth_client, attempt):
        item = attempt.items.get(position=1)
        one = [c.pk for c in item.question.choices.all()][:1]
        response = auth_client.post(q_url(attempt, 1), {"choice": one, "go": "next"}, follow=True)
        assertContains(response, "Question 1 is saved but not complete. Choose 1 more")

    def test_confirm_page_counts_incomplete_items_and_grading_stays_all_or_nothing(
        self, auth_client, attempt
    ):
        first, second, third = attempt.items.order_by("position")
        attempt_answer(attempt=attempt, item=first, selected=correct_ids(first)[:1], flagged=False)
        every = [c.pk for c in second.question.choices.all()][:3]
        attempt_answer(attempt=attempt, item=second, selected=every, flagged=False)
        attempt_answer(attempt=attempt, item=third, selected=correct_ids(third), flagged=False)
        confirm = auth_client.get(reverse("quizzes:attempt_submit", args=[attempt.pk]))
        assertContains(confirm, "2 not complete")
        assertNotContains(confirm, "not answered")
        assertNotContains(confirm, "Every question has")
        attempt_submit(attempt=attempt)
        assert list(attempt.items.values_list("correct", flat=True)) == [False, False, True]


class TestWithoutJavaScript:
    def test_page_says_save_and_next_saves_and_hides_key_hints(self, auth_client, user, blueprint):
        attempt = start(user, blueprint)
        html = auth_client.get(q_url(attempt, 1)).content.decode()
        assert '<span class="no-js-only">Choose an answer, then “Save and next” saves it' in html
        assert '<span class="js-only">Choose an answer; it is saved straight away.' in html
        assert 'class="muted exam-question__keys js-only"' in html

    def test_navigator_numbers_save_the_answer_then_go_there(self, auth_client, user, blueprint):
        attempt = start(user, blueprint)
        item = attempt.items.get(position=1)
        page = auth_client.get(q_url(attempt, 1))
        assertContains(
            page,
            'type="submit" form="answer-form" name="go" value="7"',
        )
        response = auth_client.post(q_url(attempt, 1), {"choice": wrong_id(item), "go": "7"})
        assertRedirects(response, q_url(attempt, 7))
        item.refresh_from_db()
        assert item.selected == [wrong_id(item)]

    def test_review_and_submit_also_saves(self, auth_client, user, blueprint):
        attempt = start(user, blueprint)
        item = attempt.items.get(position=3)
        page = auth_client.get(q_url(attempt, 3))
        assertContains(page, 'form="answer-form" name="go" value="submit"')
        response = auth_client.post(q_url(attempt, 3), {"choice": wrong_id(item), "go": "submit"})
        assertRedirects(response, reverse("quizzes:attempt_submit", args=[attempt.pk]))
        assert attempt.items.get(position=3).selected == [wrong_id(item)]

    @pytest.mark.parametrize(
        ("go", "target"),
        [("next", 4), ("prev", 2), ("1", 1), ("10", 10), ("99", 10), ("0", 1), ("junk", 3)],
    )
    def test_destination(self, go, target):
        assert destination(go, position=3, total=10) == target

    def test_destination_submit(self):
        assert destination("submit", position=3, total=10) is None
        assert destination("next", position=10, total=10) is None


class TestSmallerPromises:
    def test_exam_list_offers_resume_for_a_live_attempt(self, auth_client, user, blueprint):
        other = BlueprintFactory(title="Other exam")
        start(user, blueprint)
        response = auth_client.get("/exams/")
        assertContains(response, f"Resume {blueprint.title.lower()}")
        assertContains(response, f"Start {other.title.lower()}")
        assertNotContains(response, f"Start {blueprint.title.lower()}<")

    def test_timed_out_result_says_time_ran_out_and_how_many_were_unanswered(
        self, auth_client, user, blueprint
    ):
        with time_machine.travel(T0, tick=False):
            attempt = start(user, blueprint)
            for item in attempt.items.filter(position__lte=7):
                attempt_answer(
                    attempt=attempt, item=item, selected=correct_ids(item), flagged=False
                )
        with time_machine.travel(attempt.deadline + timedelta(minutes=5), tick=False):
            response = auth_client.get(reverse("quizzes:attempt_result", args=[attempt.pk]))
        assertContains(response, "<strong>Time ran out.</strong>")
        assertContains(response, "3 questions had no answer and score zero")

    def test_review_shows_choices_in_the_order_the_learner_saw(self, auth_client, user, bank):
        shuffled = BlueprintFactory(question_count=10, shuffle_choices=True)
        attempt = start(user, shuffled)
        attempt_submit(attempt=attempt)
        html = auth_client.get(reverse("quizzes:attempt_result", args=[attempt.pk])).content
        html = html.decode()
        texts = dict(Choice.objects.values_list("pk", "text"))
        reordered = 0
        for item in attempt.items.all():
            seen = [texts[pk] for pk in item.choice_order]
            positions = [
                html.index(f"{text}\n", html.index(f'id="q{item.position}"')) for text in seen
            ]
            assert positions == sorted(positions), item.position
            reordered += item.choice_order != sorted(item.choice_order)
        assert reordered  # the shuffle really changed some orders

    def test_review_filter_marks_the_one_selected(self, auth_client, user, blueprint):
        attempt = start(user, blueprint)
        attempt_submit(attempt=attempt)
        url = reverse("quizzes:attempt_result", args=[attempt.pk])
        response = auth_client.get(url, {"show": "wrong"})
        assertContains(response, '<a href="?show=wrong#review-title" aria-current="page">')
        assertContains(response, '<a href="?show=all#review-title">')
        assertContains(response, '<a href="?show=flagged#review-title">')


class TestQueryBudgets:
    @pytest.mark.parametrize("attempts", [2, 40])
    def test_exam_list_is_fixed_whatever_the_history(
        self, auth_client, user, bank, django_assert_max_num_queries, attempts
    ):
        blueprints = BlueprintFactory.create_batch(3)
        for n in range(attempts):
            attempt_submit(attempt=start(user, blueprints[n % 3]))
        start(user, blueprints[0])
        # +1: the blueprints' weights, prefetched for all of them ("Weighted: 30 % EC2").
        with django_assert_max_num_queries(8):
            response = auth_client.get("/exams/")
        assertContains(response, "Resume ")

    @pytest.mark.parametrize("count", [10, 60])
    def test_confirm_page_is_fixed_whatever_the_length(
        self, auth_client, user, django_assert_max_num_queries, count
    ):
        build_bank(count)
        attempt = start(user, BlueprintFactory(question_count=count))
        with django_assert_max_num_queries(6):
            response = auth_client.get(reverse("quizzes:attempt_submit", args=[attempt.pk]))
        assertContains(response, f"{count} not answered")
