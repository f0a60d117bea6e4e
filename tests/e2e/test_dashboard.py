from __future__ import annotations

import pytest
from playwright.sync_api import expect

from quizzes.exams import attempt_answer, attempt_start, attempt_submit
from quizzes.models import ExamBlueprint, PracticeAnswer
from tests.e2e.conftest import assert_accessible, tick_as_many_as_asked

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-unusual-passphrase-42"


def sit_an_exam_badly(user) -> None:
    """A finished quick check with every question answered wrong."""
    blueprint = ExamBlueprint.objects.order_by("question_count").first()
    attempt = attempt_start(user=user, blueprint=blueprint).attempt
    for item in attempt.items.prefetch_related("question__choices"):
        wrong = [c for c in item.question.choices.all() if not c.is_correct]
        picked = [str(c.pk) for c in wrong[: item.question.choose]]
        attempt_answer(attempt=attempt, item=item, selected=picked, flagged=False)
    attempt_submit(attempt=attempt)


def test_after_an_exam_the_dashboard_maps_mastery_and_review_serves_a_due_card(
    page, site, django_user_model
):
    learner = django_user_model.objects.create_user("reviewer", "r@example.com", PASSWORD)
    sit_an_exam_badly(learner)
    page.goto(f"{site}/accounts/login/?next=/dashboard/")
    page.get_by_label("Username").fill("reviewer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("heading", name="Your dashboard").wait_for()
    mastery = page.get_by_role("table", name="Your accuracy by service and layer")
    assert mastery.locator("td", has_text="0%").count() > 0
    assert mastery.locator("td", has_text="not yet seen").count() > 0
    chart = page.get_by_role("img", name="Scaled scores of your last 1 exam")
    assert chart.is_visible()
    assert page.locator(".chart__point--fail").count() == 1
    assert_accessible(page)
    page.emulate_media(color_scheme="dark")
    assert_accessible(page)  # the mastery bands' contrast in dark mode too
    page.emulate_media(color_scheme="light")

    # Every wrong answer is due now: the header says how many.
    header_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Review")
    assert header_link.get_attribute("href") == "/review/"
    assert header_link.inner_text().split() == ["Review", "10", "due"]
    header_link.click()
    page.get_by_role("heading", name="Review", exact=True).wait_for()
    assert_accessible(page)

    tick_as_many_as_asked(page.locator("main"))
    page.get_by_role("button", name="Check, not sure").click()
    page.locator("#feedback-title").wait_for()
    # htmx sent the pressed button's value: the answer is stored as "not sure".
    assert PracticeAnswer.objects.get(user=learner, topic="review").sure is False
    expect(page.locator("#feedback-title")).to_be_focused()  # site.js focuses it after the swap
    page.get_by_role("link", name="Next question").click()
    page.get_by_role("heading", name="Review", exact=True).wait_for()
    assert page.locator("#practice-tally").inner_text().startswith("This session on this topic: 1")


def test_a_corrected_question_is_announced_and_the_notice_can_be_put_away(
    page, site, django_user_model
):
    from quizzes.corrections import correction_record
    from quizzes.models import CorrectionNotice, Question
    from quizzes.practice import question_answer

    learner = django_user_model.objects.create_user("told", "t@example.com", PASSWORD)
    question = Question.objects.published().get(ref="p-039")
    key = next(c for c in question.choices.all() if c.is_correct)
    question_answer(user=learner, question=question, selected=[str(key.pk)])
    correction_record(summary="The key now matches AWS docs.", question=question, key_changed=True)

    page.goto(f"{site}/accounts/login/?next=/dashboard/")
    page.get_by_label("Username").fill("told")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    notice = page.locator(".notice--correction")
    expect(notice).to_contain_text("The key now matches AWS docs.")
    assert_accessible(page)
    page.evaluate("window.__noReload = true")
    notice.get_by_role("button", name="Got it, hide this").click()
    expect(page.locator(".notice--correction")).to_have_count(0)
    assert page.evaluate("window.__noReload") is True  # htmx, not a reload
    assert CorrectionNotice.objects.get(user=learner).dismissed_at is not None
