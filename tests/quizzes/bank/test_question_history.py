"""A question's change history in the admin: every way a question changes leaves an entry."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains

from quizzes.bank.history import answer_keys
from quizzes.bank.import_export import bank_export, bank_import
from quizzes.content import content_load, history_begin
from quizzes.models import Choice, Question
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:quizzes_question_changelist")
IMPORT = reverse("admin:quizzes_question_import")


def history_url(question: Question) -> str:
    return reverse("admin:quizzes_question_history", args=[question.pk])


def recorded_question(**kwargs) -> Question:
    """A question whose choices are in the history too (the factory bulk-creates them)."""
    question = QuestionFactory(**kwargs)
    history_begin(Choice)
    return question


def key_moved_to(question: Question, text: str) -> None:
    """Re-import the question with `text` as its only correct choice."""
    data = bank_export(Question.objects.filter(pk=question.pk))
    for choice in data["questions"][0]["choices"]:
        choice["is_correct"] = choice["text"] == text
    bank_import(data=data)


def test_shipped_content_starts_with_one_history_record_per_question_and_choice():
    content_load()
    questions, choices = Question.objects.count(), Choice.objects.count()
    assert questions > 100
    assert Question.history.filter(history_type="+").count() == questions
    assert Choice.history.filter(history_type="+").count() == choices
    assert set(Question.history.values_list("history_change_reason", flat=True)) == {
        "Shipped content loaded"
    }

    content_load()  # `make run` loads it every time: no second record

    assert Question.history.count() == questions
    assert Choice.history.count() == choices


def test_history_begin_leaves_rows_that_already_have_a_history():
    question = QuestionFactory()  # saved one by one: recorded; its choices are bulk-created
    assert history_begin(Question, Choice) == 4
    assert history_begin(Question, Choice) == 0
    assert question.history.count() == 1


def test_publishing_and_unpublishing_from_the_list_are_in_the_history(admin_client, admin_user):
    question = QuestionFactory(status=Question.Status.DRAFT)

    admin_client.post(CHANGELIST, {"action": "publish", "_selected_action": [question.pk]})
    admin_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [question.pk]})

    newest, middle = question.history.all()[:2]
    assert (middle.status, newest.status) == ("published", "draft")
    assert middle.history_change_reason == "Published from the question list"
    assert newest.history_change_reason == "Unpublished from the question list"
    assert newest.history_user == admin_user
    response = admin_client.get(history_url(question))
    assertContains(response, "Published from the question list")
    assertContains(response, "Unpublished from the question list")


def test_a_key_moved_by_import_shows_in_the_history_page(admin_client):
    question = recorded_question()  # "The customer" is the key
    key_moved_to(question, "AWS")

    response = admin_client.get(history_url(question))

    assertContains(response, "answer key at this version")
    assertContains(response, "<td>AWS</td>", html=True)
    assertContains(response, "<td>The customer</td>", html=True)


def test_answer_keys_follow_each_version_and_forget_deleted_choices():
    question = recorded_question()
    first = question.history.get().history_date
    key_moved_to(question, "AWS")
    second = question.history.first().history_date
    question.save()  # as the admin saves: the question, then its inline choices
    third = question.history.first().history_date
    Choice.objects.filter(question=question, text="AWS").delete()

    keys = answer_keys(question.pk, [first, second, third])

    assert keys == {first: ["The customer"], second: ["AWS"], third: []}


@pytest.mark.parametrize("versions", [2, 30])
def test_history_page_queries_stay_fixed(admin_client, django_assert_max_num_queries, versions):
    question = QuestionFactory()
    for n in range(versions - 1):
        question.stem = f"Version {n}"
        question.save()
    with django_assert_max_num_queries(12):
        response = admin_client.get(history_url(question))
    assert response.status_code == 200


def test_an_admin_import_names_the_file_and_the_importer_in_the_history(admin_client, admin_user):
    question = recorded_question(stem="The old stem")
    data = bank_export(Question.objects.filter(pk=question.pk))
    data["questions"][0]["stem"] = "The new stem"
    data["questions"][0]["choices"][1]["rationale"] = "A better rationale"
    upload = SimpleUploadedFile("bank-2025-06.json", json.dumps(data).encode())
    preview = admin_client.post(IMPORT, {"file": upload, "format": "auto"})

    admin_client.post(IMPORT, {"payload": preview.context["payload"], "confirm": "1"})

    reason = "Imported from bank-2025-06.json by admin"
    newest = question.history.first()
    assert (newest.stem, newest.history_change_reason) == ("The new stem", reason)
    assert newest.history_user == admin_user
    choice = Choice.history.filter(rationale="A better rationale").get()
    assert (choice.history_change_reason, choice.history_user) == (reason, admin_user)
    assertContains(admin_client.get(history_url(question)), reason)


def test_history_page_has_no_style_attribute_and_no_none(admin_client):
    question = QuestionFactory()  # saved without a reason or a user
    response = admin_client.get(history_url(question))
    page = response.content.decode()
    assert 'class="paginator' in page
    assert " style=" not in page
    assert ">None<" not in page.replace(" ", "").replace("\n", "")
