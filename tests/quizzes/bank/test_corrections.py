"""Corrections: listed publicly, and a moved key reaches every learner who answered."""

from __future__ import annotations

import io
import json
import random

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from quizzes.bank.corrections import correction_record, key_positions
from quizzes.bank.import_export import bank_export
from quizzes.content import corrections_load
from quizzes.exams.attempts import attempt_answer, attempt_start, attempt_submit
from quizzes.models import Correction, CorrectionNotice, Question, ReviewCard
from quizzes.practice.questions import question_answer
from srm_site.accounts.learner_data import learner_export
from tests.factories import BlueprintFactory, QuestionFactory, UserFactory, build_bank

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def key_of(question: Question) -> list[int]:
    return [c.pk for c in question.choices.order_by("position") if c.is_correct]


def wrong_of(question: Question) -> list[int]:
    return [c.pk for c in question.choices.order_by("position") if not c.is_correct]


def move_key_by_import(question: Question, path, *, note: str = "") -> None:
    """Re-import the question with its key on the second choice instead of the first."""
    data = bank_export(Question.objects.filter(pk=question.pk))
    item = data["questions"][0]
    for position, choice in enumerate(item["choices"], start=1):
        choice["is_correct"] = position == 2
    if note:
        item["correction"] = note
    path.write_text(json.dumps(data))
    call_command("import_questions", str(path))


class TestKeyChangeReachesLearners:
    def test_everyone_who_answered_is_told_and_sees_it_again_in_review(self, tmp_path):
        question = QuestionFactory()
        right, wrong, bystander = UserFactory(), UserFactory(), UserFactory()
        question_answer(user=right, question=question, selected=[str(key_of(question)[0])])
        question_answer(user=wrong, question=question, selected=[str(wrong_of(question)[0])])
        QuestionFactory()  # another question the bystander's data could be confused with
        move_key_by_import(question, tmp_path / "bank.json", note="The key pointed at AWS.")

        correction = Correction.objects.get(question=question)
        assert correction.key_changed and correction.summary == "The key pointed at AWS."
        told = set(CorrectionNotice.objects.values_list("user_id", flat=True))
        assert told == {right.pk, wrong.pk}
        # Both now have the question due at once, from the start (the old key was learnt).
        cards = ReviewCard.objects.filter(question=question)
        assert {card.user_id for card in cards} == {right.pk, wrong.pk}
        assert all(card.due <= timezone.now() and card.lapses == 0 for card in cards)
        assert not ReviewCard.objects.filter(user=bystander).exists()

    def test_dashboard_shows_the_notice_until_dismissed(self, client, tmp_path):
        question = QuestionFactory()
        learner = UserFactory()
        question_answer(user=learner, question=question, selected=[str(key_of(question)[0])])
        move_key_by_import(question, tmp_path / "bank.json", note="Now matches AWS docs.")
        client.force_login(learner)
        page = client.get(reverse("quizzes:dashboard"))
        assertContains(page, "We corrected a question you answered")
        assertContains(page, "Now matches AWS docs.")
        notice = CorrectionNotice.objects.get(user=learner)
        url = reverse("quizzes:correction_notice_dismiss", args=[notice.pk])
        response = client.post(url, headers=HX)
        assert response.status_code == 200 and response.content == b""
        assertNotContains(client.get(reverse("quizzes:dashboard")), "Now matches AWS docs.")

    def test_without_javascript_dismissing_returns_to_the_dashboard(self, client):
        question = QuestionFactory()
        learner = UserFactory()
        question_answer(user=learner, question=question, selected=[str(key_of(question)[0])])
        correction_record(summary="Fixed.", question=question, key_changed=True)
        client.force_login(learner)
        notice = CorrectionNotice.objects.get(user=learner)
        response = client.post(reverse("quizzes:correction_notice_dismiss", args=[notice.pk]))
        assert response.status_code == 302 and response.url == reverse("quizzes:dashboard")
        notice.refresh_from_db()
        assert notice.dismissed_at is not None

    def test_another_learners_notice_cannot_be_dismissed(self, client):
        question = QuestionFactory()
        owner = UserFactory()
        question_answer(user=owner, question=question, selected=[str(key_of(question)[0])])
        correction_record(summary="Fixed.", question=question, key_changed=True)
        notice = CorrectionNotice.objects.get(user=owner)
        client.force_login(UserFactory())
        response = client.post(reverse("quizzes:correction_notice_dismiss", args=[notice.pk]))
        assert response.status_code == 404
        notice.refresh_from_db()
        assert notice.dismissed_at is None

    def test_a_graded_exam_keeps_its_score_and_its_review_says_corrected(self, client):
        build_bank(12)
        blueprint = BlueprintFactory(question_count=10, minutes=15)
        learner = UserFactory()
        attempt = attempt_start(user=learner, blueprint=blueprint, rng=random.Random(3)).attempt
        item = attempt.items.get(position=1)
        key = [str(c["id"]) for c in item.snapshot["choices"] if c["is_correct"]]
        attempt_answer(attempt=attempt, item=item, selected=key, flagged=False)
        attempt = attempt_submit(attempt=attempt)
        score = attempt.scaled_score
        question = item.question
        choices = list(question.choices.order_by("position"))
        for choice in choices:
            choice.is_correct = choice.pk != choices[0].pk and choice.position == 2
            choice.save()
        correction_record(summary="Key moved.", question=question, key_changed=True)

        attempt.refresh_from_db()
        assert attempt.scaled_score == score
        assert CorrectionNotice.objects.filter(user=learner).count() == 1
        client.force_login(learner)
        page = client.get(reverse("quizzes:attempt_result", args=[attempt.pk]))
        assertContains(page, "Corrected since:", count=1)

    def test_a_correction_without_a_key_change_tells_nobody(self):
        question = QuestionFactory()
        learner = UserFactory()
        question_answer(user=learner, question=question, selected=[str(key_of(question)[0])])
        correction_record(summary="Clearer explanation.", question=question)
        assert not CorrectionNotice.objects.exists()
        assert not ReviewCard.objects.filter(user=learner).exists()


