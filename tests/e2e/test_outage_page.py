"""The page learners see while the database is away (templates/503.html), in a real browser."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from lessons.models import LessonQuerySet
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_outage_page_is_plain_accessible_and_offers_a_retry(page, site, monkeypatch, scheme):
    def refused(self):
        raise OperationalError("unable to open database file")  # SQLite's words; any on PostgreSQL

    monkeypatch.setattr(LessonQuerySet, "published", refused)
    page.emulate_media(color_scheme=scheme)
    response = page.goto(f"{site}/lessons/")
    assert response.status == 503
    assert response.headers["retry-after"] == "5"
    assert page.get_by_role("heading", level=1).inner_text() == "Back in a few seconds"
    assert "unable to open" not in page.content()
    assert_accessible(page)

    monkeypatch.undo()  # the database is back: "Try again" works
    page.get_by_role("link", name="Try again").click()
    page.get_by_role("heading", name="Study path").wait_for()
