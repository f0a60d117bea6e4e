"""How fast one address may post guest answers: past the limit, a clear 429 and nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains

from lessons.models import Owner
from quizzes.models import PracticeAnswer
from tests.factories import LayerFactory, QuestionFactory, ResponsibilityFactory, ServiceFactory

pytestmark = pytest.mark.django_db

LIMIT = 3
HX = {"HX-Request": "true"}
HOME = "203.0.113.7"
NEIGHBOUR = "198.51.100.23"
# The start of a minute: the whole window (60 s) is left to wait.
MINUTE = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TOO_FAST = "You’re answering faster than we can keep up with"
ANSWER = reverse("quizzes:practice_answer")
DRILL = reverse("quizzes:practice_drill_answer")


@pytest.fixture(autouse=True)
def limit(settings):
    settings.GUEST_ANSWER_LIMIT = LIMIT
    settings.GUEST_ANSWER_WINDOW = 60


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(MINUTE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def question():
    return QuestionFactory()


@pytest.fixture
def cell():
    return ResponsibilityFactory(owner=Owner.CUSTOMER)


def answer(client, question, *, ip=HOME, htmx=False, **headers):
    key = question.choices.get(is_correct=True).pk
    data = {"question": question.pk, "choice": key, "topic": "mixed"}
    return client.post(ANSWER, data, REMOTE_ADDR=ip, headers={**(HX if htmx else {}), **headers})


def drill(client, cell, *, ip=HOME, htmx=False):
    data = {"cell": cell.pk, "owner": Owner.CUSTOMER}
    return client.post(DRILL, data, REMOTE_ADDR=ip, headers=HX if htmx else {})


def stored() -> int:
    return PracticeAnswer.objects.count()


def assert_too_fast(response, *, wait: int = 60, next_url: str = "") -> None:
    assert response.status_code == 429
    assert response["Retry-After"] == str(wait)
    assertContains(response, TOO_FAST, status_code=429)
    assertContains(response, f"Wait {wait} seconds", status_code=429)
    login = f"{reverse('login')}?next={quote(next_url, safe='/')}"
    assertContains(response, f'<a href="{escape(login)}">sign in</a>', status_code=429)


class TestPracticeAnswer:
    def test_the_answer_past_the_limit_gets_429_and_is_not_stored(self, client, question):
        for _ in range(LIMIT):
            assert answer(client, question).status_code == 302
        assert stored() == LIMIT

        response = answer(client, question)

        assert_too_fast(response, next_url=f"/practice/questions/{question.pk}/")
        assert stored() == LIMIT
        # The question comes back with the learner's tick, to send again after the wait.
        key = question.choices.get(is_correct=True).pk
        assertContains(response, f'id="choice-{key}" required checked', status_code=429)
        assertContains(response, 'role="alert"', status_code=429)

    def test_htmx_gets_the_card_where_the_feedback_goes(self, client, question):
        for _ in range(LIMIT):
            assert answer(client, question, htmx=True).status_code == 200
        page = f"http://testserver/lessons/{question.lesson.slug}/"

        response = answer(client, question, htmx=True, **{"HX-Current-URL": page})

        assert_too_fast(response, next_url=f"/lessons/{question.lesson.slug}/")
        html = response.content.decode()
        assert html.lstrip().startswith('<div id="question-card"')
        assert "<html" not in html
        assert stored() == LIMIT

    def test_seconds_left_in_the_window(self, client, question, frozen):
        for _ in range(LIMIT):
            answer(client, question)
        frozen.shift(timedelta(seconds=45))
        assert_too_fast(answer(client, question), wait=15, next_url=question_page(question))

    def test_another_address_is_not_affected(self, client, question):
        for _ in range(LIMIT + 1):
            answer(client, question)
        assert answer(client, question, ip=NEIGHBOUR).status_code == 302
        assert stored() == LIMIT + 1

    def test_a_signed_in_learner_is_not_limited(self, auth_client, user, question):
        for _ in range(LIMIT * 3):
            assert answer(auth_client, question).status_code == 302
        assert PracticeAnswer.objects.filter(user=user).count() == LIMIT * 3

    def test_the_window_resets(self, client, question, frozen):
        for _ in range(LIMIT):
            answer(client, question)
        assert answer(client, question).status_code == 429
        frozen.shift(timedelta(seconds=60))
        assert answer(client, question).status_code == 302
        assert stored() == LIMIT + 1

    def test_behind_a_proxy_the_forwarded_address_is_counted(self, client, question, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        proxy = "10.0.0.2"
        for _ in range(LIMIT):
            answer(client, question, ip=proxy, **{"X-Forwarded-For": HOME})
        assert answer(client, question, ip=proxy, **{"X-Forwarded-For": HOME}).status_code == 429
        neighbour = answer(client, question, ip=proxy, **{"X-Forwarded-For": NEIGHBOUR})
        assert neighbour.status_code == 302


def question_page(question) -> str:
    return reverse("quizzes:practice_question", args=[question.pk])


class TestDrillAnswer:
    def test_past_the_limit_429_and_nothing_stored(self, client, cell):
        for _ in range(LIMIT):
            assert drill(client, cell).status_code == 302
        response = drill(client, cell)
        assert_too_fast(response, next_url=reverse("quizzes:practice_drill"))
        assertContains(response, f'name="cell" value="{cell.pk}"', status_code=429)
        assert stored() == LIMIT

    def test_htmx_gets_the_drill_card(self, client, cell):
        for _ in range(LIMIT):
            drill(client, cell, htmx=True)
        response = drill(client, cell, htmx=True)
        assert_too_fast(response, next_url=reverse("quizzes:practice_drill"))
        assert response.content.decode().lstrip().startswith('<div id="question-card"')
        assert stored() == LIMIT

    def test_guest_answers_share_one_allowance_across_practice(self, client, question, cell):
        answer(client, question)
        drill(client, cell)
        answer(client, question)
        assert drill(client, cell).status_code == 429
        assert stored() == LIMIT


class TestClassify:
    @pytest.fixture
    def service(self):
        service = ServiceFactory(slug="svc")
        for owner in (Owner.AWS, Owner.CUSTOMER, Owner.SHARED):
            ResponsibilityFactory(service=service, layer=LayerFactory(), owner=owner)
        return service

    def sort(self, client, service, *, ip=HOME, htmx=False):
        sheet = {f"owner-{cell.pk}": cell.owner for cell in service.responsibilities.all()}
        url = reverse("quizzes:classify", args=[service.slug])
        return client.post(url, sheet, REMOTE_ADDR=ip, headers=HX if htmx else {})

    def test_past_the_limit_429_keeps_the_sheet_and_stores_nothing(self, client, service):
        for _ in range(LIMIT):
            assert self.sort(client, service).status_code == 200
        assert stored() == LIMIT * 3

        response = self.sort(client, service)

        assert_too_fast(response, next_url=reverse("quizzes:classify", args=[service.slug]))
        assertContains(response, 'value="aws" selected', status_code=429)
        assert stored() == LIMIT * 3

    def test_htmx_gets_the_results_box(self, client, service):
        for _ in range(LIMIT):
            self.sort(client, service, htmx=True)
        response = self.sort(client, service, htmx=True)
        assert_too_fast(response, next_url=reverse("quizzes:classify", args=[service.slug]))
        assert response.content.decode().lstrip().startswith('<div id="results"')
        assert stored() == LIMIT * 3

    def test_a_signed_in_learner_is_not_limited(self, auth_client, service):
        for _ in range(LIMIT + 2):
            assert self.sort(auth_client, service).status_code == 200
        assert stored() == (LIMIT + 2) * 3