def change_form_post(question: Question, *, key_position: int, note: str = "") -> dict:
    """The admin change form as posted, with the key on `key_position`."""
    choices = list(question.choices.order_by("position"))
    data = {
        "ref": question.ref,
        "status": question.status,
        "kind": question.kind,
        "choose": question.choose,
        "difficulty": question.difficulty,
        "stem": question.stem,
        "explanation": question.explanation,
        "sources": "https://aws.amazon.com/compliance/shared-responsibility-model/ SRM",
        "lesson": question.lesson_id,
        "correction_note": note,
        "choices-TOTAL_FORMS": len(choices),
        "choices-INITIAL_FORMS": len(choices),
        "choices-MIN_NUM_FORMS": 2,
        "choices-MAX_NUM_FORMS": 1000,
        "reports-TOTAL_FORMS": 0,
        "reports-INITIAL_FORMS": 0,
        "_save": "Save",
    }
    for i, choice in enumerate(choices):
        data |= {
            f"choices-{i}-id": choice.pk,
            f"choices-{i}-question": question.pk,
            f"choices-{i}-position": choice.position,
            f"choices-{i}-text": choice.text,
            f"choices-{i}-rationale": choice.rationale,
        }
        if choice.position == key_position:
            data[f"choices-{i}-is_correct"] = "on"
    return data


class TestAdminKeyChange:
    @pytest.fixture
    def instructor_client(self):
        user = UserFactory(is_staff=True)
        user.groups.add(Group.objects.get(name="Instructors"))
        client = Client()
        client.force_login(user)
        return client

    def test_moving_a_published_key_needs_a_note(self, instructor_client):
        question = QuestionFactory()
        url = reverse("admin:quizzes_question_change", args=[question.pk])
        response = instructor_client.post(url, change_form_post(question, key_position=2))
        assertContains(response, "You moved the answer key of a published question")
        assert key_positions(Question.objects.filter(pk=question.pk)) == {
            question.ref: frozenset({1})
        }
        assert not Correction.objects.exists()

    def test_with_a_note_the_key_moves_and_learners_are_told(self, instructor_client):
        question = QuestionFactory()
        learner = UserFactory()
        question_answer(user=learner, question=question, selected=[str(key_of(question)[0])])
        url = reverse("admin:quizzes_question_change", args=[question.pk])
        data = change_form_post(question, key_position=2, note="The first choice was wrong.")
        response = instructor_client.post(url, data)
        assert response.status_code == 302, response.content.decode()[-1500:]
        correction = Correction.objects.get(question=question)
        assert correction.key_changed and correction.summary == "The first choice was wrong."
        assert CorrectionNotice.objects.filter(user=learner, correction=correction).exists()

    def test_an_edit_that_keeps_the_key_records_nothing(self, instructor_client):
        question = QuestionFactory()
        url = reverse("admin:quizzes_question_change", args=[question.pk])
        response = instructor_client.post(url, change_form_post(question, key_position=1))
        assert response.status_code == 302
        assert not Correction.objects.exists()


