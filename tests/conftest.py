from __future__ import annotations

import os

import pytest
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import deprecation

# What the test run adds to the environment (pytest-env, the browser tests' conftest);
# a bare `manage.py` or production process has none of it.
TEST_ONLY_ENV = frozenset(
    {
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "SECRET_KEY",
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "AXES_FAILURE_LIMIT",
        "AXES_COOLOFF_MINUTES",
    }
)


def pytest_configure(config) -> None:
    """Any deprecation Django announces (RemovedInDjango70Warning on 6.1, …) fails the
    run, on whichever supported Django runs it: nothing is left to break on the next."""
    for name in dir(deprecation):
        warning = getattr(deprecation, name)
        if name.startswith("RemovedIn") and isinstance(warning, type):
            config.addinivalue_line("filterwarnings", f"error::{warning.__module__}.{name}")


def environment_without_test_settings() -> dict[str, str]:
    """This process's environment minus what only the test run sets."""
    return {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV}


def skip_or_fail_under_ci(message: str) -> None:
    """Skip locally when something outside the project is missing; under CI=true, fail."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; this must run under CI")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _empty_default_cache(settings):
    """Each test gets an empty cache of its own. Production's folder of files is shared
    by every process on the machine, so two test runs at once would read each
    other's values (and ids repeat after a rollback); tests use process memory."""
    from django.core.cache import cache

    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests don't run collectstatic, so the hashed-manifest storage has no manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _content_models() -> list:
    """Every table the shipped fixtures fill, parents before children."""
    from lessons.models import Control, Layer, Lesson, Responsibility, Service
    from quizzes.models import Choice, Correction, ExamBlueprint, Question

    # Lessons first: layers and services point to the lesson that teaches them.
    return [
        Lesson,
        Layer,
        Service,
        Responsibility,
        Control,
        Lesson.prerequisites.through,
        Lesson.services.through,
        Question,
        Question.services.through,
        Question.layers.through,
        Choice,
        ExamBlueprint,
        Correction,
    ]


@pytest.fixture(scope="session")
def _shipped_rows(django_db_setup, django_db_blocker) -> list:
    """Load the real fixtures once (through loaddata, as `make run` does) and keep the rows."""
    from quizzes.content import content_load

    with django_db_blocker.unblock(), transaction.atomic():
        content_load()
        rows = [(model, list(model.objects.values())) for model in _content_models()]
        transaction.set_rollback(True)
    return rows


def restore_content(rows) -> None:
    """Copy the shipped rows in with one INSERT per table (loaddata takes seconds)."""
    for model, table_rows in rows:
        model.objects.bulk_create(model(**row) for row in table_rows)
    # Rows came with their ids: move PostgreSQL's sequences past them.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), _content_models()):
            cursor.execute(sql)


@pytest.fixture
def shipped_content(db, _shipped_rows) -> None:
    """The content `make run` ships: layers, services, matrix, controls, lessons, questions."""
    restore_content(_shipped_rows)


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def auth_client(client, user):
    client.force_login(user)
    return client
