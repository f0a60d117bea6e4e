from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import environment_without_test_settings

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = environment_without_test_settings()
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
    clean = environment_without_test_settings()
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


SHOW_SHARED_STATE = (
    "import os, json; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'srm_site.settings');"
    "from django.conf import settings as s;"
    "print(json.dumps([s.CACHES['default']['BACKEND'], s.CACHES['default'].get('LOCATION'),"
    " s.SESSION_ENGINE, s.DATABASES['default']['CONN_MAX_AGE'],"
    " s.DATABASES['default']['CONN_HEALTH_CHECKS']]))"
)


def test_redis_url_moves_cache_and_sessions_to_redis():
    result = python(SHOW_SHARED_STATE, REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/3",
        "django.contrib.sessions.backends.cached_db",
        60,  # kept open, SQLite too
        True,
    ]


def test_without_redis_sessions_stay_in_the_database_and_postgres_connections_persist():
    result = python(
        SHOW_SHARED_STATE, REDIS_URL="", DATABASE_URL="postgres://u@127.0.0.1:5432/srm"
    )
    assert result.returncode == 0, result.stderr
    backend, _, sessions, conn_max_age, health_checks = json.loads(result.stdout)
    # A folder every worker process shares, so a value one forgets is gone for all.
    assert backend == "django.core.cache.backends.filebased.FileBasedCache"
    assert sessions == "srm_site.accounts.sessions"  # Django's database store, read with plain SQL
    assert (conn_max_age, health_checks) == (60, True)


def gunicorn_config(**env: str) -> dict:
    code = "import json, runpy; c = runpy.run_path('gunicorn.conf.py'); " + (
        "print(json.dumps({k: c[k] for k in "
        "('bind', 'workers', 'timeout', 'graceful_timeout', 'keepalive', 'accesslog')}))"
    )
    unset = dict.fromkeys(
        ["BIND", "PORT", "WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "GUNICORN_KEEPALIVE"], ""
    )
    result = python(code, **{**unset, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_gunicorn_defaults_to_loopback_and_a_bounded_worker_count():
    config = gunicorn_config()
    assert config["bind"] == ["127.0.0.1:8000"]
    assert 3 <= config["workers"] <= 12
    assert config["accesslog"] == "-"


def test_gunicorn_reads_the_environment():
    config = gunicorn_config(
        PORT="9100", WEB_CONCURRENCY="5", GUNICORN_TIMEOUT="45", GUNICORN_KEEPALIVE="75"
    )
    assert config["bind"] == ["127.0.0.1:9100"]
    assert (config["workers"], config["timeout"], config["keepalive"]) == (5, 45, 75)
    assert gunicorn_config(BIND="0.0.0.0:8080", PORT="9100")["bind"] == ["0.0.0.0:8080"]


SHOW_MAILER = """
import json, django
from django.conf import settings
django.setup()
from django.core.mail import get_connection
if django.VERSION >= (6, 1):
    from django.core.mail import mailers
    backend = mailers["default"]
else:
    backend = get_connection()
print(json.dumps([type(backend).__module__, getattr(backend, "host", None),
                  getattr(backend, "port", None), getattr(backend, "use_tls", None)]))
"""


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DEBUG": "true"}, ["django.core.mail.backends.console", None, None, None]),
        (
            {"DEBUG": "false", "SECRET_KEY": "k" * 60},
            ["django.core.mail.backends.smtp", "localhost", 25, False],
        ),
        (
            {"DEBUG": "true", "EMAIL_HOST": "smtp.example.com"},
            ["django.core.mail.backends.smtp", "smtp.example.com", 587, True],
        ),
    ],
    ids=["development prints", "production relays on localhost", "a configured host"],
)
def test_password_reset_mail_goes_where_the_environment_says(env, expected):
    result = python(SHOW_MAILER, DJANGO_SETTINGS_MODULE="srm_site.settings", **env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected


CACHE_ROUND_TRIP = """
import sys, django
django.setup()
from django.core.cache import cache
if sys.argv[1] == "set":
    cache.set("shared", "from another process", 60)
else:
    print(cache.get("shared"))
"""


def test_without_redis_one_process_sees_what_another_cached_and_databases_keep_apart(tmp_path):
    env = {
        "REDIS_URL": "",
        "CACHE_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "srm_site.settings",
    }
    site = {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}"}
    other_site = {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite3'}"}

    def run(argument: str, **environment: str) -> str:
        clean = environment_without_test_settings()
        done = subprocess.run(
            [sys.executable, "-c", CACHE_ROUND_TRIP, argument],
            cwd=ROOT,
            env={**clean, **environment},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    run("set", **site)
    assert run("get", **site) == "from another process"
    assert run("get", **other_site) == "None"  # another database's site: its own keys
