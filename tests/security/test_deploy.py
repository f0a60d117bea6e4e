"""The production settings: `check --deploy` is clean and cookies are secure.

The test run itself turns secure cookies off (pyproject's pytest env), so the
production values are read in a fresh interpreter given only production's environment.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import environment_without_test_settings

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "srm_site.settings",
    "DEBUG": "false",
    "SECRET_KEY": "p" * 40 + "-production-like-key-for-this-test-only",
    "ALLOWED_HOSTS": "srm.example.com",
}
READ_SETTINGS = """
import json, django
from django.conf import settings
from django.core.management import call_command
django.setup()
call_command("check", deploy=True, fail_level="DEBUG")
print(json.dumps({name: getattr(settings, name) for name in [
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_CONTENT_TYPE_NOSNIFF",
    "X_FRAME_OPTIONS", "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "AXES_RESET_ON_SUCCESS",
]}))
"""


def production(**extra: str) -> subprocess.CompletedProcess:
    env = environment_without_test_settings()
    return subprocess.run(
        [sys.executable, "-c", READ_SETTINGS],
        cwd=ROOT,
        env={**env, **PRODUCTION, **extra},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_reports_nothing_and_cookies_are_secure():
    result = production()
    # fail_level DEBUG: any message at all, even a hint, raises and fails the process.
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["AXES_FAILURE_LIMIT"] == 10
    assert values["AXES_COOLOFF_TIME"] == 0.25  # hours: fifteen minutes
    assert values["AXES_RESET_ON_SUCCESS"] is True


def test_the_lockout_limits_come_from_the_environment():
    result = production(AXES_FAILURE_LIMIT="5", AXES_COOLOFF_MINUTES="60")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["AXES_FAILURE_LIMIT"] == 5
    assert values["AXES_COOLOFF_TIME"] == 1


def test_the_check_would_catch_an_insecure_cookie():
    """So the clean result above means the check ran with teeth."""
    result = production(SESSION_COOKIE_SECURE="false")
    assert result.returncode != 0
    assert "security.W012" in result.stderr
