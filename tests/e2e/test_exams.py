from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, tick_as_many_as_asked, wait_until

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-unusual-passphrase-42"
# exam.js has replaced the server's "15 min" with a ticking mm:ss.
COUNTDOWN_DRAWN = "document.querySelector('#timer .timer__value').textContent.includes(':')"


def log_in_to_exams(page, site, django_user_model, username: str):
    """Create a learner, log in through the form and land on /exams/."""
    django_user_model.objects.create_user(username, f"{username}@example.com", PASSWORD)
    page.goto(f"{site}/accounts/login/?next=/exams/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Practice exams").wait_for()
    return page


@pytest.fixture
def learner_page(page, site, django_user_model):
    return log_in_to_exams(page, site, django_user_model, "sitter")


def saved(page):
    page.locator("#save-status", has_text="Saved").wait_for()


def on_question(page, n: int) -> None:
    """Question n is shown and its page has finished loading: the deferred exam.js
    that answers the keys runs after the heading is already painted."""
    page.get_by_role("heading", name=f"Question {n}").wait_for()
    page.wait_for_load_state("load")


def test_sit_quick_check_from_start_to_review(learner_page, site):
    page = learner_page
    page.get_by_role("button", name="Start quick check").click()
    on_question(page, 1)
    wait_until(page, COUNTDOWN_DRAWN)
    assert page.locator("#timer .timer__value").inner_text().startswith(("14:", "15:"))

    # Question 1: answer by clicking (first choice, or two for a multiple).
    choices = page.locator("input[name=choice]")
    tick_as_many_as_asked(page.locator(".choices"))
    page.locator("#exam-status", has_text="Answered 1 of 10").wait_for()
    saved(page)
    first_pick = choices.nth(0).get_attribute("value")
    assert page.locator(".nav-item--answered").count() == 1

    # Flag it with the keyboard, then move on with the arrow key.
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("f")
    page.locator("#save-status", has_text="flagged").wait_for()
    page.keyboard.press("ArrowRight")
    on_question(page, 2)

    # Question 2: answer by keyboard.
    page.keyboard.press("2")
    saved(page)
    second_pick = page.locator("input[name=choice]:checked").first.get_attribute("value")

    # Reload: everything is as it was, with the same clock.
    page.reload()
    assert page.locator(f'input[value="{second_pick}"]').is_checked()
    page.get_by_role("button", name="1 answered, flagged").click()
    on_question(page, 1)
    assert page.locator(f'input[value="{first_pick}"]').is_checked()
    assert page.locator("#flagged").is_checked()
    assert page.locator(".nav-item--flagged").count() == 1
    assert_accessible(page)

    page.get_by_role("button", name="Review and submit the exam").click()
    page.get_by_role("heading", name="Ready to submit?").wait_for()
    assert "8 not answered" in page.content()
    assert "1 flagged for review" in page.content()
    assert_accessible(page)

    page.get_by_role("button", name="Submit and see my score").click()
    page.locator(".score__number").wait_for()
    assert "pass mark 700" in page.locator(".score").inner_text()
    assert page.locator(".review-item").count() == 10
    assert page.locator(".choice--key").count() >= 10
    assert_accessible(page)
    page.get_by_role("link", name="Flagged only").click()
    assert page.locator(".review-item").count() == 1


def test_exam_works_with_javascript_off(browser, site, django_user_model):
    context = browser.new_context(java_script_enabled=False)
    page = log_in_to_exams(context.new_page(), site, django_user_model, "nojs")
    page.get_by_role("button", name="Start quick check").click()
    # The page promises only what works without JavaScript.
    assert page.get_by_text("then “Save and next” saves it").is_visible()
    assert not page.get_by_text("it is saved straight away").is_visible()
    assert not page.locator(".exam-question__keys").is_visible()
    assert not page.locator(".choice__key").first.is_visible()
    assert page.get_by_label("Flag for review").is_visible()
    assert not page.get_by_text("(F)").is_visible()
    tick_as_many_as_asked(page.locator(".choices"))
    page.get_by_role("button", name="Save and next →").click()
    on_question(page, 2)
    assert page.locator(".nav-item--answered").count() == 1
    # Choosing, then a navigator number, saves the choice too.
    tick_as_many_as_asked(page.locator(".choices"))
    page.get_by_role("button", name="5 not answered").click()
    on_question(page, 5)
    assert page.locator(".nav-item--answered").count() == 2
    context.close()


def test_timer_stays_in_view_on_a_phone(browser, site, django_user_model):
    context = browser.new_context(viewport={"width": 390, "height": 700})
    page = log_in_to_exams(context.new_page(), site, django_user_model, "phone")
    page.get_by_role("button", name="Start quick check").click()
    on_question(page, 1)
    page.mouse.wheel(0, 2000)
    wait_until(page, "window.scrollY > 200")
    box = page.locator("#timer").bounding_box()
    assert box is not None and 0 <= box["y"] < 700
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_exam_list_is_accessible(learner_page, scheme):
    learner_page.emulate_media(color_scheme=scheme)
    learner_page.reload()
    assert_accessible(learner_page)


def test_settings_page_sets_extra_time_and_is_accessible(learner_page, site):
    page = learner_page
    page.goto(f"{site}/accounts/profile/")
    assert_accessible(page)
    page.get_by_label("Double time (×2)").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Exams you start from now on use this time allowance").wait_for()
    page.goto(f"{site}/exams/")
    page.get_by_role("button", name="Start quick check").click()
    page.get_by_text("Extra time granted: ×2").wait_for()
    wait_until(page, COUNTDOWN_DRAWN)
    assert page.locator("#timer .timer__value").inner_text().startswith(("29:", "30:"))


