"""The session store: Django's database sessions with a plain-SQL read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from srm_site.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_site_uses_it_without_redis():
    assert settings.SESSION_ENGINE == "srm_site.accounts.sessions"


def test_a_saved_session_reads_back_whole():
    store = SessionStore()
    store["lessons_done"] = [3, 5]
    store["note"] = "ünïcode ✓"
    store.save()

    again = SessionStore(store.session_key)
    assert again["lessons_done"] == [3, 5]
    assert again["note"] == "ünïcode ✓"
    assert again.session_key == store.session_key


def test_an_expired_session_is_not_read_and_gets_a_new_key():
    store = SessionStore()
    store["secret"] = "old"
    store.save()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    again = SessionStore(store.session_key)
    assert "secret" not in again
    assert again.session_key is None  # saving it creates a fresh row, never the old key


def test_an_unknown_key_is_an_empty_session():
    store = SessionStore("x" * 32)
    assert dict(store.items()) == {}
    assert store.session_key is None


def test_a_learner_stays_signed_in_until_the_session_expires(auth_client, user):
    page = auth_client.get("/dashboard/")
    assert page.status_code == 200
    assert user.get_username() in page.content.decode()

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert auth_client.get("/dashboard/").status_code == 302  # to the login page
