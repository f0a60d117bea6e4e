from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-unusual-passphrase-42"


@pytest.fixture
def lesson(site):
    from lessons.models import Lesson

    return Lesson.objects.create(
        slug="e2e-lesson",
        title="E2E lesson",
        summary="s",
        position=99,
        prompt="p",
        prompt_answer="a",
        body="## Body",
        takeaways="t1\nt2\nt3",
        published=True,
    )


def test_instructor_authors_and_publishes_then_a_learner_practises(
    browser, page, site, lesson, django_user_model
):
    django_user_model.objects.create_superuser("inst", "inst@example.com", PASSWORD)
    page.goto(f"{site}/admin/login/?next=/admin/quizzes/question/add/")
    page.get_by_label("Username").fill("inst")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.locator("#id_ref").fill("e2e-001")
    page.locator("#id_kind").select_option("owner")
    page.locator("#id_stem").fill("A team leaves an S3 bucket open to the internet. Who fixes it?")
    page.locator("#id_explanation").fill("Bucket access settings are configured by the customer.")
    # A question is published only with an AWS page behind it.
    page.locator("#id_sources").fill(
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"
        " Blocking public access to your Amazon S3 storage"
    )
    page.locator("#id_lesson").select_option(label="E2E lesson")
    page.get_by_text("Add another Choice").click()
    for i, (text, correct) in enumerate([("AWS", False), ("Customer", True), ("Shared", False)]):
        page.locator(f"#id_choices-{i}-position").fill(str(i + 1))
        page.locator(f"#id_choices-{i}-text").fill(text)
        page.locator(f"#id_choices-{i}-rationale").fill(f"Because {text}.")
        if correct:
            page.locator(f"#id_choices-{i}-is_correct").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was added successfully").wait_for()

    # Publish it with the bulk action (found by search: the shipped bank fills the first pages).
    page.goto(f"{site}/admin/quizzes/question/?q=e2e-001")
    page.get_by_role("row", name="e2e-001").get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option("publish")
    page.locator("button[name=index]").click()
    page.get_by_text("Published 1 question(s).").wait_for()

    learner = browser.new_context().new_page()
    learner.goto(f"{site}/practice/lesson/e2e-lesson/")
    learner.evaluate("window.__noReload = true")
    learner.get_by_label("Shared").check()
    learner.get_by_role("button", name="Check, I’m sure").click()
    learner.locator(".verdict").wait_for()
    assert "Not quite." in learner.locator(".verdict").inner_text()
    assert learner.evaluate("window.__noReload") is True
    assert "Because Shared." in learner.locator("#question-card").inner_text()
    assert "Correct answer" in learner.locator(".choice--key").inner_text()
    assert "1 answered, 0 right" in learner.locator("#practice-tally").inner_text()
    learner.context.close()


def test_practice_works_with_javascript_off(browser, site, lesson):
    from tests.factories import owner_question

    owner_question(lesson=lesson)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/practice/lesson/e2e-lesson/")
    page.get_by_label("Customer").check()
    page.get_by_role("button", name="Check, I’m sure").click()
    page.locator(".verdict").wait_for()
    assert "Right." in page.locator(".verdict").inner_text()
    assert "/practice/answers/" in page.url
    context.close()


def test_feedback_page_is_accessible(page, site, lesson):
    from tests.factories import owner_question

    question = owner_question(lesson=lesson)
    page.goto(f"{site}/practice/lesson/e2e-lesson/")
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    # A plain form POST, as a browser without JavaScript sends it.
    response = page.request.post(
        f"{site}/practice/answer",
        form={
            "csrfmiddlewaretoken": token,
            "question": str(question.pk),
            "choice": str(question.choices.get(text="AWS").pk),
            "topic": "lesson:e2e-lesson",
        },
        headers={"Referer": page.url},
    )
    assert "/practice/answers/" in response.url
    page.goto(response.url)
    assert "Not quite." in page.locator(".verdict").inner_text()
    assert_accessible(page)


def test_drill_feedback_appears_in_place(page, site):
    page.goto(f"{site}/practice/drill/")
    page.get_by_label("Customer").check()
    page.get_by_role("button", name="Check answer").click()
    page.locator(".verdict").wait_for()
    assert page.get_by_role("link", name="Next question").is_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_practice_pages_have_no_serious_violations(page, site, lesson, scheme):
    from tests.factories import multiple_question

    multiple_question(lesson=lesson)
    page.emulate_media(color_scheme=scheme)
    for path in ("/practice/", "/practice/lesson/e2e-lesson/", "/practice/drill/"):
        page.goto(f"{site}{path}")
        assert_accessible(page)
    page.goto(f"{site}/practice/lesson/e2e-lesson/")
    page.locator("input[name=choice]").nth(0).check()
    page.locator("input[name=choice]").nth(1).check()
    page.get_by_role("button", name="Check, I’m sure").click()
    page.locator(".verdict").wait_for()
    assert_accessible(page)  # the feedback card


