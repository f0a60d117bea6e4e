from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_pick_a_service_and_see_its_stack_without_a_reload(page, site):
    page.goto(f"{site}/matrix/")
    assert page.locator("td.cell").count() == 130
    # A marker on window survives only if the page is not reloaded.
    page.evaluate("window.__noReload = true")
    page.get_by_role("link", name="Lambda", exact=True).click()
    heading = page.get_by_role("heading", name="AWS Lambda, layer by layer")
    heading.wait_for()
    assert page.evaluate("window.__noReload") is True
    assert page.url.endswith("/matrix/lambda/")
    assert page.locator("#service-stack .stack__layer").count() == 13
    # Focus moves to the new content so keyboard and screen-reader users follow.
    assert page.evaluate("document.activeElement.id") == "service-stack-title"


def test_service_link_works_with_javascript_off(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/matrix/")
    page.get_by_role("link", name="EC2", exact=True).click()
    page.wait_for_url("**/matrix/ec2/")
    assert page.get_by_role("heading", level=1).inner_text() == "Who secures what on Amazon EC2"
    assert page.locator(".line-label").count() == 1
    context.close()


def test_compare_two_services_highlights_differences(page, site):
    page.goto(f"{site}/matrix/compare/")
    page.evaluate("window.__noReload = true")
    page.get_by_label("First service").select_option("ec2")
    page.get_by_label("Second service").select_option("lambda")
    page.get_by_role("button", name="Compare").click()
    page.get_by_role("heading", name="Amazon EC2 and AWS Lambda").wait_for()
    differing = page.locator("tr.compare__row--differs")
    assert differing.count() > 0
    # Highlighted rows also say so in words: colour is not the only signal.
    assert differing.count() == page.locator("tr.compare__row--differs strong.differs").count()
    assert page.evaluate("window.__noReload") is True
    assert "a=ec2" in page.url and "b=lambda" in page.url


def test_unknown_service_shows_the_not_found_page(page, site):
    response = page.goto(f"{site}/matrix/mainframe/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "We couldn’t find that page"


@pytest.mark.parametrize(
    "path",
    ["/", "/matrix/", "/matrix/ec2/", "/matrix/compare/?a=ec2&b=lambda", "/matrix/nope/"],
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_have_no_serious_accessibility_violations(page, site, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{site}{path}")
    assert_accessible(page)


def test_matrix_fits_a_phone_without_page_level_sideways_scroll(browser, site):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{site}/matrix/")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    context.close()
