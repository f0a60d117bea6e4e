"""Ten wrong passwords for one username from one address pause logging in as it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.helpers import get_cool_off
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.security.html import executable_markup

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LOGIN = reverse("login")


def log_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def fail(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        log_in(client, username, "wrong-password")


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


def test_the_limit_is_ten_failures_for_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 10
    assert get_cool_off() == timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_ten_wrong_passwords_lock_out_even_the_right_one(client, clock):
    user = UserFactory()
    fail(client, user.username, 9)
    assert log_in(client, user.username, "wrong-password").status_code == 429
    response = log_in(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "Logging in is paused" in html
    assert "try again in 15 minutes" in html
    assert "Traceback" not in html
    assert executable_markup(html) == []
    assert response["Content-Security-Policy"]


def test_nine_wrong_passwords_still_let_the_right_one_in(client, clock):
    user = UserFactory()
    fail(client, user.username, 9)
    response = log_in(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_a_success_resets_the_count(clock):
    user = UserFactory()
    client = Client()
    fail(client, user.username, 9)
    assert log_in(client, user.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    fail(client, user.username, 9)
    assert log_in(client, user.username, PASSWORD).status_code == 302


def test_other_usernames_and_addresses_are_unaffected(client, clock):
    locked, other = UserFactory(), UserFactory()
    fail(client, locked.username, 10)
    assert log_in(client, other.username, PASSWORD).status_code == 302
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert log_in(elsewhere, locked.username, PASSWORD).status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, clock):
    user = UserFactory()
    fail(client, user.username, 10)
    clock.shift(timedelta(minutes=14))
    assert log_in(client, user.username, PASSWORD).status_code == 429
    # That try restarted the wait, as the page says.
    clock.shift(timedelta(minutes=16))
    assert log_in(client, user.username, PASSWORD).status_code == 302


def test_the_admin_login_is_locked_too(client, clock):
    user = UserFactory(is_staff=True)
    admin_login = reverse("admin:login")
    for _ in range(10):
        client.post(admin_login, {"username": user.username, "password": "nope"})
    response = client.post(admin_login, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429


PROXY = "10.0.0.5"  # the TLS proxy every request arrives from


def behind_proxy(client_address: str, spoofed: str = "") -> Client:
    """A learner's browser behind one proxy that appends the address it saw."""
    forwarded = f"{spoofed}, {client_address}" if spoofed else client_address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def test_behind_a_proxy_the_lock_is_per_learner_address(settings, clock):
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory()
    attacker = behind_proxy("198.51.100.7")
    fail(attacker, user.username, 10)
    assert log_in(attacker, user.username, PASSWORD).status_code == 429
    # The real learner, through the same proxy from home, still gets in.
    assert log_in(behind_proxy("203.0.113.9"), user.username, PASSWORD).status_code == 302


def test_a_forged_forwarded_for_does_not_dodge_the_lock(settings, clock):
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory()
    fail(behind_proxy("198.51.100.7"), user.username, 10)
    forged = behind_proxy("198.51.100.7", spoofed="192.0.2.1")
    assert log_in(forged, user.username, PASSWORD).status_code == 429


def test_without_proxies_the_header_is_ignored(client, clock):
    user = UserFactory()
    fail(client, user.username, 10)
    # Without TRUSTED_PROXY_COUNT a client-written X-Forwarded-For changes nothing.
    forged = Client(HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert log_in(forged, user.username, PASSWORD).status_code == 429
