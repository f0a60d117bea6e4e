from __future__ import annotations

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from lessons.models import Owner, Responsibility, Service

pytestmark = pytest.mark.django_db


def test_service_page_shows_its_thirteen_layers_inline(admin_client, shipped_content):
    ec2 = Service.objects.get(slug="ec2")
    response = admin_client.get(reverse("admin:lessons_service_change", args=[ec2.pk]))
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.total_form_count() == 13


def test_owner_is_editable_from_the_list(admin_client, shipped_content):
    cell = Responsibility.objects.get_by_natural_key("s3", "encryption")
    changelist = reverse("admin:lessons_responsibility_changelist")
    response = admin_client.get(changelist)
    assertContains(response, 'name="form-0-owner"')
    cells = list(response.context["cl"].result_list)
    index = cells.index(cell)
    data = {
        "form-TOTAL_FORMS": str(len(cells)),
        "form-INITIAL_FORMS": str(len(cells)),
        "_save": "Save",
    }
    for i, row in enumerate(cells):
        data[f"form-{i}-id"] = str(row.pk)
        data[f"form-{i}-owner"] = Owner.SHARED if i == index else row.owner
    response = admin_client.post(changelist, data)
    assert response.status_code == 302
    cell.refresh_from_db()
    assert cell.owner == Owner.SHARED


@pytest.mark.parametrize(
    "url",
    [
        "admin:lessons_layer_changelist",
        "admin:lessons_service_changelist",
        "admin:lessons_responsibility_changelist",
        "admin:lessons_control_changelist",
    ],
)
def test_changelists_search_and_load(admin_client, shipped_content, url):
    response = admin_client.get(reverse(url), {"q": "a"})
    assert response.status_code == 200
