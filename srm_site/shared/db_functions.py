"""Database functions Django doesn't ship."""

from __future__ import annotations

from django.db.models import Func, IntegerField


class JSONArrayLength(Func):
    """How many elements a JSON array column holds, counted by the database.

    Spares reading and decoding the array when only its length matters
    (SQLite and MySQL: JSON_ARRAY_LENGTH; PostgreSQL: jsonb_array_length).
    """

    function = "JSON_ARRAY_LENGTH"
    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_ARRAY_LENGTH", **extra_context)