def test_checking_an_answer_moves_focus_to_the_feedback_heading(page, site, lesson):
    from tests.factories import owner_question

    owner_question(lesson=lesson)
    page.goto(f"{site}/practice/lesson/e2e-lesson/")
    page.get_by_label("Customer").check()
    page.get_by_role("button", name="Check, I’m sure").press("Enter")
    heading = page.get_by_role("heading", level=2, name="Right.")
    expect(heading).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "feedback-title"
    # Tab goes on from the feedback, not back to the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('#question-card')")


def test_drill_feedback_heading_takes_focus(page, site):
    page.goto(f"{site}/practice/drill/")
    page.get_by_label("Customer").check()
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#feedback-title")).to_be_focused()


def test_no_javascript_feedback_page_focuses_its_verdict(browser, site, lesson):
    from tests.factories import owner_question

    owner_question(lesson=lesson)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/practice/lesson/e2e-lesson/")
    page.get_by_label("AWS").check()
    page.get_by_role("button", name="Check, I’m sure").click()
    expect(page.locator("#feedback-title")).to_be_focused()
    context.close()


def test_question_admin_choices_fit_a_1280_px_window(page, site, django_user_model):
    from quizzes.models import Question

    django_user_model.objects.create_superuser("wide", "wide@example.com", PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site}/admin/login/?next=/admin/quizzes/question/add/")
    page.get_by_label("Username").fill("wide")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.locator("#choices-group").wait_for()
    question = Question.objects.filter(kind="multiple").first()
    for path in ("/admin/quizzes/question/add/", f"/admin/quizzes/question/{question.pk}/change/"):
        page.goto(f"{site}{path}")
        sizes = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth,"
            " document.querySelector('#choices-group table').getBoundingClientRect().right]"
        )
        scroll_width, inner_width, table_right = sizes
        assert scroll_width <= inner_width, (path, sizes)
        assert table_right <= inner_width, (path, sizes)


def test_a_choose_three_answer_keeps_its_ticks_and_counts_what_is_missing(page, site, lesson):
    from quizzes.models import Question
    from tests.factories import QuestionFactory

    QuestionFactory(
        lesson=lesson,
        kind=Question.Kind.MULTIPLE,
        choose=3,
        choices=[("Alpha", True), ("Bravo", True), ("Charlie", True), ("Delta", False)],
    )
    page.goto(f"{site}/practice/lesson/e2e-lesson/")
    page.get_by_label("Alpha").check()
    page.get_by_label("Bravo").check()
    # Said before checking, as the exam does.
    expect(page.locator("[data-choice-count]")).to_have_text(
        "Choose 1 more: this question needs 3 answers."
    )
    page.get_by_role("button", name="Check, I’m sure").click()
    page.get_by_role("alert").filter(has_text="Choose 1 more").wait_for()
    assert page.get_by_label("Alpha").is_checked()
    assert page.get_by_label("Bravo").is_checked()
    assert not page.get_by_label("Charlie").is_checked()
    assert_accessible(page)
    # One more tick, and the answer is graded.
    page.get_by_label("Charlie").check()
    expect(page.locator("[data-choice-count]")).to_have_text("")
    page.get_by_role("button", name="Check, I’m sure").click()
    page.locator(".verdict").wait_for()
    assert "Right." in page.locator(".verdict").inner_text()


def test_a_guest_answering_too_fast_is_told_in_place(page, site, lesson, settings):
    from tests.factories import owner_question

    settings.GUEST_ANSWER_LIMIT = 1
    owner_question(lesson=lesson)
    page.goto(f"{site}/practice/lesson/e2e-lesson/")
    page.get_by_label("Customer").check()
    page.get_by_role("button", name="Check, I’m sure").click()
    page.locator(".verdict").wait_for()
    page.get_by_role("link", name="Next question").click()
    page.get_by_label("Shared").check()
    page.get_by_role("button", name="Check, I’m sure").click()
    # htmx swaps the 429's card in (base.html's htmx-config), where the feedback would go.
    alert = page.get_by_role("alert").filter(has_text="faster than we can keep up with")
    alert.wait_for()
    assert page.get_by_label("Shared").is_checked()
    assert page.locator(".verdict").count() == 0
    assert "next=/practice/lesson/e2e-lesson/" in alert.get_by_role("link").get_attribute("href")
    assert_accessible(page)
    # The refusal is the point of this test, not a fault: drop it from the console check.
    page.console_errors[:] = [e for e in page.console_errors if not e.startswith("429 for")]
