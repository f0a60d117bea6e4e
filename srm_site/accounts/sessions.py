"""Sessions in the database (the default without Redis), read with one plain SELECT."""

from __future__ import annotations

from datetime import UTC

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

SESSION_SQL = """
    SELECT session_data FROM django_session
    WHERE session_key = %s AND expire_date > %s
"""


class SessionStore(db.SessionStore):
    """Django's database session store with a faster `load()`, the documented hook a
    session engine implements.

    Every signed-in request reads its session first. Building that one-row lookup
    through the ORM cost about ten times running it (0.25 ms against 0.02 ms), a
    tenth of a small page. A session that is missing or expired takes Django's own
    path, which starts a new one; writes, expiry and `clearsessions` are Django's.
    """

    def load(self) -> dict:
        connection = connections[router.db_for_read(self.model)]
        # Stored as UTC; a naive value compares the same way on SQLite and PostgreSQL.
        now = timezone.now().astimezone(UTC).replace(tzinfo=None)
        with connection.cursor() as cursor:
            cursor.execute(SESSION_SQL, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            return super().load()
        return self.model(session_data=row[0]).get_decoded()
