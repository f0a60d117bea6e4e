"""Site-wide views that belong to no app."""

from __future__ import annotations

import sys

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import server_error as django_server_error

from srm_site.middleware import database_unavailable, is_database_unavailable


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 `ok` when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler: the 503 page instead when the database was out of reach.

    DatabaseUnavailableMiddleware answers for views; this catches the rest, such as
    a session that could not be saved once the view had finished.
    """
    exception = sys.exc_info()[1]
    if is_database_unavailable(exception):
        return database_unavailable(request, exception)
    return django_server_error(request)
