from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from lessons.models import Owner, Responsibility
from quizzes.models import PracticeAnswer
from quizzes.practice.classify import classify_grade, classify_rows, classify_services
from quizzes.practice.questions import AnswerError
from tests.factories import LayerFactory, ResponsibilityFactory, ServiceFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
OWNERS = [Owner.AWS, Owner.CUSTOMER, Owner.SHARED, Owner.NOT_APPLICABLE]


def make_stack(layers: int = 4, slug: str = "svc"):
    """A service whose layers cycle through aws, customer, shared, n/a (top layer first)."""
    service = ServiceFactory(slug=slug, name=f"Service {slug}", short_name=slug.upper())
    # Created top-down so id order differs from stack order.
    for i in reversed(range(layers)):
        ResponsibilityFactory(
            service=service,
            layer=LayerFactory(),
            owner=OWNERS[i % len(OWNERS)],
            aws_part=f"Provider keeps {slug} item {i} safe",
            customer_part=f"Tenant handles {slug} item {i}",
        )
    return service


def url(service) -> str:
    return f"/practice/classify/{service.slug}/"


def right_answers(rows) -> dict[str, str]:
    return {f"owner-{cell.pk}": cell.owner for cell in rows}


@pytest.fixture
def service():
    return make_stack()


@pytest.fixture
def rows(service):
    return classify_rows(service=service)


class TestRows:
    def test_skips_not_applicable_and_orders_bottom_up(self, service, django_assert_num_queries):
        with django_assert_num_queries(1):
            rows = classify_rows(service=service)
            names = [(cell.layer.name, cell.service.slug) for cell in rows]
        assert len(names) == 3
        assert [cell.layer.position for cell in rows] == sorted(c.layer.position for c in rows)
        assert all(cell.owner != Owner.NOT_APPLICABLE for cell in rows)

    def test_services_listed_only_when_they_have_something_to_sort(self, service):
        empty = ServiceFactory(slug="all-na")
        ResponsibilityFactory(service=empty, owner=Owner.NOT_APPLICABLE)
        assert list(classify_services()) == [service]


class TestGrade:
    def test_counts_right_and_wrong_rows(self, rows):
        answers = {cell.pk: cell.owner for cell in rows}
        answers[rows[0].pk] = Owner.SHARED if rows[0].owner != Owner.SHARED else Owner.AWS
        result = classify_grade(user=AnonymousUser(), rows=rows, answers=answers)
        assert (result.right, result.total, result.all_right) == (2, 3, False)
        first = result.duties[0]
        assert not first.correct
        assert first.cell == rows[0]
        assert first.chosen_label in ("AWS", "Shared")
        assert all(duty.correct for duty in result.duties[1:])

    def test_stores_one_practice_answer_per_row(self, rows, user, django_assert_num_queries):
        answers = {str(cell.pk): cell.owner for cell in rows}
        answers[str(rows[1].pk)] = Owner.AWS if rows[1].owner != Owner.AWS else Owner.CUSTOMER
        with django_assert_num_queries(3):  # savepoint, one INSERT, release
            classify_grade(user=user, rows=rows, answers=answers)
        stored = PracticeAnswer.objects.order_by("cell__layer__position")
        assert [a.cell_id for a in stored] == [cell.pk for cell in rows]
        assert {a.topic for a in stored} == {"classify"}
        assert {a.user_id for a in stored} == {user.pk}
        assert [a.selected for a in stored] == [[answers[str(c.pk)]] for c in rows]
        assert [a.correct for a in stored] == [True, False, True]

    def test_guest_answers_are_stored_without_a_user(self, rows):
        classify_grade(user=AnonymousUser(), rows=rows, answers={c.pk: c.owner for c in rows})
        assert PracticeAnswer.objects.filter(user=None, correct=True).count() == 3

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (
                lambda a, rows, other: a.pop(rows[0].pk),
                "Sort every duty before checking (1 left).",
            ),
            (lambda a, rows, other: a.clear(), "Sort every duty before checking (3 left)."),
            (
                lambda a, rows, other: a.update({rows[1].pk: ""}),
                "Sort every duty before checking (1 left).",
            ),
            (
                lambda a, rows, other: a.update({rows[1].pk: "n/a"}),
                "Put each duty under AWS, Customer or Shared.",
            ),
            (
                lambda a, rows, other: a.update({rows[2].pk: "nobody"}),
                "Put each duty under AWS, Customer or Shared.",
            ),
            (
                lambda a, rows, other: a.update({999999: "aws"}),
                "That sheet lists a duty this service doesn’t have.",
            ),
            (
                lambda a, rows, other: a.update({"abc": "aws"}),
                "That sheet lists a duty this service doesn’t have.",
            ),
            (
                lambda a, rows, other: a.update({other.pk: "aws"}),
                "That sheet lists a duty this service doesn’t have.",
            ),
        ],
    )
    def test_bad_sheet_is_refused_and_nothing_stored(self, rows, change, message):
        other = classify_rows(service=make_stack(slug="other"))[0]
        answers = {cell.pk: cell.owner for cell in rows}
        change(answers, rows, other)
        with pytest.raises(AnswerError, match=re.escape(message)):
            classify_grade(user=AnonymousUser(), rows=rows, answers=answers)
        assert not PracticeAnswer.objects.exists()

    def test_service_with_nothing_to_sort_is_refused(self):
        with pytest.raises(AnswerError, match="no duties"):
            classify_grade(user=AnonymousUser(), rows=[], answers={})


