from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, tick_as_many_as_asked

pytestmark = pytest.mark.e2e


def test_guest_finishes_a_lesson_signs_up_and_keeps_it(page, site):
    page.goto(f"{site}/lessons/")
    page.get_by_role("link", name="Shared responsibility in one line").first.click()
    page.get_by_role("heading", level=1, name="Shared responsibility in one line").wait_for()

    # The prompt's answer stays hidden until asked for.
    answer = page.locator(".prompt__answer")
    assert not answer.is_visible()
    page.locator(".prompt summary").click()
    assert answer.is_visible()

    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Mark as complete").click()
    page.get_by_text("You finished this lesson.").wait_for()
    assert page.evaluate("window.__noReload") is True  # swapped in place
    assert "1 of" in page.locator("#progress-bar").inner_text()

    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("reader")
    page.get_by_label("Email").fill("reader@example.com")
    page.get_by_label("Password:", exact=True).fill("a-long-unusual-passphrase-42")
    page.get_by_label("Password confirmation").fill("a-long-unusual-passphrase-42")
    page.get_by_role("button", name="Create account").click()

    # Back on the lesson, signed in, still complete.
    page.get_by_text("Signed in as").wait_for()
    assert "/lessons/shared-responsibility-in-one-line/" in page.url
    assert page.get_by_text("You finished this lesson.").is_visible()
    page.goto(f"{site}/lessons/")
    assert page.locator(".path__item--done").count() == 1


def test_mark_complete_works_with_javascript_off(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/lessons/ec2/")
    page.get_by_role("button", name="Mark as complete").click()
    page.get_by_text("You finished this lesson.").wait_for()
    assert page.url.endswith("/lessons/ec2/")
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/lessons/",
        "/lessons/s3/",
        "/lessons/exam-traps/",
        "/lessons/saas-workspaces/",  # the misconception note
        "/matrix/workspaces/",  # a source under every layer
        "/corrections/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
    ],
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_lesson_and_account_pages_have_no_serious_violations(page, site, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{site}{path}")
    assert_accessible(page)


def test_password_change_page_is_accessible(page, site, django_user_model):
    django_user_model.objects.create_user("axe", "axe@example.com", "a-long-unusual-passphrase-42")
    page.goto(f"{site}/accounts/login/?next=/accounts/password_change/")
    page.get_by_label("Username").fill("axe")
    page.get_by_label("Password").fill("a-long-unusual-passphrase-42")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Change your password").wait_for()
    assert_accessible(page)


def _answer_check_yourself(page) -> None:
    """Tick as many choices as the question asks for, then check the answer in place."""
    box = page.locator(".check-yourself")
    tick_as_many_as_asked(box)
    page.evaluate("window.__noReload = true")
    box.get_by_role("button", name="Check, I’m sure").click()
    box.locator(".verdict").wait_for()
    assert page.evaluate("window.__noReload") is True


@pytest.mark.parametrize("slug", ["ec2", "s3", "shared-responsibility-in-one-line"])
def test_check_yourself_feedback_takes_focus_without_console_errors(page, site, slug):
    page.goto(f"{site}/lessons/{slug}/")
    _answer_check_yourself(page)
    expect(page.locator(".check-yourself .verdict")).to_be_focused()
    focused = page.evaluate("[document.activeElement.tagName, document.activeElement.id]")
    assert focused == ["H2", "feedback-title"]
    # Tab continues from the feedback, not from the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('.check-yourself')")
    # Any console error (an inline style refused by the CSP included) fails the page fixture.
