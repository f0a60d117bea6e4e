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


# Phone, laptop and wide desktop: each must fit the page and reach every service.
VIEWPORTS = [
    pytest.param(390, 844, id="phone-390"),
    pytest.param(1280, 900, id="desktop-1280"),
    pytest.param(1440, 900, id="desktop-1440"),
]


def _new_page(browser, width: int, height: int):
    touch = width < 600
    # Not is_mobile: mobile emulation zooms out to fit a too-wide page, hiding overflow.
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=touch)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _services() -> list[tuple[str, str, str]]:
    from lessons.models import Service

    return list(Service.objects.values_list("slug", "short_name", "name"))


def _page_overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth"
        " - Math.min(window.innerWidth, document.documentElement.clientWidth)"
    )


def _is_on_screen_and_uncovered(locator) -> bool:
    """The element sits inside the viewport and is the thing a tap at its centre hits.

    Checked without scrolling sideways, so a column cut off inside a scrolling
    region, or hidden under a sticky column, counts as unreachable.
    """
    return locator.evaluate(
        """el => {
            window.scrollBy(0, el.getBoundingClientRect().top - window.innerHeight / 2);
            const r = el.getBoundingClientRect();
            // A link wrapped onto two lines is hit on its first line, not between them.
            const first = el.getClientRects()[0];
            if (r.width === 0 || r.left < 0 || r.right > window.innerWidth) return false;
            const hit = document.elementFromPoint(
                first.left + first.width / 2, first.top + first.height / 2
            );
            return hit !== null && (hit === el || el.contains(hit));
        }"""
    )


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
@pytest.mark.parametrize("path", ["/matrix/", "/matrix/compare/?a=ec2&b=lambda"])
def test_matrix_pages_never_scroll_the_page_sideways(browser, site, path, width, height):
    context, page = _new_page(browser, width, height)
    page.goto(f"{site}{path}")
    assert _page_overflow(page) <= 0
    context.close()


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_every_service_is_in_view_and_opens_its_stack(browser, site, width, height):
    context, page = _new_page(browser, width, height)
    page.goto(f"{site}/matrix/")
    services = _services()
    assert len(services) == 10
    for slug, short_name, name in services:
        link = page.locator(f'main a[href="/matrix/{slug}/"]:visible')
        assert link.count() == 1, short_name
        assert link.inner_text().strip() == short_name
        assert _is_on_screen_and_uncovered(link), f"{short_name} is cut off or covered"
        if width < 600:
            link.tap()
        else:
            link.click()
        page.get_by_role("heading", name=f"{name}, layer by layer").wait_for()
        assert page.url.endswith(f"/matrix/{slug}/")
        assert page.locator("#service-stack .stack__layer").count() == 13
        assert _page_overflow(page) <= 0
        # The one shown is marked, and only that one.
        current = page.locator('main a[hx-target="#service-panel"][aria-current]')
        assert {current.nth(i).get_attribute("href") for i in range(current.count())} == {
            f"/matrix/{slug}/"
        }
    context.close()


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (1440, 900)])
def test_desktop_grid_shows_all_ten_columns_without_hidden_overflow(browser, site, width, height):
    context, page = _new_page(browser, width, height)
    page.goto(f"{site}/matrix/")
    region = page.locator(".table-scroll")
    assert region.is_visible()
    # Nothing is cut off inside the table's own scrolling region either.
    assert region.evaluate("el => el.scrollWidth - el.clientWidth") <= 0
    assert page.locator("table.matrix thead a:visible").count() == 10
    # No heading or badge spills out of its cell into the next column.
    spills = page.evaluate(
        """[...document.querySelectorAll('table.matrix thead a, table.matrix td .owner')]
            .filter(el => {
                const inner = el.getBoundingClientRect();
                const cell = el.closest('th, td').getBoundingClientRect();
                return inner.left < cell.left || inner.right > cell.right;
            })
            .map(el => el.textContent.trim())"""
    )
    assert spills == []
    # Every cell still names its owner in words, not only by colour.
    badges = page.locator("td.cell .owner")
    assert badges.count() == 130
    for text in badges.all_inner_texts():
        assert text.strip() in {"AWS", "Customer", "Shared", "N/A"}
    context.close()


def test_phone_service_picker_works_with_javascript_off(browser, site):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"{site}/matrix/")
    page.locator('main a[href="/matrix/iam/"]:visible').click()
    page.wait_for_url("**/matrix/iam/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Who secures what on AWS Identity and Access Management (IAM)"
    )
    context.close()


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_comparison_owners_stay_readable(browser, site, width, height):
    context, page = _new_page(browser, width, height)
    page.goto(f"{site}/matrix/compare/?a=ec2&b=lambda")
    for select in page.locator(".compare-form select").all():
        assert _is_on_screen_and_uncovered(select)
        assert select.locator("option").count() == 10
    owners = page.locator("table.compare td .owner")
    assert owners.count() == 26
    texts = page.locator("table.compare td .compare__text")
    for index in range(texts.count()):
        box = texts.nth(index).bounding_box()
        # Not a one-character column: each explanation gets room for a few words.
        assert box["width"] >= 140
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    for index in range(owners.count()):
        box = owners.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    context.close()


@pytest.mark.parametrize("path", ["/matrix/", "/matrix/compare/?a=ec2&b=lambda"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_layout_has_no_serious_accessibility_violations(browser, site, path, scheme):
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{site}{path}")
    assert_accessible(page)
    context.close()
