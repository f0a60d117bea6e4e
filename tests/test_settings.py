from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


# What the test run sets (pytest-env, the browser tests' conftest); a bare
# `manage.py` run has none of it.
TEST_ONLY = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SECRET_KEY",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_management_commands_run_without_any_environment():
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr


def test_deploy_check_flags_a_missing_secret_key():
    result = manage("check", "--deploy", ALLOWED_HOSTS="srm.example.com")
    assert "srm_site.W001" in result.stderr


def test_deploy_check_is_clean_when_configured():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 60 + "configured-for-this-test-only",
        ALLOWED_HOSTS="srm.example.com",
    )
    assert result.returncode == 0, result.stderr


def python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("entry_point", ["srm_site.wsgi", "srm_site.asgi"])
def test_app_server_refuses_to_start_without_a_secret_key(entry_point):
    result = python(f"import {entry_point}")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("entry_point", ["srm_site.wsgi", "srm_site.asgi"])
@pytest.mark.parametrize(
    "env",
    [{"SECRET_KEY": "k" * 60}, {"DEBUG": "true"}],
    ids=["configured-key", "development"],
)
def test_app_server_starts_with_a_key_or_in_development(entry_point, env):
    result = python(f"import {entry_point}; print({entry_point}.application)", **env)
    assert result.returncode == 0, result.stderr
    assert "Handler" in result.stdout
