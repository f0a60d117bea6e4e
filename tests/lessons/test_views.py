from __future__ import annotations

import json
from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from tests.factories import build_matrix

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


class TestMatrix:
    url = "/matrix/"

    def test_every_cell_is_labelled_in_text_not_only_coloured(self, client, shipped_content):
        response = client.get(self.url)
        html = response.content.decode()
        assert response.status_code == 200
        assert html.count('class="cell cell--') == 130
        # Each cell carries its owner's name as text.
        for label in ("AWS</span>", "Customer</span>"):
            assert label in html
        assertContains(response, "Key to owners")

    def test_columns_run_from_ec2_to_the_most_abstracted(self, client, shipped_content):
        html = client.get(self.url).content.decode()
        assert html.index(">EC2</a>") < html.index(">Lambda</a>") < html.index(">WorkSpaces</a>")

    def test_rows_run_from_top_of_stack_down_to_the_data_centre(self, client, shipped_content):
        html = client.get(self.url).content.decode()
        assert html.index("Logging and monitoring") < html.index("Physical facilities")

    def test_service_headings_work_with_and_without_javascript(self, client, shipped_content):
        response = client.get(self.url)
        assertContains(response, 'href="/matrix/lambda/"')
        assertContains(response, 'hx-get="/matrix/lambda/"')

    def test_narrow_screens_get_a_picker_linking_every_service(self, client, shipped_content):
        html = client.get(self.url).content.decode()
        start = html.index('<nav class="service-picker matrix-picker"')
        picker = html[start : html.index("</nav>", start)]
        for slug in ("ec2", "lambda", "s3", "iam", "workspaces"):
            # A real link first (works without JavaScript), loaded in place with htmx.
            assert f'href="/matrix/{slug}/"' in picker
            assert f'hx-get="/matrix/{slug}/"' in picker
        assert picker.count("<li>") == 10

    @pytest.mark.parametrize("services", [10, 40])
    def test_query_count_does_not_grow_with_services(
        self, client, django_assert_max_num_queries, services
    ):
        build_matrix(services=services, layers=13)
        with django_assert_max_num_queries(3):
            response = client.get(self.url)
        assert response.status_code == 200
        assert response.content.decode().count('class="cell cell--') == services * 13


class TestServiceStack:
    def url(self, slug="ec2"):
        return reverse("lessons:matrix_service", kwargs={"slug": slug})

    def test_plain_request_gets_the_whole_page(self, client, shipped_content):
        response = client.get(self.url())
        assert response.status_code == 200
        assertContains(response, "<html")
        assertContains(response, "Who secures what on Amazon EC2")
        assertTemplateUsed(response, "lessons/service_detail.html")

    def test_htmx_request_gets_only_the_stack_fragment(self, client, shipped_content):
        response = client.get(self.url(), headers=HX)
        assert response.status_code == 200
        assert response.template_name == "lessons/service_detail.html#service-stack"
        assertNotContains(response, "<html")
        assertContains(response, 'id="service-stack"')
        assert response["Vary"] and "HX-Request" in response["Vary"]

    def test_stack_lists_every_layer_bottom_last_with_both_sides(self, client, shipped_content):
        html = client.get(self.url(), headers=HX).content.decode()
        assert html.count('class="stack__layer ') == 13
        assert html.index("Logging and monitoring") < html.index("Physical facilities")
        assert html.count("<dt>AWS</dt>") == 13 and html.count("<dt>You</dt>") == 13

    def test_ec2_line_falls_at_the_guest_operating_system(self, client, shipped_content):
        response = client.get(self.url("ec2"), headers=HX)
        assert response.context["line"].layer.slug == "guest-os"
        assertContains(response, "The line of responsibility", count=1)

    def test_lambda_line_sits_higher_than_ec2(self, client, shipped_content):
        ec2 = client.get(self.url("ec2"), headers=HX).context["line"].layer.position
        lam = client.get(self.url("lambda"), headers=HX).context["line"].layer.position
        assert lam > ec2

    def test_unknown_service_is_a_friendly_404(self, client, shipped_content):
        response = client.get(self.url("mainframe"))
        assert response.status_code == 404
        assertContains(response, "We couldn’t find that page", status_code=404)
        assertTemplateUsed(response, "404.html")

    @pytest.mark.parametrize("services", [10, 40])
    def test_query_count_is_fixed(self, client, django_assert_max_num_queries, services):
        rows, _ = build_matrix(services=services, layers=13)
        with django_assert_max_num_queries(3):
            response = client.get(rows[-1].get_absolute_url())
        assert response.status_code == 200


