"""Browser tests: Playwright driving Debian's Chromium against a live server.

Never downloads a browser. Without Chromium the tests skip, except under CI=true,
where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail_under_ci

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# fixtures here are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium_path() -> str | None:
    candidates = [os.environ.get("CHROMIUM_PATH"), shutil.which("chromium"), "/usr/bin/chromium"]
    return next((c for c in candidates if c and Path(c).is_file()), None)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    path = _chromium_path()
    if path is None:
        skip_or_fail_under_ci(
            "Chromium not found (apt-get install -y chromium, or set CHROMIUM_PATH)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator:
    """A fresh page that fails the test on any console error (CSP breaches included)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []

    def on_console(msg) -> None:
        # A 404 page is logged as a failed load; sub-resources are checked below.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            errors.append(msg.text)

    def on_response(response) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            errors.append(f"{response.status} for {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", on_response)
    page.set_default_timeout(10_000)
    page.console_errors = errors  # a test that provokes an error on purpose removes it here
    yield page
    context.close()
    assert errors == [], f"browser console errors: {errors}"


@pytest.fixture
def site(live_server, transactional_db, _shipped_rows) -> str:
    """The live server's address, with the shipped content loaded."""
    from tests.conftest import restore_content

    restore_content(_shipped_rows)
    return live_server.url


def assert_accessible(page) -> None:
    """axe-core finds no serious or critical violation on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], "\n".join(bad)


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Poll a JavaScript expression until it is truthy.

    Playwright's `wait_for_function` polls with a string evaluated inside the
    page, which our Content-Security-Policy (no 'unsafe-eval') refuses whenever
    the condition is not already true on the first check; `evaluate` is not
    subject to the page's CSP.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {expression}")
        page.wait_for_timeout(50)


def tick_as_many_as_asked(scope) -> None:
    """Tick as many choices as the question's legend asks for ("Choose 3 answers").

    Bank questions come in random order and ask for one, two or three choices; the
    server refuses an answer with the wrong count, so a test must read the legend as
    a learner would.
    """
    words = scope.locator("legend").first.inner_text().split()
    wanted = int(words[1]) if words[1].isdigit() else 1
    for n in range(wanted):
        scope.locator("input[name=choice]").nth(n).check()
