from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from quizzes.exams.attempts import attempt_answer, attempt_start, attempt_submit
from quizzes.models import ExamBlueprint, PracticeAnswer, Question
from tests.e2e.conftest import assert_accessible

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

    expect(page.locator("#review-due")).to_have_text("10 questions due now.")
    # Answer it right (the key read from the database, as a learner who knows it).
    served = Question.objects.get(pk=page.locator("input[name=question]").input_value())
    for choice in served.choices.filter(is_correct=True):
        page.locator(f'input[name=choice][value="{choice.pk}"]').check()
    page.get_by_role("button", name="Check, not sure").click()
    page.locator("#feedback-title").wait_for()
    # htmx sent the pressed button's value: the answer is stored as "not sure".
    assert PracticeAnswer.objects.get(user=learner, topic="review").sure is False
    expect(page.locator("#feedback-title")).to_be_focused()  # site.js focuses it after the swap
    # The header's count and the page's own follow the answer, without a reload.
    expect(header_link).to_have_text(re.compile(r"^Review\s+9\s*due$"))
    expect(page.locator("#review-due")).to_have_text("9 questions due now.")
    expect(page.locator("#practice-tally")).to_have_text("This session: 1 reviewed, 1 right.")
    page.get_by_role("link", name="Next question").click()
    page.get_by_role("heading", name="Review", exact=True).wait_for()
    assert page.locator("#practice-tally").inner_text().startswith("This session: 1 reviewed")


def test_a_corrected_question_is_announced_and_the_notice_can_be_put_away(
    page, site, django_user_model
):
    from quizzes.bank.corrections import correction_record
    from quizzes.models import CorrectionNotice, Question
    from quizzes.practice.questions import question_answer

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


CHART_TEXT = """() => {
  const svg = document.querySelector('.score-chart svg');
  const small = document.querySelector('.stat dt');  // the small print beside the chart
  const point = svg.querySelector('.chart__point').getBoundingClientRect();
  const texts = [...svg.querySelectorAll('text')].map((text) => {
    const box = text.getBoundingClientRect();
    return {
      text: text.textContent.trim(),
      // The size on screen: the CSS font size times the SVG's scale (viewBox and all).
      px: parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a,
      left: box.left, right: box.right, centre: box.left + box.width / 2,
    };
  });
  return {
    small: parseFloat(getComputedStyle(small).fontSize),
    pointCentre: point.left + point.width / 2,
    texts,
    pageWidth: document.documentElement.scrollWidth,
  };
}"""


def test_score_history_reads_on_a_phone_and_dates_a_single_exam_once(
    page, site, django_user_model
):
    learner = django_user_model.objects.create_user("phone", "p@example.com", PASSWORD)
    sit_an_exam_badly(learner)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}/accounts/login/?next=/dashboard/")
    page.get_by_label("Username").fill("phone")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("img", name="Scaled scores of your last 1 exam").wait_for()

    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844})
        chart = page.evaluate(CHART_TEXT)
        assert chart["small"] >= 13  # sanity: really the site's small print, not a tiny label
        for text in chart["texts"]:
            assert text["px"] >= chart["small"] - 0.01, (width, text)
            assert text["left"] >= 0 and text["right"] <= width, (width, text)  # not cut off
        assert chart["pageWidth"] <= width  # no sideways scrolling
        # One exam, one day: the x axis names it once, under the point.
        dates = [t for t in chart["texts"] if re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}", t["text"])]
        assert len(dates) == 1, [t["text"] for t in dates]
        assert dates[0]["centre"] == pytest.approx(chart["pointCentre"], abs=2)
        assert_accessible(page)
        page.emulate_media(color_scheme="dark")
        assert_accessible(page)
        page.emulate_media(color_scheme="light")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_settings_page_defaults_the_time_zone_to_the_browsers(
    browser, site, django_user_model, javascript
):
    from quizzes.models import LearnerProfile

    learner = django_user_model.objects.create_user("abroad", "a@example.com", PASSWORD)
    context = browser.new_context(timezone_id="Asia/Tokyo", java_script_enabled=javascript)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.goto(f"{site}/accounts/login/?next=/accounts/profile/")
    page.get_by_label("Username").fill("abroad")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Your settings").wait_for()

    select = page.get_by_label("Your time zone")
    # site.js fills the browser's zone in while none is chosen; without it, nothing.
    expect(select).to_have_value("Asia/Tokyo" if javascript else "")
    cookies = {c["name"]: c for c in context.cookies()}
    if javascript:
        assert (cookies["tz"]["value"], cookies["tz"]["sameSite"]) == ("Asia/Tokyo", "Lax")
        assert_accessible(page)
    else:
        assert "tz" not in cookies
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    saved = LearnerProfile.objects.get(user=learner).time_zone
    assert saved == ("Asia/Tokyo" if javascript else "")
    context.close()
    assert errors == []
