"""A question card is rendered once per version of the question: an edit shows at once."""

from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_an_edit_to_a_stem_or_choice_shows_on_the_next_visit(client):
    question = QuestionFactory(stem="Who patches the old stem?")
    url = f"/practice/questions/{question.pk}/"
    choice = question.choices.order_by("position").first()
    assertContains(client.get(url), "Who patches the old stem?")
    assertContains(client.get(url), choice.text)  # now from the cache

    question.stem = "Who patches the new stem?"
    question.save()
    choice.text = "A freshly edited choice"
    choice.save()
    response = client.get(url)
    assertContains(response, "Who patches the new stem?")
    assertContains(response, "A freshly edited choice")
    assertNotContains(response, "Who patches the old stem?")


def test_each_question_has_its_own_card(client):
    first, second = QuestionFactory(stem="First stem here"), QuestionFactory(stem="Second stem")
    assertContains(client.get(f"/practice/questions/{first.pk}/"), "First stem here")
    response = client.get(f"/practice/questions/{second.pk}/")
    assertContains(response, "Second stem")
    assertContains(response, f'value="{second.pk}"')
    assertNotContains(response, "First stem here")


def test_an_error_is_shown_with_the_card_and_gone_on_the_next_one(client):
    question = QuestionFactory()
    refused = client.post(
        "/practice/answer", {"question": question.pk, "topic": "mixed"}, HTTP_HX_REQUEST="true"
    )
    assertContains(refused, "Choose an answer before checking it.")  # htmx: 200, swapped in
    assertNotContains(
        client.get(f"/practice/questions/{question.pk}/"), "Choose an answer before checking it."
    )