class TestPublishingNeedsASource:
    def test_the_admin_form_refuses_a_published_question_without_a_source(self, admin_client):
        question = QuestionFactory()
        data = change_form_post(question, key_position=1)
        data["sources"] = ""
        url = reverse("admin:quizzes_question_change", args=[question.pk])
        response = admin_client.post(url, data)
        assertContains(response, "A published question needs at least one source")
        question.refresh_from_db()
        assert question.sources

    def test_the_admin_form_refuses_a_source_that_is_not_aws(self, admin_client):
        question = QuestionFactory()
        data = change_form_post(question, key_position=1)
        data["sources"] = "https://example.com/aws-notes My notes"
        url = reverse("admin:quizzes_question_change", args=[question.pk])
        response = admin_client.post(url, data)
        assertContains(response, "is not an AWS page")

    def test_the_publish_action_leaves_sourceless_questions_as_drafts(self, admin_client):
        sourced = QuestionFactory(status="draft")
        bare = QuestionFactory(status="draft", sources=[])
        url = reverse("admin:quizzes_question_changelist")
        admin_client.post(url, {"action": "publish", "_selected_action": [sourced.pk, bare.pk]})
        sourced.refresh_from_db()
        bare.refresh_from_db()
        assert (sourced.status, bare.status) == ("published", "draft")

    def test_import_refuses_a_published_question_without_a_source(self, tmp_path):
        question = QuestionFactory()
        data = bank_export(Question.objects.filter(pk=question.pk))
        data["questions"][0]["sources"] = []
        data["questions"][0]["stem"] = "Changed"
        path = tmp_path / "bank.json"
        path.write_text(json.dumps(data))
        errors = io.StringIO()
        with pytest.raises(CommandError, match="Nothing was imported"):
            call_command("import_questions", str(path), stderr=errors)
        assert f"Question 1 ({question.ref}): A published question needs at least one source" in (
            errors.getvalue()
        )
        question.refresh_from_db()
        assert question.stem != "Changed"

    def test_a_draft_may_wait_for_its_source(self, tmp_path):
        question = QuestionFactory()
        data = bank_export(Question.objects.filter(pk=question.pk))
        data["questions"][0] |= {"sources": [], "status": "draft", "ref": "new-draft"}
        path = tmp_path / "bank.json"
        path.write_text(json.dumps(data))
        call_command("import_questions", str(path))
        assert Question.objects.get(ref="new-draft").sources == []

    def test_export_and_import_carry_sources(self, tmp_path):
        question = QuestionFactory(
            sources=[{"url": "https://repost.aws/knowledge-center/x", "title": "re:Post"}]
        )
        data = bank_export(Question.objects.filter(pk=question.pk))
        assert data["questions"][0]["sources"] == question.sources
        Question.objects.all().delete()
        path = tmp_path / "bank.json"
        path.write_text(json.dumps(data))
        call_command("import_questions", str(path))
        assert Question.objects.get(ref=question.ref).sources == question.sources


class TestShippedCorrections:
    def test_loading_records_each_shipped_correction_once(self, shipped_content):
        before = Correction.objects.count()
        assert before > 0
        assert corrections_load(keys_before={}) == []
        assert Correction.objects.count() == before

    def test_a_key_moved_in_the_fixtures_without_an_entry_still_tells_learners(self):
        question = QuestionFactory()
        learner = UserFactory()
        question_answer(user=learner, question=question, selected=[str(key_of(question)[0])])
        before = key_positions(Question.objects.all())
        first, second = question.choices.order_by("position")[:2]
        first.is_correct, second.is_correct = False, True
        first.save()
        second.save()
        created = corrections_load(keys_before=before)
        assert [c.question_id for c in created if c.key_changed] == [question.pk]
        assert CorrectionNotice.objects.filter(user=learner).count() == 1

    def test_the_public_page_lists_date_and_reason(
        self, client, shipped_content, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(3):
            page = client.get(reverse("quizzes:corrections"))
        workspaces = Correction.objects.get(slug="2026-12-03-workspaces-guest-os")
        assertContains(page, escape(workspaces.summary))
        assertContains(page, '<time datetime="2026-12-03">3 December 2026</time>', html=False)
        assertContains(page, "answer changed")


def test_the_learner_data_export_holds_their_notices():
    question = QuestionFactory()
    learner = UserFactory()
    question_answer(user=learner, question=question, selected=[str(key_of(question)[0])])
    correction_record(summary="Fixed the key.", question=question, key_changed=True)
    notices = learner_export(learner)["correction_notices"]
    assert [(n["question_ref"], n["summary"]) for n in notices] == [
        (question.ref, "Fixed the key.")
    ]
    assert learner_export(UserFactory())["correction_notices"] == []


def test_an_instructor_records_a_correction_in_the_admin_and_learners_are_told():
    question = QuestionFactory()
    learner = UserFactory()
    question_answer(user=learner, question=question, selected=[str(key_of(question)[0])])
    instructor = UserFactory(is_staff=True)
    instructor.groups.add(Group.objects.get(name="Instructors"))
    client = Client()
    client.force_login(instructor)
    response = client.post(
        reverse("admin:quizzes_correction_add"),
        {
            "slug": "fix-1",
            "corrected_on": "2026-12-03",
            "question": question.pk,
            "summary": "The key was wrong.",
            "key_changed": "on",
            "recorded_at_0": "2026-12-03",
            "recorded_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    correction = Correction.objects.get(slug="fix-1")
    assert correction.question_ref == question.ref
    assert CorrectionNotice.objects.filter(user=learner, correction=correction).exists()
    page = client.get(reverse("admin:quizzes_correction_change", args=[correction.pk]))
    assert page.status_code == 200
    assert 'name="key_changed"' not in page.content.decode()
