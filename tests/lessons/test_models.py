from __future__ import annotations

import pytest
from django.db import IntegrityError

from lessons.models import Responsibility
from tests.factories import LayerFactory, ResponsibilityFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_one_responsibility_per_service_and_layer():
    cell = ResponsibilityFactory()
    with pytest.raises(IntegrityError):
        ResponsibilityFactory(service=cell.service, layer=cell.layer)


def test_owner_must_be_a_known_value():
    with pytest.raises(IntegrityError):
        ResponsibilityFactory(owner="amazon")


def test_rows_are_found_again_by_their_natural_keys():
    cell = ResponsibilityFactory(
        service=ServiceFactory(slug="ec2"), layer=LayerFactory(slug="guest-os")
    )
    assert Responsibility.objects.get_by_natural_key("ec2", "guest-os") == cell
    assert cell.natural_key() == ("ec2", "guest-os")


def test_not_applicable_owner_has_a_css_safe_name():
    assert ResponsibilityFactory(owner="n/a").owner_css == "na"
