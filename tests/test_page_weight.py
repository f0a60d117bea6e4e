"""Page weight: what a learner downloads for each main page, compressed, stays small.

Django's test client doesn't compress, so the figure is computed: the gzip size
of the page's HTML plus the gzip size of every same-origin stylesheet and script
the page links (read from the static files, as whitenoise would serve them
pre-compressed). Run with `-s` to see the figures.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from quizzes.exams.attempts import attempt_answer, attempt_start, attempt_submit
from quizzes.models import ExamBlueprint

pytestmark = pytest.mark.django_db

BUDGET = 60 * 1024  # bytes, gzipped, per page with its CSS and JS

ASSET = re.compile(
    r"<link\b[^>]*\brel=\"stylesheet\"[^>]*\bhref=\"([^\"]+)\""
    r"|<script\b[^>]*\bsrc=\"([^\"]+)\""
)


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def linked_assets(html: str) -> list[str]:
    """Same-origin stylesheets and scripts the page links, as static paths."""
    urls = [href or src for href, src in ASSET.findall(html)]
    assert urls, "a page links at least its stylesheet"
    assets = []
    for url in urls:
        assert not url.startswith(("http:", "https:", "//")), f"{url} is not same-origin"
        assert url.startswith("/" + settings.STATIC_URL.strip("/") + "/"), url
        assets.append(url.split("?")[0].removeprefix("/" + settings.STATIC_URL.lstrip("/")))
    return assets


def page_weight(client, url: str) -> tuple[int, int, dict[str, int]]:
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200, (url, response.status_code)
    html = response.content
    assets = {}
    for path in linked_assets(html.decode()):
        found = finders.find(path)
        assert found, f"{path} is linked but isn't a static file"
        assets[path] = gz(Path(found).read_bytes())
    return gz(html), gz(html) + sum(assets.values()), assets


@pytest.fixture
def finished_and_live(shipped_content, user):
    """A finished full simulation (for its result page) and a live one (for a question)."""
    blueprint = ExamBlueprint.objects.get(slug="full-simulation")
    done = attempt_start(user=user, blueprint=blueprint).attempt
    for item in done.items.all()[:20]:
        attempt_answer(
            attempt=done, item=item, selected=[item.snapshot["choices"][0]["id"]], flagged=False
        )
    attempt_submit(attempt=done)
    live = attempt_start(user=user, blueprint=blueprint).attempt
    assert live.items.count() == 65
    return done, live


def test_main_pages_stay_under_60_kb_gzipped(auth_client, finished_and_live, capsys):
    from lessons.models import Lesson

    done, live = finished_and_live
    lesson = Lesson.objects.published().order_by("-position").first()  # the longest path
    pages = {
        "home": "/",
        "lesson": lesson.get_absolute_url(),
        "matrix": "/matrix/",
        "exam question": f"/attempts/{live.pk}/q/1/",
        "result": f"/attempts/{done.pk}/result/",
    }
    rows = []
    for name, url in pages.items():
        html, total, assets = page_weight(auth_client, url)
        rows.append((name, url, html, total, assets))
    with capsys.disabled():
        print("\nPage weight (gzip -9): HTML + same-origin CSS/JS it links")
        for name, url, html, total, assets in rows:
            linked = ", ".join(f"{Path(p).name} {size / 1024:.1f}" for p, size in assets.items())
            print(
                f"  {name:<14} {url:<40} HTML {html / 1024:5.1f} KB"
                f"  total {total / 1024:5.1f} KB  ({linked})"
            )
    for name, url, _, total, _ in rows:
        assert total < BUDGET, f"{name} ({url}) weighs {total / 1024:.1f} KB gzipped"