class TestCompare:
    url = "/matrix/compare/"

    def test_marks_the_layers_whose_owner_differs(self, client, shipped_content):
        response = client.get(self.url, {"a": "ec2", "b": "lambda"})
        assert response.status_code == 200
        differing = [row.layer.slug for row in response.context["comparison"] if row.differs]
        assert "guest-os" in differing
        assert "physical-facilities" not in differing
        assertContains(response, '<strong class="differs">', count=len(differing))
        assertContains(response, f"<strong>{len(differing)} of 13</strong>")

    def test_every_cell_names_its_service_for_the_stacked_phone_layout(
        self, client, shipped_content
    ):
        response = client.get(self.url, {"a": "ec2", "b": "lambda"})
        assertContains(response, '<span class="compare__label">EC2</span>', count=13)
        assertContains(response, '<span class="compare__label">Lambda</span>', count=13)

    def test_without_a_choice_shows_the_form_only(self, client, shipped_content):
        response = client.get(self.url, {"a": "rds"})
        assert response.status_code == 200
        assert response.context["comparison"] is None
        assertContains(response, '<option value="rds" selected>')

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"a": "ec2", "b": "mainframe"}, "is not a service in the matrix"),
            ({"a": "ec2", "b": "ec2"}, "Pick two different services"),
            ({"a": "", "b": "s3"}, "This field is required"),
        ],
    )
    def test_bad_choice_gets_a_clear_message(self, client, shipped_content, params, message):
        response = client.get(self.url, params)
        assert response.status_code == 400
        assertContains(response, message, status_code=400)
        assert response.context["comparison"] is None

    def test_htmx_request_gets_the_comparison_fragment(self, client, shipped_content):
        response = client.get(self.url, {"a": "ec2", "b": "s3"}, headers=HX)
        assert response.template_name == "lessons/matrix_compare.html#comparison"
        assertNotContains(response, "<html")

    @pytest.mark.parametrize("services", [10, 40])
    def test_query_count_is_fixed(self, client, django_assert_max_num_queries, services):
        rows, _ = build_matrix(services=services, layers=13)
        with django_assert_max_num_queries(3):
            response = client.get(self.url, {"a": rows[0].slug, "b": rows[-1].slug})
        assert response.status_code == 200


class TestMatrixJson:
    def test_shape_matches_the_documented_contract(self, client, shipped_content):
        response = client.get("/matrix.json")
        assert response["Content-Type"] == "application/json"
        data = json.loads(response.content)
        assert set(data) == {"services", "layers", "cells"}
        assert set(data["services"][0]) == {"slug", "name"}
        assert set(data["layers"][0]) == {"slug", "name", "position"}
        assert set(data["cells"][0]) == {"service", "layer", "owner"}
        assert len(data["cells"]) == len(data["services"]) * len(data["layers"]) == 130
        assert {c["owner"] for c in data["cells"]} <= {"aws", "customer", "shared", "n/a"}

    @pytest.mark.parametrize("services", [10, 40])
    def test_query_count_is_fixed(self, client, django_assert_max_num_queries, services):
        build_matrix(services=services, layers=13)
        with django_assert_max_num_queries(3):
            response = client.get("/matrix.json")
        assert response.status_code == 200
        assert len(response.json()["services"]) == services


class TestHome:
    def test_links_to_the_matrix(self, client, shipped_content, django_assert_max_num_queries):
        with django_assert_max_num_queries(2):
            response = client.get("/")
        assertContains(response, 'href="/matrix/"')
        assertContains(response, "Amazon EC2")


class TestHealthz:
    def test_ok_when_the_database_answers(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.content == b"ok"

    def test_503_when_the_database_does_not(self, client):
        with mock.patch("srm_site.views.connection.cursor", side_effect=DatabaseError("down")):
            response = client.get("/healthz")
        assert response.status_code == 503


class TestSecurityHeaders:
    def test_strict_content_security_policy_on_every_page(self, client, shipped_content):
        policy = client.get("/matrix/")["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy

    def test_pages_carry_no_inline_script(self, client, shipped_content):
        for url in ("/", "/matrix/", "/matrix/ec2/", "/matrix/compare/?a=ec2&b=s3"):
            html = client.get(url).content.decode()
            for tag in html.split("<script")[1:]:
                assert " src=" in tag.split(">")[0], f"inline script on {url}"

    def test_csrf_token_reaches_htmx_through_hx_headers(self, client, shipped_content):
        assertContains(client.get("/matrix/"), 'hx-headers=\'{"x-csrftoken": "')

    def test_server_error_page_never_shows_debug_details(self, client, settings):
        settings.DEBUG = False
        client.raise_request_exception = False
        with mock.patch("lessons.views.Service.objects.all", side_effect=RuntimeError("secret")):
            response = client.get("/")
        assert response.status_code == 500
        assertContains(response, "Something went wrong on our side", status_code=500)
        assertNotContains(response, "secret", status_code=500)
