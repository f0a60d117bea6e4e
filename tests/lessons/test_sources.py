"""Every fact names the AWS page behind it, and learners see it once they have answered."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from lessons.models import Lesson, Owner, Responsibility
from lessons.sources import is_aws_source
from quizzes.models import Question

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "https://docs.aws.amazon.com/workspaces/latest/adminguide/update-management.html",
        "https://aws.amazon.com/compliance/shared-responsibility-model/",
        "https://repost.aws/knowledge-center/workspaces-windows-os-updates",
    ],
)
def test_aws_pages_are_sources(url):
    assert is_aws_source(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://docs.aws.amazon.com/lambda/",  # not https
        "https://docs.aws.amazon.com.evil.example/lambda/",
        "https://aws.amazon.com@evil.example/",
        "https://user@docs.aws.amazon.com/",
        "https://example.com/?u=https://aws.amazon.com/",
        "javascript:alert(1)",
        "https://[::1/",
        "",
    ],
)
def test_anything_else_is_not(url):
    assert not is_aws_source(url)


def test_every_published_question_cites_an_aws_page(shipped_content):
    bare = []
    for question in Question.objects.published():
        urls = [source.url for source in question.source_list]
        if not urls or not all(is_aws_source(url) for url in urls):
            bare.append(question.ref)
    assert bare == []


def test_every_matrix_cell_cites_an_aws_page(shipped_content):
    cells = Responsibility.objects.select_related("service", "layer")
    assert [str(cell) for cell in cells if not is_aws_source(cell.source_url)] == []
    assert all(cell.source_title.strip() for cell in cells)


def test_workspaces_matches_aws_documentation(shipped_content):
    owners = dict(
        Responsibility.objects.filter(service__slug="workspaces").values_list(
            "layer__slug", "owner"
        )
    )
    # The customer patches the desktop OS and its applications and owns network access.
    assert owners["guest-os"] == Owner.CUSTOMER
    assert owners["application"] == Owner.CUSTOMER
    assert owners["network-config"] == Owner.CUSTOMER
    assert owners["encryption"] == Owner.CUSTOMER
    # AWS runs the streaming and management plane; its 12-hourly snapshots make recovery shared.
    assert owners["platform-runtime"] == Owner.AWS
    assert owners["backup-recovery"] == Owner.SHARED
    lesson = Lesson.objects.get(slug="saas-workspaces")
    assert "**Common misconception:**" in lesson.body
    assert "update-management" in lesson.further_reading or "maintenance" in lesson.further_reading


def test_nothing_shipped_says_aws_manages_almost_everything(shipped_content):
    texts = [*Lesson.objects.values_list("body", flat=True)]
    texts += [f"{c.aws_part} {c.customer_part}" for c in Responsibility.objects.all()]
    texts += [f"{q.stem} {q.explanation}" for q in Question.objects.all()]
    texts += [
        f"{c.text} {c.rationale}"
        for q in Question.objects.prefetch_related("choices")
        for c in q.choices.all()
        if c.is_correct
    ]
    # Only the WorkSpaces lesson's misconception note may name the claim, to correct it.
    said = [text[:80] for text in texts if "manages almost everything" in text.lower()]
    assert len(said) == 1 and said[0] == Lesson.objects.get(slug="saas-workspaces").body[:80]


def test_sources_show_after_answering_not_before(client, shipped_content):
    question = Question.objects.published().get(ref="p-039")
    source = question.source_list[0]
    page = client.get(reverse("quizzes:practice_question", args=[question.pk]))
    assertNotContains(page, source.url)
    key = next(c for c in question.choices.all() if c.is_correct)
    response = client.post(
        reverse("quizzes:practice_answer"),
        {"question": question.pk, "topic": "mixed", "choice": key.pk},
        headers={"HX-Request": "true"},
    )
    assertContains(response, f'href="{source.url}"')
    assertContains(response, "Source")


def test_the_service_stack_shows_each_cells_source(client, shipped_content):
    cell = Responsibility.objects.get_by_natural_key("workspaces", "guest-os")
    page = client.get(reverse("lessons:matrix_service", args=["workspaces"]))
    assertContains(page, f'href="{cell.source_url}"')
    assertContains(page, cell.source_title)
