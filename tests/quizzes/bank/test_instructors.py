from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from lessons.models import Lesson
from quizzes.models import Question
from tests.factories import LessonFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-unusual-passphrase-42"


@pytest.fixture
def instructor():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Instructors"))
    return user


def test_group_can_author_content_but_not_users(instructor):
    for perm in (
        "quizzes.add_question",
        "quizzes.change_question",
        "quizzes.add_choice",
        "lessons.change_lesson",
        "lessons.change_responsibility",
        "lessons.add_service",
        "quizzes.change_questionreport",
    ):
        assert instructor.has_perm(perm), perm
    for perm in ("auth.change_user", "auth.add_user", "auth.view_user", "auth.change_group"):
        assert not instructor.has_perm(perm), perm


def test_instructor_is_refused_the_user_admin(instructor):
    client = Client()
    client.force_login(instructor)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:quizzes_question_changelist")).status_code == 200


def _question_post(lesson: Lesson, choices: list[tuple[str, bool]], **overrides) -> dict:
    data = {
        "ref": "new-001",
        "status": "published",
        "kind": "single",
        "choose": "1",
        "difficulty": "2",
        "stem": "Who patches the guest OS on EC2?",
        "explanation": "The customer manages the OS on EC2.",
        "sources": "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-security.html EC2",
        "lesson": str(lesson.pk),
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "2",
        "choices-MAX_NUM_FORMS": "1000",
        "reports-TOTAL_FORMS": "0",
        "reports-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    for i, (text, correct) in enumerate(choices):
        data[f"choices-{i}-position"] = str(i + 1)
        data[f"choices-{i}-text"] = text
        if correct:
            data[f"choices-{i}-is_correct"] = "on"
        data[f"choices-{i}-rationale"] = f"Why {text}"
    data.update(overrides)
    return data


def test_instructor_creates_a_question_in_the_admin(instructor):
    client = Client()
    client.force_login(instructor)
    lesson = LessonFactory()
    choices = [("Customer", True), ("AWS", False), ("Both", False), ("Nobody", False)]
    response = client.post(reverse("admin:quizzes_question_add"), _question_post(lesson, choices))
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Question.objects.get(ref="new-001").choices.count() == 4


def test_admin_blocks_a_broken_question_with_a_clear_message(admin_client):
    lesson = LessonFactory()
    choices = [("Customer", True), ("AWS", True), ("Both", False), ("Nobody", False)]
    response = admin_client.post(
        reverse("admin:quizzes_question_add"), _question_post(lesson, choices)
    )
    assert response.status_code == 200
    assertContains(response, "Mark exactly one choice correct (now 2).")
    assert not Question.objects.exists()


def test_admin_blocks_owner_question_with_other_choices(admin_client):
    lesson = LessonFactory()
    choices = [("AWS", True), ("You", False), ("Shared", False)]
    response = admin_client.post(
        reverse("admin:quizzes_question_add"), _question_post(lesson, choices, kind="owner")
    )
    assertContains(response, "exactly: AWS, Customer, Shared")
    assert not Question.objects.exists()


def test_bulk_publish_and_unpublish(admin_client):
    from tests.factories import QuestionFactory

    questions = QuestionFactory.create_batch(2, status="draft")
    url = reverse("admin:quizzes_question_changelist")
    ids = [q.pk for q in questions]
    admin_client.post(url, {"action": "publish", "_selected_action": ids})
    assert set(Question.objects.values_list("status", flat=True)) == {"published"}
    admin_client.post(url, {"action": "unpublish", "_selected_action": ids})
    assert set(Question.objects.values_list("status", flat=True)) == {"draft"}


def test_createinstructor_makes_a_staff_member_of_the_group(monkeypatch):
    monkeypatch.setenv("DJANGO_INSTRUCTOR_PASSWORD", PASSWORD)
    call_command("createinstructor", "ada", "--email", "ada@example.com", "--no-input")
    from django.contrib.auth import get_user_model

    ada = get_user_model().objects.get(username="ada")
    assert ada.is_staff and not ada.is_superuser
    assert ada.groups.filter(name="Instructors").exists()
    assert ada.check_password(PASSWORD)


def test_createinstructor_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("DJANGO_INSTRUCTOR_PASSWORD", "123")
    with pytest.raises(CommandError):
        call_command("createinstructor", "bob", "--no-input")


def test_createinstructor_refuses_an_address_another_account_uses(monkeypatch):
    monkeypatch.setenv("DJANGO_INSTRUCTOR_PASSWORD", PASSWORD)
    UserFactory(username="first", email="shared@example.com")
    with pytest.raises(CommandError, match="already uses"):
        call_command("createinstructor", "second", "--email", "Shared@Example.com", "--no-input")
    assert not get_user_model().objects.filter(username="second").exists()


def _positions(html: str) -> dict[str, str]:
    """Each choice row's position as the add page fills it in ("" when left blank)."""
    found = {}
    for tag in re.findall(r'<input[^>]*name="choices-[^"]+-position"[^>]*>', html):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag)
        found[name] = value.group(1) if value else ""
    return found


