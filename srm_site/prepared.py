"""Hot reads whose SQL the ORM compiles once per process, then runs with each request's values.

On the pages every learner opens, Django spent 10 to 20 times longer building and
compiling a small queryset than the database spent running it (the header's
review count: 0.98 ms against 0.055 ms). A `PreparedRead` asks the ORM for a
queryset's SQL once, built with stand-in values, and afterwards binds the real
values to that same SQL. Rows come back through the same compiler, so every value
is converted exactly as the queryset converts it (tests compare the two).

The SQL stays the ORM's: a read is written as an ordinary queryset, and nothing
here holds SQL by hand. Only single int, str and datetime values can be bound,
because the statement Django writes never depends on them; None, lists or
model instances can change the statement itself, so they are refused.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql import Query
from django.db.models.sql.compiler import SQLCompiler, SQLUpdateCompiler
from django.db.models.sql.subqueries import UpdateQuery

# Stand-in values, two sets: a parameter is where both sets' value shows up, so a
# constant in the query that happens to equal one stand-in is never taken for it.
# Ints stay small enough for a PositiveSmallIntegerField, whose lookups refuse more.
STAND_INS: dict[type, Callable[[int], Any]] = {
    int: lambda n: 30_001 + n,
    str: lambda n: f"\x1fprepared-stand-in-{n}",
    datetime: lambda n: datetime(1901, 2, 3, 4, 5, n % 60, n, tzinfo=UTC),
}
_BIGINT = (-(2**63), 2**63 - 1)  # beyond this no row can match, and drivers raise


@dataclass(frozen=True)
class _Compiled:
    compiler: SQLCompiler
    sql: str
    params: tuple
    slots: dict[str, list[int]]  # parameter name -> its positions among the params
    converters: dict  # what results_iter() would work out on every call, worked out once


class PreparedRead:
    """A queryset built by `build(**values)`, compiled once per process and thread.

    `kinds` names each value and its type, e.g. `PreparedRead(build, user_id=int)`.
    """

    def __init__(self, build: Callable[..., QuerySet], **kinds: type) -> None:
        unknown = [name for name, kind in kinds.items() if kind not in STAND_INS]
        if unknown:
            raise ImproperlyConfigured(f"Only int, str and datetime can be bound: {unknown}")
        self.build = build
        self.kinds = kinds
        self._local = threading.local()  # a compiler object isn't shared between threads

    def objects(self, **values: Any) -> list[Model]:
        """Model instances, with `select_related` objects and annotations attached (one query)."""
        compiled, rows = self._run(values)
        compiler = compiled.compiler
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, compiler.using)
        annotations = list(compiler.annotation_col_map.items())
        instances = []
        for row in rows:
            instance = klass_info["model"].from_db(compiler.using, names, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in annotations:
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances

    def rows(self, **values: Any) -> list[tuple]:
        """Rows of a `values_list()` queryset, as tuples (one query)."""
        return [tuple(row) for row in self._run(values)[1]]

    def _run(self, values: dict[str, Any]) -> tuple[_Compiled, list]:
        compiled, params = self._bind(values)
        if params is None:
            return compiled, []  # as the ORM does: an id too large matches nothing
        with connections[compiled.compiler.using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        if compiled.converters:
            fetched = compiled.compiler.apply_converters(fetched, compiled.converters)
        return compiled, list(fetched)

    def _bind(self, values: dict[str, Any]) -> tuple[_Compiled, list | None]:
        """The statement and its parameters with `values` bound (None: nothing can match)."""
        if values.keys() != self.kinds.keys():
            raise TypeError(f"Expected values for {sorted(self.kinds)}, got {sorted(values)}")
        compiled = self._compiled()
        connection = connections[compiled.compiler.using]
        params = list(compiled.params)
        for name, value in values.items():
            kind = self.kinds[name]
            if not isinstance(value, kind) or isinstance(value, bool):
                raise TypeError(f"{name} must be {kind.__name__}, not {type(value).__name__}")
            if kind is int and not _BIGINT[0] <= value <= _BIGINT[1]:
                return compiled, None
            for position in compiled.slots[name]:
                params[position] = _adapt(connection, value)
        return compiled, params

    def _query(self, stand_ins: dict[str, Any]) -> Query:
        return self.build(**stand_ins).query

    def _compiled(self) -> _Compiled:
        compiled = getattr(self._local, "compiled", None)
        if compiled is None:
            compiled = self._local.compiled = self._compile(DEFAULT_DB_ALIAS)
        return compiled

    def _compile(self, alias: str) -> _Compiled:
        compiler, sql, params, stand_ins = self._compile_with(alias, first=0)
        _, other_sql, other_params, other_stand_ins = self._compile_with(alias, first=500)
        if sql != other_sql:
            raise ImproperlyConfigured("The SQL depends on the values: it can't be prepared")
        pairs = list(zip(params, other_params, strict=True))
        slots = {
            name: [
                i
                for i, pair in enumerate(pairs)
                if pair == (stand_ins[name], other_stand_ins[name])
            ]
            for name in self.kinds
        }
        missing = [name for name, positions in slots.items() if not positions]
        if missing:
            raise ImproperlyConfigured(f"{missing} don't reach the SQL as parameters")
        converters = {}
        if not isinstance(compiler, SQLUpdateCompiler):
            fields = [column[0] for column in compiler.select[: compiler.col_count]]
            if compiler.has_composite_fields(fields):
                raise ImproperlyConfigured("Composite primary keys can't be prepared")
            converters = compiler.get_converters(fields)
        return _Compiled(
            compiler=compiler,
            sql=sql,
            params=tuple(params),
            slots=slots,
            converters=converters,
        )

    def _compile_with(self, alias: str, *, first: int) -> tuple[SQLCompiler, str, tuple, dict]:
        """The queryset compiled with one set of stand-ins, and those as the driver gets them."""
        stand_ins = {
            name: STAND_INS[kind](first + n) for n, (name, kind) in enumerate(self.kinds.items())
        }
        compiler = self._query(stand_ins).get_compiler(using=alias)
        if isinstance(compiler, SQLUpdateCompiler):
            compiler.pre_sql_setup()  # an UPDATE's as_sql() leaves this to its caller
        sql, params = compiler.as_sql()
        adapted = {name: _adapt(connections[alias], value) for name, value in stand_ins.items()}
        return compiler, sql, tuple(params), adapted


class PreparedUpdate(PreparedRead):
    """An UPDATE written once per process and thread, as a `PreparedRead` is.

    `build(**values)` returns the queryset to update and the changes, as passed
    to `QuerySet.update()`. Written through the ORM, a small UPDATE whose filter
    follows a relation cost several times running it; inside a transaction that
    holds a lock (on SQLite, the whole database) every other writer waits for it.
    Bound values must be parameters here too: a change to None, a bool or JSON is
    part of the statement, so each such variant is a PreparedUpdate of its own
    (JSON text can be bound as a str through `Cast(Value(text), JSONField())`).
    """

    def _query(self, stand_ins: dict[str, Any]) -> Query:
        queryset, changes = self.build(**stand_ins)
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values(changes)
        return query

    def run(self, **values: Any) -> int:
        """Run the UPDATE; returns the number of rows changed, as `QuerySet.update()` does."""
        compiled, params = self._bind(values)
        if params is None:
            return 0
        with connections[compiled.compiler.using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            return cursor.rowcount


def _adapt(connection, value: Any) -> Any:
    """The value as the ORM hands it to the driver (only datetimes differ by backend)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def attach_prefetched(instance: Model, name: str, objects: list[Model]) -> None:
    """Give `instance.<name>.all()` these objects, as `prefetch_related` would, without a query.

    For related rows read by a `PreparedRead`; the cache is the one Django's own
    prefetching fills, so templates and code calling `.all()` see no difference.
    """
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset
