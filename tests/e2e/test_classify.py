from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def duties(slug: str = "ec2") -> list:
    from lessons.models import Service
    from quizzes.practice.classify import classify_rows

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


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
OWNERS = ("aws", "customer", "shared")


def scroll_y(page) -> float:
    return page.evaluate("window.scrollY")


def top_of(locator) -> float:
    return locator.evaluate("el => el.getBoundingClientRect().top")


def hit_in(locator) -> bool:
    """The middle of the element's first line is on screen and the element itself is
    what a pointer there would hit (not clipped by a scrolling box, not covered)."""
    return locator.evaluate(
        """el => {
          const box = el.getBoundingClientRect();
          const x = box.left + Math.min(box.width / 2, 40);
          const y = box.top + Math.min(box.height / 2, 12);
          if (y < 0 || y > innerHeight || x < 0 || x > innerWidth) return false;
          const hit = document.elementFromPoint(x, y);
          return !!hit && el.contains(hit);
        }"""
    )


def press_and_drag(page, card, target) -> None:
    """Pick the card up by its title and carry it to the target, not letting go yet."""
    box = card.locator(".duty__name").bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + box["height"] / 2)
    page.mouse.down()
    aim = target.bounding_box()
    page.mouse.move(aim["x"] + aim["width"] / 2, aim["y"] + min(aim["height"] / 2, 20), steps=8)


def test_on_a_phone_choosing_from_a_list_keeps_the_learner_in_place(page, site):
    rows = duties()
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/practice/classify/ec2/")
    assert_accessible(page)

    # Work down the stack with the thumb: each choice leaves the page where it was,
    # the card where it was, and the focus on the list just used.
    for index, cell in enumerate(rows[:4]):
        select = page.locator(f"#owner-{cell.pk}")
        select.scroll_into_view_if_needed()
        select.focus()
        following = page.locator(f"#duty-{rows[index + 1].pk}")
        before, card_before, next_before = (
            scroll_y(page),
            top_of(page.locator(f"#duty-{cell.pk}")),
            top_of(following),
        )
        select.select_option(cell.owner)
        page.wait_for_timeout(100)
        assert abs(scroll_y(page) - before) < 4
        assert abs(top_of(page.locator(f"#duty-{cell.pk}")) - card_before) < 4
        assert abs(top_of(following) - next_before) < 4
        expect(select).to_be_focused()
        expect(select).to_have_value(cell.owner)
        expect(select).to_be_in_viewport()

    # The counts in the targets follow the choices.
    for owner in OWNERS:
        chosen = sum(cell.owner == owner for cell in rows[:4])
        count = page.locator(f'[data-zone="{owner}"] [data-zone-count]')
        expect(count).to_have_text(f"({chosen})")
    assert_accessible(page)


def test_on_a_phone_a_card_drops_on_a_target_without_scrolling(page, site):
    rows = duties()
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/practice/classify/ec2/")
    first = rows[0]
    card = page.locator(f"#duty-{first.pk}")
    target = page.locator(f'[data-zone="{wrong_owner(first.owner)}"]')
    expect(card).to_be_in_viewport()
    assert hit_in(target.locator(".sort-zone__title"))  # reachable from the top of the page
    start, card_top = scroll_y(page), top_of(card)

    press_and_drag(page, card, target)
    expect(target).to_have_class(re.compile(r"\bsort-zone--over\b"))
    page.mouse.up()

    expect(page.locator(f"#owner-{first.pk}")).to_have_value(wrong_owner(first.owner))
    expect(target.locator("[data-zone-count]")).to_have_text("(1)")
    # The card stays in the stack, where the learner left it.
    expect(page.locator(f'[data-zone=""] #duty-{first.pk}')).to_have_count(1)
    assert abs(scroll_y(page) - start) < 4
    assert abs(top_of(card) - card_top) < 4
    # Further down the stack the targets are still a short drag away.
    later = page.locator(f"#duty-{rows[5].pk}")
    later.evaluate("el => el.scrollIntoView({block: 'center'})")
    at = scroll_y(page)
    assert at > 500
    target = page.locator(f'[data-zone="{rows[5].owner}"]')
    assert hit_in(target.locator(".sort-zone__title"))
    press_and_drag(page, later, target)
    page.mouse.up()
    expect(page.locator(f"#owner-{rows[5].pk}")).to_have_value(rows[5].owner)
    assert abs(scroll_y(page) - at) < 4
    assert_accessible(page)


def test_on_a_desktop_all_three_groups_stay_in_view_while_dragging(page, site):
    rows = duties()
    page.set_viewport_size(DESKTOP)
    page.goto(f"{site}/practice/classify/ec2/")
    # The last three cards of the stack are kept for dragging, so the page has to
    # scroll; the rest are sorted through their lists first, filling the groups up.
    for cell in rows[:-3]:
        page.locator(f"#owner-{cell.pk}").select_option(cell.owner)
    kept = dict(zip(OWNERS, rows[-3:], strict=True))

    for owner, cell in kept.items():
        card = page.locator(f"#duty-{cell.pk}")
        card.scroll_into_view_if_needed()
        target = page.locator(f'[data-zone="{owner}"]')
        press_and_drag(page, card, target)
        for other in OWNERS:
            zone = page.locator(f'[data-zone="{other}"]')
            assert hit_in(zone.locator(".sort-zone__title")), f"{other} is out of view"
        page.mouse.up()
        expect(page.locator(f"#owner-{cell.pk}")).to_have_value(owner)
        expect(target.locator(f"#duty-{cell.pk}")).to_have_count(1)

    expect(page.locator('[data-zone=""] [data-duty]')).to_have_count(0)
    assert_accessible(page)


def test_turning_a_tablet_moves_sorted_cards_between_groups_and_stack(page, site):
    rows = duties()
    page.set_viewport_size(DESKTOP)
    page.goto(f"{site}/practice/classify/ec2/")
    first = rows[0]
    page.locator(f"#owner-{first.pk}").select_option(first.owner)
    expect(page.locator(f'[data-zone="{first.owner}"] #duty-{first.pk}')).to_have_count(1)

    page.set_viewport_size(PHONE)
    expect(page.locator(f'[data-zone=""] #duty-{first.pk}')).to_have_count(1)
    expect(page.locator('[data-zone=""] [data-duty]')).to_have_count(len(rows))
    expect(page.locator(f"#owner-{first.pk}")).to_have_value(first.owner)
    left = page.locator('[data-zone=""] [data-zone-count]')
    expect(left).to_have_text(f"({len(rows) - 1} left)")

    page.set_viewport_size(DESKTOP)
    expect(page.locator(f'[data-zone="{first.owner}"] #duty-{first.pk}')).to_have_count(1)