class TestHome:
    def test_lists_services_to_choose(self, client, service, django_assert_max_num_queries):
        with django_assert_max_num_queries(3):
            response = client.get("/practice/classify/")
        assertContains(response, f'href="{url(service)}"')
        assertContains(response, "<h1>Sort the duties</h1>", html=True)

    def test_practice_home_links_to_it(self, client):
        assertContains(client.get("/practice/"), 'href="/practice/classify/"')


class TestBoard:
    def test_shows_a_labelled_select_per_duty(self, client, service, rows):
        response = client.get(url(service))
        assert response.status_code == 200
        for cell in rows:
            assertContains(response, f'<select name="owner-{cell.pk}" id="owner-{cell.pk}">')
            assertContains(response, f'<label for="owner-{cell.pk}">')
            assertContains(response, escape(cell.layer.description))
        assertContains(response, '<option value="">Choose…</option>', count=3)
        assertContains(response, 'method="post"')
        assertContains(response, "js/classify.js")

    def test_answers_are_not_in_the_page_before_checking(self, client, service, rows):
        response = client.get(url(service))
        html = response.content.decode()
        for cell in Responsibility.objects.filter(service=service):
            assert escape(cell.aws_part) not in html
            assert escape(cell.customer_part) not in html
        assertNotContains(response, " selected")
        assertNotContains(response, "owner--na")
        # Every duty's markup is the same once its own id and texts are taken out.
        blocks = re.findall(r'<li class="duty".*?</li>', html, re.S)
        assert len(blocks) == 3
        shapes = set()
        for block, cell in zip(blocks, rows, strict=True):
            texts = (escape(cell.layer.description), cell.layer.name, cell.layer.name.lower())
            for text in texts:
                block = block.replace(text, "X")
            block = re.sub(rf"-{cell.pk}\b", "-X", block)
            shapes.add(re.sub(r'data-order="\d+"', "", block))
        assert len(shapes) == 1

    def test_the_header_marks_practice_as_the_current_section(self, client, service, rows):
        assertContains(client.get(url(service)), '<a href="/practice/" aria-current="page">')

    def test_unknown_service_is_404(self, client):
        assert client.get("/practice/classify/nope/").status_code == 404
        assert client.post("/practice/classify/nope/", {}).status_code == 404

    def test_other_methods_are_refused(self, client, service):
        assert client.put(url(service)).status_code == 405
        assert client.post("/practice/classify/").status_code == 405

    @pytest.mark.parametrize("layers", [4, 13])
    def test_get_query_count_is_fixed(self, auth_client, django_assert_max_num_queries, layers):
        service = make_stack(layers=layers, slug=f"s{layers}")
        # service, rows, then session, user and the nav's review count for a learner
        with django_assert_max_num_queries(6):
            response = auth_client.get(url(service))
        assert len(response.context["duties"]) == layers - layers // 4


