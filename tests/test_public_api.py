"""The project's code uses Django through its public, documented API only.

Django's stability promise covers what its documentation describes. The query
compiler (`django.db.models.sql`), the rest of `django.db.models.query`, private
modules and underscore attributes change without notice between releases: code
built on them breaks on an upgrade, or silently returns wrong rows.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("lessons", "quizzes", "srm_site", "bench")

# What Django documents as importable from django.db.models.query (the QuerySet API
# reference and "Performing raw SQL queries"); everything else there is internal.
QUERY_MODULE_PUBLIC = frozenset(
    {"QuerySet", "EmptyQuerySet", "RawQuerySet", "Prefetch", "prefetch_related_objects"}
)
# Names a method may set underscore attributes on: its own object.
OWN = frozenset({"self", "cls"})


def _private(name: str) -> bool:
    """`_name` is private; `__name__`-style dunders (`__future__`, `__dict__`) are not."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _module_problem(module: str) -> str | None:
    if module == "django.db.models.sql" or module.startswith("django.db.models.sql."):
        return f"imports Django's query compiler internals ({module})"
    if any(_private(segment) for segment in module.split(".")):
        return f"imports a private module ({module})"
    return None


def _assigned_attributes(target: ast.expr) -> Iterator[ast.Attribute]:
    """The attributes an assignment target writes, through tuple unpacking too."""
    if isinstance(target, ast.Attribute):
        yield target
    elif isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from _assigned_attributes(element)
    elif isinstance(target, ast.Starred):
        yield from _assigned_attributes(target.value)


def _is_own(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id in OWN


def problems_in(source: str) -> Iterator[tuple[int, str]]:
    """(line, what) for each use of Django internals or private attributes in `source`."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                problem = _module_problem(alias.name)
                if problem or alias.name == "django.db.models.query":
                    yield node.lineno, problem or f"imports {alias.name} as a module"
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            problem = _module_problem(node.module)
            if problem:
                yield node.lineno, problem
            elif node.module == "django.db.models.query":
                for alias in node.names:
                    if alias.name not in QUERY_MODULE_PUBLIC:
                        yield node.lineno, f"imports {alias.name} from django.db.models.query"
            elif node.module.split(".")[0] == "django":
                for alias in node.names:
                    if _private(alias.name):
                        yield node.lineno, f"imports {alias.name} from {node.module}"
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Delete):
            targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
            for target in targets:
                for attribute in _assigned_attributes(target):
                    if _private(attribute.attr) and not _is_own(attribute.value):
                        yield node.lineno, f"sets .{attribute.attr} of another object"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"setattr", "delattr"}
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _private(node.args[1].value)
            and not _is_own(node.args[0])
        ):
            yield node.lineno, f"{node.func.id}(…, {node.args[1].value!r}) on another object"


def project_files() -> list[Path]:
    """The project's own Python files: no virtualenv, no migrations."""
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def test_project_code_uses_only_djangos_public_api():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in project_files()
        for line, what in problems_in(path.read_text(encoding="utf-8"))
    ]
    assert not found, "Django internals or private attributes used:\n" + "\n".join(found)


def test_the_walk_covers_every_package_and_skips_migrations():
    files = {path.relative_to(ROOT).as_posix() for path in project_files()}
    assert {"lessons/views.py", "quizzes/exams/attempts.py", "srm_site/settings.py"} <= files
    assert any(name.startswith("bench/") for name in files)
    assert not any("/migrations/" in name for name in files)


@pytest.mark.parametrize(
    "source",
    [
        "from django.db.models.sql import Query",
        "from django.db.models.sql.compiler import SQLCompiler",
        "import django.db.models.sql.subqueries",
        "from django.db.models.query import get_related_populators",
        "from django.db.models.query import QuerySet, ModelIterable",
        "from django.db.models.fields import _load_field",
        "from django.utils._os import safe_join",
        "import some._private",
        "queryset._result_cache = []",
        "question._change_reason, question._history_user = reason, user",
        "self.queryset._prefetch_done = True",
        "item._cache += 1",
        "del instance._state",
        'setattr(instance, "_prefetched_objects_cache", {})',
    ],
)
def test_each_kind_of_internal_use_is_caught(source):
    assert list(problems_in(source)), source


@pytest.mark.parametrize(
    "source",
    [
        "from __future__ import annotations",
        "from django.db.models import Prefetch, QuerySet, prefetch_related_objects",
        "from django.db.models.query import QuerySet, Prefetch, RawQuerySet",
        "self._local = threading.local()",
        "cls._registry = {}",
        "instance.history_change_reason = reason",
        'setattr(self, "_cache", value)',
        "fields = Lesson._meta.concrete_fields",
        "from quizzes.exams.attempts import _ordered",
    ],
)
def test_public_use_passes(source):
    assert not list(problems_in(source)), source


def _project_module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def private_overrides(cls: type) -> list[str]:
    """Methods `cls` defines under a private name that a class outside the project
    (Django, a library) also defines: overrides of someone else's internals."""
    import inspect

    outside = [
        base
        for base in cls.__mro__[1:]
        if not base.__module__.startswith(("lessons", "quizzes", "srm_site", "tests"))
    ]
    return [
        name
        for name, value in vars(cls).items()
        if _private(name)
        and not name.endswith("_")  # enum's `_sunder_` names are its documented API
        and inspect.isfunction(value)
        and any(name in vars(base) for base in outside)
    ]


def test_no_project_class_overrides_a_private_method_of_django_or_a_library():
    """Overriding `_get_session_from_db` and the like ties the code to internals as
    surely as calling them: extend Django through the hooks it documents."""
    import importlib
    import inspect

    found = []
    for path in project_files():
        if path.parts[-2] == "bench" or path.name == "__main__.py":
            continue
        module = importlib.import_module(_project_module(path))
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__:
                found += [
                    f"{module.__name__}.{cls.__qualname__}.{name}"
                    for name in private_overrides(cls)
                ]
    assert not found, "private methods overridden:\n" + "\n".join(found)


def test_the_override_check_catches_the_old_session_store_and_passes_the_new():
    from django.contrib.sessions.backends import db

    from srm_site.accounts.sessions import SessionStore

    class OldStore(db.SessionStore):
        def _get_session_from_db(self):  # what srm_site/accounts/sessions.py once did
            return None

        def _own_helper(self):  # a private helper of its own is fine
            return None

    assert private_overrides(OldStore) == ["_get_session_from_db"]
    assert private_overrides(SessionStore) == []
