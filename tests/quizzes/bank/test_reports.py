from __future__ import annotations

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from quizzes.models import QuestionReport
from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def report_url(question):
    return reverse("quizzes:question_report", args=[question.pk])


def test_report_is_stored_once_per_learner_and_question(auth_client, user):
    question = QuestionFactory()
    first = auth_client.post(
        report_url(question), {"reason": "key-wrong", "note": "B?"}, headers=HX
    )
    assertContains(first, "Your report is with our instructors")
    second = auth_client.post(report_url(question), {"reason": "unclear", "note": ""}, headers=HX)
    assertContains(second, "We updated your earlier report")
    report = QuestionReport.objects.get()
    assert (report.user, report.reason) == (user, "unclear")


def test_two_learners_make_two_reports(client):
    question = QuestionFactory()
    for learner in UserFactory.create_batch(2):
        client.force_login(learner)
        client.post(report_url(question), {"reason": "other", "note": "typo"})
    assert QuestionReport.objects.filter(question=question).count() == 2


def test_bad_reason_is_refused_and_stores_nothing(auth_client):
    question = QuestionFactory()
    response = auth_client.post(report_url(question), {"reason": "hate-it"}, headers=HX)
    assertContains(response, "Select a valid choice")
    assert not QuestionReport.objects.exists()


def test_guests_are_asked_to_log_in(client):
    response = client.post(report_url(QuestionFactory()), {"reason": "unclear"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_reports_show_on_the_question_and_in_the_open_list(admin_client, user):
    question = QuestionFactory()
    QuestionReport.objects.create(
        question=question, user=user, reason="key-wrong", note="Key is C"
    )
    change = admin_client.get(reverse("admin:quizzes_question_change", args=[question.pk]))
    assertContains(change, "Key is C")
    listing = admin_client.get(
        reverse("admin:quizzes_questionreport_changelist"), {"status": "open"}
    )
    assertContains(listing, "Key is C")
    questions = admin_client.get(reverse("admin:quizzes_question_changelist"), {"reports": "open"})
    assertContains(questions, question.ref)


def test_instructor_resolves_reports_in_bulk(admin_client, user):
    report = QuestionReport.objects.create(question=QuestionFactory(), user=user, reason="unclear")
    admin_client.post(
        reverse("admin:quizzes_questionreport_changelist"),
        {"action": "resolve", "_selected_action": [report.pk]},
    )
    report.refresh_from_db()
    assert report.resolved_at is not None


def test_a_guest_logging_in_to_report_comes_back_to_the_question(client, user):
    question = QuestionFactory()
    choice = question.choices.first()
    feedback = client.post(
        reverse("quizzes:practice_answer"),
        {"question": question.pk, "choice": choice.pk, "topic": "mixed"},
        headers=HX,
    )
    next_url = question.get_absolute_url()
    # Not the POST-only answer URL the fragment came from: that would end in an error.
    assertContains(feedback, f'href="/accounts/login/?next={next_url}"')
    client.force_login(user)
    assert client.get(next_url).status_code == 200


def test_report_reasons_offer_no_blank_row(auth_client):
    question = QuestionFactory()
    response = auth_client.post(
        reverse("quizzes:practice_answer"),
        {"question": question.pk, "choice": question.choices.first().pk, "topic": "mixed"},
        headers=HX,
    )
    assertContains(response, 'name="reason"', count=len(QuestionReport.Reason.choices))
    assert "---------" not in response.content.decode()