class TestCheck:
    def test_htmx_gets_only_the_results(self, client, service, rows):
        answers = right_answers(rows)
        answers[f"owner-{rows[2].pk}"] = Owner.CUSTOMER
        response = client.post(url(service), answers, headers=HX)
        assert response.status_code == 200
        assert response.template_name == "quizzes/classify.html#results"
        html = response.content.decode()
        assert "<html" not in html
        assert html.strip().startswith('<div id="results"')
        assertContains(response, "2 of 3 right")
        assertContains(response, "Wrong.")
        assertContains(response, "Right.", count=2)
        assertContains(response, "✗", count=1)
        for cell in rows:
            assertContains(response, escape(cell.aws_part))
            assertContains(response, escape(cell.customer_part))
        assertContains(response, f'href="{service.get_absolute_url()}"')
        assertContains(response, 'href="/practice/classify/"')
        assert PracticeAnswer.objects.filter(topic="classify").count() == 3

    def test_plain_post_renders_the_page_with_results_and_choices_kept(
        self, client, service, rows
    ):
        response = client.post(url(service), right_answers(rows))
        assert response.status_code == 200
        assertContains(response, "<html")
        assertContains(response, "3 of 3 right: every duty sorted correctly.")
        for cell in rows:
            assertContains(response, f'<option value="{cell.owner}" selected>')
        assertContains(response, "autofocus")

    def test_plain_post_with_a_gap_is_a_400_that_keeps_the_choices(self, client, service, rows):
        answers = right_answers(rows)
        answers[f"owner-{rows[0].pk}"] = ""
        response = client.post(url(service), answers)
        assert response.status_code == 400
        assertContains(response, "Sort every duty before checking (1 left).", status_code=400)
        assertContains(response, "<html", status_code=400)
        assertContains(response, f'<option value="{rows[1].owner}" selected>', status_code=400)
        assert not PracticeAnswer.objects.exists()

    def test_htmx_bad_input_shows_the_message_in_place(self, client, service, rows):
        answers = right_answers(rows)
        answers[f"owner-{rows[0].pk}"] = "everyone"
        response = client.post(url(service), answers, headers=HX)
        assert response.status_code == 200  # htmx swaps 2xx only
        assert "<html" not in response.content.decode()
        assertContains(response, "Put each duty under AWS, Customer or Shared.")
        assertNotContains(response, "of 3 right")
        assert not PracticeAnswer.objects.exists()

    def test_a_row_of_another_service_is_refused(self, client, service, rows):
        other = classify_rows(service=make_stack(slug="other"))[0]
        answers = {**right_answers(rows), f"owner-{other.pk}": Owner.AWS}
        response = client.post(url(service), answers)
        assertContains(response, "lists a duty this service doesn", status_code=400)
        assert not PracticeAnswer.objects.exists()

    def test_signed_in_answers_belong_to_the_learner(self, auth_client, user, service, rows):
        auth_client.post(url(service), right_answers(rows), headers=HX)
        assert PracticeAnswer.objects.filter(user=user, topic="classify").count() == 3

    @pytest.mark.parametrize("layers", [4, 13])
    def test_post_query_count_is_fixed(self, auth_client, django_assert_max_num_queries, layers):
        service = make_stack(layers=layers, slug=f"s{layers}")
        answers = right_answers(classify_rows(service=service))
        with django_assert_max_num_queries(9):
            response = auth_client.post(url(service), answers, headers=HX)
        assert response.status_code == 200
        assert PracticeAnswer.objects.count() == len(answers)


def test_shipped_matrix_sorts_cleanly(client, shipped_content):
    rows = classify_rows(service=ServiceFactory._meta.model.objects.get(slug="ec2"))
    assert rows
    page = client.get("/practice/classify/ec2/").content.decode()
    for cell in rows:
        assert escape(cell.aws_part) not in page
    response = client.post("/practice/classify/ec2/", right_answers(rows), headers=HX)
    assertContains(response, f"{len(rows)} of {len(rows)} right")
