"""Passwords: Argon2id at OWASP's minimum for new hashes; old PBKDF2 hashes still work."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher, make_password

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-unusual-passphrase-42"


def argon2_parameters(encoded: str) -> dict[str, int]:
    """'argon2$argon2id$v=19$m=19456,t=2,p=1$…' -> {'m': 19456, 't': 2, 'p': 1}."""
    algorithm, variety, _version, params, *_ = encoded.split("$")
    assert (algorithm, variety) == ("argon2", "argon2id")
    return {key: int(value) for key, value in (pair.split("=") for pair in params.split(","))}


def test_a_new_password_is_hashed_with_argon2id_at_owasps_minimum_or_above(client):
    client.post(
        "/accounts/signup/",
        {
            "username": "fresh",
            "email": "f@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    params = argon2_parameters(get_user_model().objects.get().password)
    assert params["m"] >= 19 * 1024 and params["t"] >= 2 and params["p"] >= 1


def test_an_old_pbkdf2_hash_still_signs_in_and_is_upgraded(client):
    user = get_user_model().objects.create(
        username="veteran", password=make_password(PASSWORD, hasher="pbkdf2_sha256")
    )
    assert identify_hasher(user.password).algorithm == "pbkdf2_sha256"

    response = client.post("/accounts/login/", {"username": "veteran", "password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password(PASSWORD)
    # And the upgraded hash signs in again.
    client.post("/accounts/logout/")
    again = client.post("/accounts/login/", {"username": "veteran", "password": PASSWORD})
    assert again.status_code == 302


def test_a_wrong_password_never_upgrades_or_signs_in(client):
    old = make_password(PASSWORD, hasher="pbkdf2_sha256")
    get_user_model().objects.create(username="veteran", password=old)
    response = client.post("/accounts/login/", {"username": "veteran", "password": "wrong"})
    assert response.status_code == 200
    assert get_user_model().objects.get().password == old
