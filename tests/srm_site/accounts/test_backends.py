"""Signing in through Django's own ModelBackend (behind django-axes)."""

from __future__ import annotations

from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # UserFactory's
LOGIN = "/accounts/login/"
DJANGO_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in_as(client: Client) -> str | None:
    response = client.get("/accounts/profile/")
    return response.context["user"].get_username() if response.status_code == 200 else None


def session_through(client: Client, user: User, backend: str) -> None:
    session = client.session
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()


def test_signing_in_stores_djangos_backend_and_keeps_the_learner_signed_in(client, user):
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == DJANGO_MODEL_BACKEND
    assert signed_in_as(client) == user.username


def test_signing_up_signs_in_through_djangos_backend(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newcomer",
            "email": "newcomer@example.com",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == DJANGO_MODEL_BACKEND
    assert signed_in_as(client) == "newcomer"


def test_a_session_from_the_retired_project_backend_just_signs_in_again(client, user):
    """srm_site.backends is gone: its sessions read as signed out, never as an error."""
    session_through(client, user, "srm_site.backends.ModelBackend")
    assert signed_in_as(client) is None
    assert client.get("/lessons/").status_code == 200


def test_a_wrong_password_is_checked_once_and_counted_once(client, user):
    with mock.patch.object(User, "check_password", autospec=True, return_value=False) as check:
        response = client.post(LOGIN, {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert check.call_count == 1  # one password backend, so one hash per attempt
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 1
    assert signed_in_as(client) is None
