from __future__ import annotations

import json
from pathlib import Path

import pytest

from quizzes.models import PracticeAnswer, Question
from quizzes.review.cards import Answer, cards_record
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-unusual-passphrase-42"


def log_in(page, site, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_data_page_and_account_deletion_are_accessible_and_work(page, site, django_user_model):
    django_user_model.objects.create_user("leaver", "l@example.com", PASSWORD)
    log_in(page, site, "leaver")
    page.goto(f"{site}/accounts/data/")
    page.get_by_role("heading", name="Your data").wait_for()
    assert_accessible(page)

    page.goto(f"{site}/accounts/delete/")
    assert_accessible(page)
    page.get_by_label("I understand").check()
    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_role("button", name="Delete my account and data").click()
    page.get_by_role("heading", name="Delete your account").wait_for()
    assert django_user_model.objects.filter(username="leaver").exists()
    assert_accessible(page)  # the error state too

    page.get_by_label("I understand").check()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account and data").click()
    page.get_by_text("Your account and all your data are deleted.").wait_for()
    assert not django_user_model.objects.filter(username="leaver").exists()


def test_the_downloaded_file_names_the_question_and_the_picked_choice(
    page, site, django_user_model
):
    learner = django_user_model.objects.create_user("keeper", "k@example.com", PASSWORD)
    question = Question.objects.filter(status=Question.Status.PUBLISHED).first()
    choice = question.choices.exclude(is_correct=True).first()
    PracticeAnswer.objects.create(
        user=learner,
        question=question,
        question_ref=question.ref,
        selected=[choice.pk],
        correct=False,
    )
    cards_record(user=learner, answers=[Answer(question.pk, correct=False)])

    log_in(page, site, "keeper")
    page.goto(f"{site}/accounts/data/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data (JSON)").click()
    data = json.loads(Path(download.value.path()).read_text())

    [answer] = data["practice_answers"]
    assert answer["question_stem"] == question.stem
    assert (answer["selected"], answer["selected_choices"]) == ([choice.pk], [choice.text])
    [card] = data["review_cards"]
    assert (card["last_rating"], card["last_rating_name"]) == (1, "Again")


def test_lockout_page_is_accessible(page, site, django_user_model, settings):
    django_user_model.objects.create_user("forgetful", "f@example.com", PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(page, site, "forgetful", "wrong-password")
    log_in(page, site, "forgetful")  # the right password, too late
    page.get_by_role("heading", name="Logging in is paused for a while").wait_for()
    assert "try again" in page.locator("main").inner_text().lower()
    assert_accessible(page)
