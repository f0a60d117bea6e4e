"""The header's main navigation: which section is current, and who sees which links."""

from __future__ import annotations

import re

import pytest

from tests.factories import LessonFactory

pytestmark = pytest.mark.django_db


def nav_links(html: str) -> dict[str, bool]:
    """Each main-nav link's text and whether it is marked as the current page."""
    nav = re.search(r'<ul class="nav">(.*?)</ul>', html, re.S).group(1)
    links = re.findall(r'<a href="[^"]+"( aria-current="page")?>([^<]+)', nav)
    return {label.strip(): bool(current) for current, label in links}


@pytest.mark.parametrize(
    ("url", "current"),
    [
        ("/lessons/", "Lessons"),
        ("/matrix/", "Matrix"),
        ("/practice/", "Practice"),
        ("/practice/classify/", "Practice"),
        ("/exams/", "Exams"),
        ("/dashboard/", "Dashboard"),
        ("/review/", "Review"),
        ("/", None),
    ],
)
def test_the_section_of_the_page_is_marked_current_and_no_other(auth_client, url, current):
    response = auth_client.get(url)
    assert response.status_code == 200
    links = nav_links(response.content.decode())
    assert list(links) == ["Lessons", "Matrix", "Practice", "Exams", "Dashboard", "Review"]
    assert [label for label, is_current in links.items() if is_current] == (
        [current] if current else []
    )


def test_a_lesson_page_is_in_the_lessons_section(auth_client):
    lesson = LessonFactory(published=True)
    links = nav_links(auth_client.get(lesson.get_absolute_url()).content.decode())
    assert links["Lessons"] is True


def test_guests_see_no_learner_only_links(client):
    links = nav_links(client.get("/matrix/").content.decode())
    assert list(links) == ["Lessons", "Matrix", "Practice", "Exams"]
    assert links["Matrix"] is True