def test_resuming_shows_an_accessible_message(learner_page, site):
    page = learner_page
    page.get_by_role("button", name="Start quick check").click()
    on_question(page, 1)
    page.goto(f"{site}/exams/")
    page.get_by_role("button", name="Resume quick check").click()
    page.get_by_role("status").filter(has_text="continues where you left it").wait_for()
    assert_accessible(page)


def test_a_save_refused_during_a_database_outage_says_so_beside_the_question(learner_page):
    """The server's 503 alert (templates/503.html) is shown, then cleared by the next save."""
    from django.template.loader import render_to_string

    page = learner_page
    page.get_by_role("button", name="Start quick check").click()
    on_question(page, 1)
    outage = render_to_string("503.html#database-unavailable", {"retry_url": ""})

    def refuse(route):
        if route.request.method != "POST":
            return route.continue_()
        return route.fulfill(
            status=503, body=outage, headers={"Retry-After": "5", "Content-Type": "text/html"}
        )

    page.route("**/attempts/*/q/*/", refuse)
    page.locator("input[name=choice]").first.check()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "briefly unavailable" in alert.inner_text()
    assert "Saved" not in page.locator("#save-status").inner_text()
    assert_accessible(page)

    page.unroute("**/attempts/*/q/*/")
    page.locator("#flagged").check()  # the next save goes through
    # "Saved, flagged…" or, on a choose-2 or -3 question, "Saved, but not complete."
    page.locator("#save-status", has_text="Saved").wait_for()
    expect(page.get_by_role("alert")).to_have_count(0)
    # The refused save is the one error this page should have logged (htmx's and the 503).
    expected = [error for error in page.console_errors if "503" in error]
    assert len(expected) == 2
    page.console_errors[:] = [error for error in page.console_errors if error not in expected]


def test_two_then_right_arrow_saves_choice_two_and_moves_on(learner_page):
    """The hint says "1–4 choose · ← → move": 2 then → must not pick choice 3."""
    from quizzes.models import AttemptItem

    page = learner_page
    page.get_by_role("button", name="Start quick check").click()
    on_question(page, 1)
    # The trap is a radio group (one answer), where a focused radio takes arrows.
    n = 1
    while page.locator("legend").inner_text() != "Choose one answer":
        n += 1
        page.keyboard.press("ArrowRight")
        on_question(page, n)
    second = page.locator("input[name=choice]").nth(1).get_attribute("value")
    page.keyboard.press("2")
    saved(page)
    page.keyboard.press("ArrowRight")
    on_question(page, n + 1)
    item = AttemptItem.objects.get(attempt__user__username="sitter", position=n)
    assert [str(pk) for pk in item.selected] == [second]


def test_left_arrow_on_a_focused_choice_moves_back_without_changing_it(learner_page):
    page = learner_page
    page.get_by_role("button", name="Start quick check").click()
    on_question(page, 1)
    n = 2
    page.keyboard.press("ArrowRight")
    on_question(page, 2)
    while page.locator("legend").inner_text() != "Choose one answer":
        n += 1
        page.keyboard.press("ArrowRight")
        on_question(page, n)
    page.keyboard.press("1")
    saved(page)
    first = page.locator("input[name=choice]").nth(0).get_attribute("value")
    page.keyboard.press("ArrowLeft")
    on_question(page, n - 1)
    page.keyboard.press("ArrowRight")
    on_question(page, n)
    assert page.locator(f'input[value="{first}"]').is_checked()
    assert page.locator("input[name=choice]:checked").count() == 1


def test_key_hints_show_only_where_there_is_a_keyboard(browser, site, django_user_model):
    desktop = browser.new_context(viewport={"width": 1280, "height": 800})
    page = log_in_to_exams(desktop.new_page(), site, django_user_model, "keys")
    page.get_by_role("button", name="Start quick check").click()
    on_question(page, 1)
    assert page.locator(".exam-question__keys").is_visible()
    assert page.locator(".choice__key").first.is_visible()
    url = page.url
    cookies = desktop.cookies()
    desktop.close()

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    phone.add_cookies(cookies)
    page = phone.new_page()
    page.goto(url)
    on_question(page, 1)
    assert not page.locator(".exam-question__keys").is_visible()
    assert not page.locator(".choice__key").first.is_visible()
    assert not page.get_by_text("(F)").is_visible()
    phone.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_the_exam_comes_first(browser, site, django_user_model, scheme):
    """One line of header (way out, exam, clock); the question starts in the first screen."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = log_in_to_exams(context.new_page(), site, django_user_model, f"thumb-{scheme}")
    page.emulate_media(color_scheme=scheme)
    page.get_by_role("button", name="Start quick check").click()
    on_question(page, 1)
    wait_until(page, COUNTDOWN_DRAWN)
    header = page.locator("header.exam-bar")
    height = header.bounding_box()["height"]
    line = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.exam-bar__title')).lineHeight)"
    )
    assert height < 2 * line + 16, f"header is {height}px high"
    assert header.get_by_role("link", name="Leave").is_visible()
    assert header.get_by_text("Quick check").is_visible()
    assert header.locator("#timer").is_visible()
    assert page.locator(".site-header .nav").count() == 0
    # The stem and the first choice are on the first screen, without scrolling.
    for selector in ("#stem", "input[name=choice] >> nth=0"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["y"] + box["height"] <= 844, selector
    assert_accessible(page)

    # Leaving keeps the attempt: it can be resumed from the exam list.
    header.get_by_role("link", name="Leave").click()
    page.get_by_role("heading", name="Practice exams").wait_for()
    assert page.get_by_role("button", name="Resume quick check").is_visible()
    context.close()
