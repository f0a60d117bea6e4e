from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests don't run collectstatic, so the hashed-manifest storage has no manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def shipped_content(db):
    """The content `make run` ships: 13 layers, the services, the matrix, controls."""
    from lessons.services import content_load

    content_load()


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def auth_client(client, user):
    client.force_login(user)
    return client