def test_add_page_numbers_the_empty_choice_rows(admin_client):
    response = admin_client.get(reverse("admin:quizzes_question_add"))
    assert _positions(response.content.decode()) == {
        "choices-0-position": "1",
        "choices-1-position": "2",
        # A row added with "Add another Choice" starts blank and is numbered on save.
        "choices-__prefix__-position": "",
    }


def test_question_with_two_choices_saves_without_touching_positions(admin_client):
    lesson = LessonFactory()
    page = admin_client.get(reverse("admin:quizzes_question_add")).content.decode()
    data = _question_post(lesson, [("The customer", True), ("AWS", False)])
    data.update({k: v for k, v in _positions(page).items() if "__prefix__" not in k})
    response = admin_client.post(reverse("admin:quizzes_question_add"), data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    question = Question.objects.get(ref="new-001")
    assert list(question.choices.values_list("position", "text")) == [
        (1, "The customer"),
        (2, "AWS"),
    ]


def test_choice_rows_left_without_a_position_go_last(admin_client):
    lesson = LessonFactory()
    choices = [("AWS", False), ("Customer", True), ("Shared", False), ("Nobody", False)]
    data = _question_post(lesson, choices)
    data.update({"choices-0-position": "", "choices-2-position": "", "choices-3-position": "1"})
    response = admin_client.post(reverse("admin:quizzes_question_add"), data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    question = Question.objects.get(ref="new-001")
    assert list(question.choices.values_list("position", "text")) == [
        (1, "Nobody"),
        (2, "Customer"),
        (3, "AWS"),
        (4, "Shared"),
    ]


def _change_post_with_an_extra_row(question) -> dict:
    """The change form as the admin posts it: the existing choices plus one added row."""
    choices = list(question.choices.order_by("position"))
    count = len(choices)
    data = _question_post(question.lesson, [(c.text, c.is_correct) for c in choices])
    data.update(
        ref=question.ref,
        **{"choices-TOTAL_FORMS": str(count + 1), "choices-INITIAL_FORMS": str(count)},
    )
    for i, choice in enumerate(choices):
        data[f"choices-{i}-id"] = str(choice.pk)
        data[f"choices-{i}-question"] = str(question.pk)
    return data


def test_a_blank_extra_row_on_the_change_page_is_ignored(admin_client):
    from tests.factories import QuestionFactory

    question = QuestionFactory()
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    data = _change_post_with_an_extra_row(question)
    data["choices-4-position"] = ""  # added with the button, then left empty
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert question.choices.count() == 4


def test_a_choice_added_on_the_change_page_goes_after_the_others(admin_client):
    from tests.factories import QuestionFactory

    question = QuestionFactory()
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    data = _change_post_with_an_extra_row(question)
    data.update({"choices-4-position": "", "choices-4-text": "Nobody"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert question.choices.get(text="Nobody").position == 5
