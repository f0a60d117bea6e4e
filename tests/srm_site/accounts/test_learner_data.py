from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.test import Client, override_settings
from pytest_django.asserts import assertContains, assertRedirects, assertTemplateUsed

from lessons.models import Lesson, LessonProgress
from quizzes.exams.attempts import attempt_answer, attempt_start, attempt_submit
from quizzes.models import (
    Attempt,
    AttemptItem,
    Choice,
    ExamBlueprint,
    LearnerProfile,
    PracticeAnswer,
    Question,
    QuestionReport,
    ReviewCard,
)
from quizzes.review.cards import Answer, cards_record
from srm_site.accounts.learner_data import EXPORT_FORMAT, learner_delete, learner_export
from tests.factories import (
    BlueprintFactory,
    LessonFactory,
    ResponsibilityFactory,
    UserFactory,
    build_bank,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # UserFactory's
EXPORT_QUERIES = 11


@pytest.fixture
def bank() -> list[Question]:
    return build_bank(8)


@pytest.fixture
def blueprint() -> ExamBlueprint:
    return BlueprintFactory(question_count=3, minutes=15)


def give_history(user, *, bank: list[Question], blueprint: ExamBlueprint, size: int) -> None:
    """`size` rows of every kind a learner leaves behind, tagged with their username."""
    LearnerProfile.objects.create(
        user=user, time_multiplier=LearnerProfile.ExtraTime.HALF, time_zone="Asia/Tokyo"
    )
    for _ in range(size):
        LessonProgress.objects.create(user=user, lesson=LessonFactory())
    cell = ResponsibilityFactory()
    for question in bank[:size]:
        choice = question.choices.first()
        PracticeAnswer.objects.create(
            user=user,
            question=question,
            question_ref=question.ref,
            selected=[choice.pk],
            correct=True,
            sure=False,
            topic=f"topic of {user.username}",
        )
        PracticeAnswer.objects.create(user=user, cell=cell, selected=["aws"], correct=True)
        QuestionReport.objects.create(
            user=user, question=question, reason="unclear", note=f"note by {user.username}"
        )
    for _ in range(size):
        attempt = attempt_start(user=user, blueprint=blueprint).attempt
        item = attempt.items.first()
        attempt_answer(
            attempt=attempt, item=item, selected=[str(item.choice_order[1])], flagged=True
        )
        attempt_submit(attempt=attempt)
    cards_record(user=user, answers=[Answer(question.pk, correct=False) for question in bank])
    sign_in_elsewhere(user)


def sign_in_elsewhere(user) -> None:
    """A real sign-in on a second device, then a mistyped password on a third.

    The login lockout records both by username, and the second device keeps a session.
    """
    login = "/accounts/login/"
    response = Client().post(login, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    # The failure log is off by default; an operator may turn it on.
    with override_settings(AXES_ENABLE_ACCESS_FAILURE_LOG=True):
        response = Client().post(login, {"username": user.username, "password": "x" + PASSWORD})
    assert response.status_code == 200


def sessions_of(user_id: int) -> int:
    return sum(
        1
        for session in Session.objects.all()
        if session.get_decoded().get(SESSION_KEY) == str(user_id)
    )


def rows_of(user_id: int, username: str) -> dict[str, int]:
    """How many rows of each kind belong to the learner with this id and username."""
    return {
        "sessions": sessions_of(user_id),
        "sign_ins": AccessLog.objects.filter(username=username).count(),
        "failed_sign_ins": AccessFailureLog.objects.filter(username=username).count(),
        "lockout_counters": AccessAttempt.objects.filter(username=username).count(),
        "user": get_user_model().objects.filter(pk=user_id).count(),
        "profile": LearnerProfile.objects.filter(user_id=user_id).count(),
        "lessons": LessonProgress.objects.filter(user_id=user_id).count(),
        "practice": PracticeAnswer.objects.filter(user_id=user_id).count(),
        "attempts": Attempt.objects.filter(user_id=user_id).count(),
        "items": AttemptItem.objects.filter(attempt__user_id=user_id).count(),
        "cards": ReviewCard.objects.filter(user_id=user_id).count(),
        "reports": QuestionReport.objects.filter(user_id=user_id).count(),
    }


def content_rows() -> dict[str, int]:
    models = [Lesson, Question, Choice, ExamBlueprint]
    return {model.__name__: model.objects.count() for model in models}


class TestLearnerExport:
    def test_holds_every_section_with_the_learners_rows_and_no_one_elses(
        self, user, bank, blueprint
    ):
        other = UserFactory(username="someone-else", email="else@example.org")
        give_history(user, bank=bank, blueprint=blueprint, size=2)
        give_history(other, bank=bank, blueprint=blueprint, size=3)

        data = learner_export(user)

        text = json.dumps(data)  # JSON-ready as it is, no special encoder
        assert "someone-else" not in text and "else@example.org" not in text
        assert data["format"] == EXPORT_FORMAT
        assert datetime.fromisoformat(data["exported_at"])
        assert data["account"] == {
            "username": user.username,
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
        }
        assert data["profile"] == {"time_multiplier": "1.5", "time_zone": "Asia/Tokyo"}
        done = LessonProgress.objects.filter(user=user).select_related("lesson")
        assert sorted(
            (row["lesson_slug"], row["lesson_title"]) for row in data["lessons_completed"]
        ) == sorted((progress.lesson.slug, progress.lesson.title) for progress in done)
        assert len(data["practice_answers"]) == 4
        on_questions = [row for row in data["practice_answers"] if row["question_ref"]]
        on_cells = [row for row in data["practice_answers"] if row["cell_service"]]
        assert {row["question_ref"] for row in on_questions} == {q.ref for q in bank[:2]}
        assert {row["selected_choices"][0] for row in on_questions} == {"The customer"}
        assert {row["topic"] for row in on_questions} == {f"topic of {user.username}"}
        assert {row["sure"] for row in on_questions} == {False}
        assert {row["selected"][0] for row in on_cells} == {"aws"}
        assert all(row["cell_layer"] for row in on_cells)

        assert len(data["attempts"]) == 2
        for attempt in data["attempts"]:
            assert attempt["blueprint_slug"] == blueprint.slug
            assert attempt["state"] == Attempt.State.SUBMITTED
            assert attempt["finished_at"] and attempt["scaled_score"] is not None
            assert [item["position"] for item in attempt["items"]] == [1, 2, 3]
            first = attempt["items"][0]
            assert first["flagged"] is True and first["answered_at"]
            assert first["selected_choices"] == ["AWS"]  # the second choice
            assert first["correct"] is False and first["question_ref"]

        cards = ReviewCard.objects.filter(user=user)
        assert {row["question_ref"] for row in data["review_cards"]} == {
            card.question.ref for card in cards
        }
        assert {row["state"] for row in data["review_cards"]} <= set(ReviewCard.State.labels)
        assert all(row["lapses"] >= 1 and row["due"] for row in data["review_cards"])

        assert [row["note"] for row in data["question_reports"]] == [
            f"note by {user.username}"
        ] * 2

        [sign_in] = data["sign_ins"]
        assert sign_in["ip_address"] == "127.0.0.1" and sign_in["attempt_time"]
        [failed] = data["failed_sign_ins"]
        assert failed["failures_since_start"] == 1 and failed["ip_address"] == "127.0.0.1"

    def test_names_each_question_and_pick_in_words_beside_the_ids(self, user, bank, blueprint):
        give_history(user, bank=bank, blueprint=blueprint, size=2)
        # Right but unsure: the failed card for bank[0] is now rated Hard.
        cards_record(user=user, answers=[Answer(bank[0].pk, correct=True, sure=False)])
        # Reworded after the exam: the export keeps the wording the learner saw.
        item = AttemptItem.objects.filter(attempt__user=user).order_by("pk").first()
        Question.objects.filter(pk=item.question_id).update(stem="Reworded since")
        stems = dict(Question.objects.values_list("ref", "stem"))

        data = learner_export(user)

        on_questions = [row for row in data["practice_answers"] if row["question_ref"]]
        for row in on_questions:
            assert row["question_stem"] == stems[row["question_ref"]]
            assert Choice.objects.get(pk=row["selected"][0]).text == row["selected_choices"][0]
        [on_cell, *_] = [row for row in data["practice_answers"] if row["cell_service"]]
        cell = PracticeAnswer.objects.filter(user=user, cell__isnull=False).first().cell
        assert cell.service.name in on_cell["question_stem"]
        assert cell.layer.name in on_cell["question_stem"]
        assert (on_cell["selected"], on_cell["selected_choices"]) == (["aws"], ["AWS"])

        seen = {
            (row.attempt_id, row.position): row.snapshot
            for row in AttemptItem.objects.filter(attempt__user=user)
        }
        attempt_ids = Attempt.objects.filter(user=user).order_by("started_at", "pk")
        pairs = zip(attempt_ids.values_list("pk", flat=True), data["attempts"], strict=True)
        for attempt_id, attempt in pairs:
            for row in attempt["items"]:
                snapshot = seen[(attempt_id, row["position"])]
                assert row["question_stem"] == snapshot["stem"] != "Reworded since"
                texts = {choice["id"]: choice["text"] for choice in snapshot["choices"]}
                assert row["selected_choices"] == [texts[pk] for pk in row["selected"]]

        ratings = {
            row["question_ref"]: (row["last_rating"], row["last_rating_name"])
            for row in data["review_cards"]
        }
        assert ratings.pop(bank[0].ref) == (2, "Hard")
        assert set(ratings.values()) == {(1, "Again")}
        for row in data["review_cards"] + data["question_reports"]:
            assert row["question_stem"] == stems[row["question_ref"]]

    def test_a_learner_with_no_history_gets_empty_sections(self, user):
        data = learner_export(user)
        assert data["profile"] == {"time_multiplier": "1.0", "time_zone": ""}
        for section in [
            "lessons_completed",
            "practice_answers",
            "attempts",
            "review_cards",
            "question_reports",
            "sign_ins",
            "failed_sign_ins",
        ]:
            assert data[section] == []

    @pytest.mark.parametrize("size", [1, 6])
    def test_costs_the_same_queries_whatever_the_history(
        self, user, bank, blueprint, size, django_assert_max_num_queries
    ):
        give_history(user, bank=bank, blueprint=blueprint, size=size)
        with django_assert_max_num_queries(EXPORT_QUERIES):
            data = learner_export(user)
        assert len(data["attempts"]) == size
        answers = [item for attempt in data["attempts"] for item in attempt["items"]]
        answers += data["practice_answers"] + data["review_cards"]
        assert all(row["question_stem"] for row in answers)
        assert all(row["last_rating_name"] == "Again" for row in data["review_cards"])


class TestLearnerDelete:
    def test_removes_exactly_that_learners_rows(self, user, bank, blueprint):
        other = UserFactory()
        give_history(user, bank=bank, blueprint=blueprint, size=2)
        give_history(other, bank=bank, blueprint=blueprint, size=2)
        mine, theirs, content = (
            rows_of(user.pk, user.username),
            rows_of(other.pk, other.username),
            content_rows(),
        )
        assert all(mine.values()) and all(theirs.values())

        user_id, username = user.pk, user.username
        learner_delete(user)

        assert set(rows_of(user_id, username).values()) == {0}
        assert rows_of(other.pk, other.username) == theirs
        assert content_rows() == content

    @pytest.mark.django_db(transaction=True)
    def test_reads_the_stored_sessions_before_taking_the_write_lock(self, user, monkeypatch):
        """Decoding every session inside the transaction would hold SQLite's write lock
        (and stall every exam save) for as long as the scan takes."""
        for _ in range(3):
            client = Client()
            client.force_login(UserFactory())
            client.get("/")
        decode = Session.get_decoded
        in_transaction = []

        def decoded(session):
            in_transaction.append(transaction.get_connection().in_atomic_block)
            return decode(session)

        monkeypatch.setattr(Session, "get_decoded", decoded)
        learner_delete(user)
        assert in_transaction and not any(in_transaction)


class TestDataPage:
    url = "/accounts/data/"

    def test_explains_and_offers_download_and_deletion(
        self, auth_client, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(4):
            response = auth_client.get(self.url)
        assertTemplateUsed(response, "registration/learner_data.html")
        assertContains(response, "<h1>Your data</h1>", html=True)
        assertContains(response, 'action="/accounts/data/export.json"')
        assertContains(response, "Download my data (JSON)")
        assertContains(response, "the wording of the question and the text of what you picked")
        assertContains(response, 'href="/accounts/delete/"')

    def test_is_linked_from_the_settings_page(self, auth_client):
        assertContains(auth_client.get("/accounts/profile/"), 'href="/accounts/data/"')


class TestExportDownload:
    url = "/accounts/data/export.json"

    def test_is_an_uncached_json_attachment_named_for_the_learner_and_day(
        self, auth_client, user, django_assert_max_num_queries
    ):
        with (
            time_machine.travel(datetime(2025, 3, 4, 12, tzinfo=UTC), tick=False),
            django_assert_max_num_queries(EXPORT_QUERIES + 2),
        ):
            response = auth_client.get(self.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response["Content-Disposition"] == (
            f'attachment; filename="srm-academy-{user.username}-2025-03-04.json"'
        )
        assert response["Cache-Control"] == "no-store"
        assert response.json()["account"]["username"] == user.username


class TestAccountDelete:
    url = "/accounts/delete/"

    def test_asks_for_the_password_and_a_tick(self, auth_client, django_assert_max_num_queries):
        with django_assert_max_num_queries(4):
            response = auth_client.get(self.url)
        assertTemplateUsed(response, "registration/account_delete.html")
        assertContains(response, 'name="csrfmiddlewaretoken"')
        assertContains(response, 'type="password" name="password"')
        assertContains(response, 'autocomplete="current-password"')
        assertContains(response, 'type="checkbox" name="confirm"')

    def test_deletes_the_learner_logs_out_and_says_so(self, auth_client, user, bank, blueprint):
        other = UserFactory()
        give_history(user, bank=bank, blueprint=blueprint, size=2)
        give_history(other, bank=bank, blueprint=blueprint, size=2)
        theirs = rows_of(other.pk, other.username)

        response = auth_client.post(self.url, {"confirm": "on", "password": PASSWORD})

        assertRedirects(response, "/", fetch_redirect_response=False)
        assert set(rows_of(user.pk, user.username).values()) == {0}
        assert rows_of(other.pk, other.username) == theirs
        assert "_auth_user_id" not in auth_client.session
        assertContains(auth_client.get("/"), "Your account and all your data are deleted.")

    def test_a_wrong_password_deletes_nothing_and_says_why(
        self, auth_client, user, bank, blueprint
    ):
        give_history(user, bank=bank, blueprint=blueprint, size=1)
        before = rows_of(user.pk, user.username)

        response = auth_client.post(self.url, {"confirm": "on", "password": "not-it"})

        assertContains(response, "That password is not right", status_code=400)
        assertContains(response, 'aria-invalid="true"', status_code=400)
        assert rows_of(user.pk, user.username) == before
        assert auth_client.session["_auth_user_id"] == str(user.pk)

    def test_without_the_tick_deletes_nothing(self, auth_client, user):
        response = auth_client.post(self.url, {"password": PASSWORD})
        assertContains(response, "Tick the box", status_code=400)
        assert rows_of(user.pk, user.username)["user"] == 1

    def test_refuses_a_post_without_the_csrf_token(self, user):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        response = client.post(self.url, {"confirm": "on", "password": PASSWORD})
        assert response.status_code == 403
        assert rows_of(user.pk, user.username)["user"] == 1


@pytest.mark.parametrize(
    "url", ["/accounts/data/", "/accounts/data/export.json", "/accounts/delete/"]
)
def test_guests_are_sent_to_log_in(client, url):
    assertRedirects(client.get(url), f"/accounts/login/?next={url}", fetch_redirect_response=False)


def test_a_guest_post_to_delete_deletes_nothing(client, user):
    response = client.post("/accounts/delete/", {"confirm": "on", "password": PASSWORD})
    assertRedirects(
        response, "/accounts/login/?next=/accounts/delete/", fetch_redirect_response=False
    )
    assert rows_of(user.pk, user.username)["user"] == 1
