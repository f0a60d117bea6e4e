from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def duties(slug: str = "ec2") -> list:
    from lessons.models import Service
    from quizzes.classify import classify_rows

    return classify_rows(service=Service.objects.get(slug=slug))


def wrong_owner(owner: str) -> str:
    return "customer" if owner == "aws" else "aws"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_drag_every_duty_into_place_and_check(page, site, scheme):
    from quizzes.models import PracticeAnswer

    rows = duties()
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{site}/practice/classify/ec2/")
    page.evaluate("window.__noReload = true")
    expect(page.locator('[data-zone=""] [data-duty]')).to_have_count(len(rows))
    assert_accessible(page)

    *dragged, last = rows
    for cell in dragged:
        card = page.locator(f"#duty-{cell.pk}")
        card.drag_to(
            page.locator(f'[data-zone="{cell.owner}"] [data-zone-list]'),
            source_position={"x": 12, "y": 12},
        )
        # The card's own select follows the drop.
        expect(page.locator(f"#owner-{cell.pk}")).to_have_value(cell.owner)
        expect(page.locator(f'[data-zone="{cell.owner}"] #duty-{cell.pk}')).to_have_count(1)

    # Keyboard route: the select moves its card into the zone it names.
    page.locator(f"#owner-{last.pk}").select_option(wrong_owner(last.owner))
    expect(page.locator(f'[data-zone="{wrong_owner(last.owner)}"] #duty-{last.pk}')).to_have_count(
        1
    )
    expect(page.locator('[data-zone=""] [data-duty]')).to_have_count(0)

    page.get_by_role("button", name="Check my sorting").click()
    heading = page.locator("#results-title")
    expect(heading).to_contain_text(f"{len(rows) - 1} of {len(rows)} right")
    expect(heading).to_be_focused()
    assert page.evaluate("window.__noReload") is True  # htmx swapped the results in
    expect(page.locator(".result--wrong")).to_have_count(1)
    expect(page.locator(".result--wrong")).to_contain_text("Wrong.")
    expect(page.get_by_role("link", name="Try another service")).to_be_visible()
    assert PracticeAnswer.objects.filter(topic="classify").count() == len(rows)
    assert_accessible(page)


def test_checking_too_soon_says_how_many_are_left(page, site):
    rows = duties()
    page.goto(f"{site}/practice/classify/ec2/")
    page.locator(f"#owner-{rows[0].pk}").select_option(rows[0].owner)
    page.get_by_role("button", name="Check my sorting").click()
    expect(page.get_by_role("alert")).to_have_text(
        f"Sort every duty before checking ({len(rows) - 1} left)."
    )


def test_sorting_works_with_javascript_off(browser, site):
    rows = duties("lambda")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{site}/practice/classify/")
    page.get_by_role("link", name="AWS Lambda").click()
    expect(page.locator('[data-zone="aws"]')).to_be_hidden()
    for cell in rows:
        page.get_by_label(f"Owner of {cell.layer.name.lower()}").select_option(cell.owner)
    page.get_by_role("button", name="Check my sorting").click()
    expect(page.locator("#results-title")).to_contain_text(f"{len(rows)} of {len(rows)} right")
    # The learner's choices are still set on the re-rendered page.
    expect(page.locator(f"#owner-{rows[0].pk}")).to_have_value(rows[0].owner)
    context.close()
