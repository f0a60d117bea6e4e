"""Signing in through srm_site.backends.ModelBackend, and sessions from before it."""

from __future__ import annotations

from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.test import Client

from srm_site.backends import DJANGO_MODEL_BACKEND, MODEL_BACKEND, ModelBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # UserFactory's
LOGIN = "/accounts/login/"


def signed_in_as(client: Client) -> str | None:
    response = client.get("/accounts/profile/")
    return response.context["user"].get_username() if response.status_code == 200 else None


def test_signing_in_stores_this_backend_and_keeps_the_learner_signed_in(client, user):
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == MODEL_BACKEND
    assert signed_in_as(client) == user.username


def test_a_session_signed_in_through_djangos_backend_stays_signed_in(client, user):
    """Sessions from before this backend existed name Django's; they still work."""
    session = client.session
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = DJANGO_MODEL_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    assert signed_in_as(client) == user.username


def test_a_wrong_password_is_checked_once_and_counted_once(client, user):
    with mock.patch.object(User, "check_password", autospec=True, return_value=False) as check:
        response = client.post(LOGIN, {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert check.call_count == 1  # Django's backend, listed after ours, doesn't check again
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 1
    assert signed_in_as(client) is None


def test_get_user_reads_the_user_in_one_query(user, django_assert_num_queries):
    backend = ModelBackend()
    backend.get_user(user.pk)  # the read is compiled on first use
    with django_assert_num_queries(1):
        found = backend.get_user(user.pk)
    assert found == user and found.password == user.password
    assert found.date_joined == user.date_joined


def test_get_user_refuses_unknown_and_inactive_users():
    inactive = UserFactory(is_active=False)
    backend = ModelBackend()
    assert backend.get_user(inactive.pk) is None
    assert backend.get_user(inactive.pk + 1000) is None
