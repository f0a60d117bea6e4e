"""Cross-cutting response headers, and the page shown while the database is away."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def content_security_policy(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Send one fixed, strict policy; a view may set its own header instead."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response

    return middleware


class DatabaseUnavailableMiddleware:
    """503 with Retry-After, not a 500, when the database can't be reached (e.g. restarting).

    Only connection-level errors: an IntegrityError, ProgrammingError or DataError
    is a bug and stays a 500. Services that write several rows do it in one
    transaction, so a request cut off part-way leaves none of it behind. The
    session and user load lazily inside the view, so process_exception sees their
    failures too, as it does those of template rendering.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_unavailable(exception):
            return None
        return database_unavailable(request, exception)


# SQLite raises OperationalError for mistakes in SQL too ("no such column"): those
# are bugs and stay 500s. Only these mean the file can't be used right now.
SQLITE_UNAVAILABLE = ("database is locked", "unable to open database file", "disk i/o error")


def is_database_unavailable(exception: BaseException | None) -> bool:
    """A connection-level error: the database is away or busy, not a bug in our SQL."""
    if isinstance(exception, InterfaceError):
        return True
    if not isinstance(exception, OperationalError):
        return False
    if connection.vendor != "sqlite":
        return True  # PostgreSQL raises OperationalError only for the server and connection
    message = str(exception).lower()
    return any(text in message for text in SQLITE_UNAVAILABLE)


def database_unavailable(request: HttpRequest, exception: BaseException) -> HttpResponse:
    """The 503 page (or, for htmx, its short alert), logged as a warning."""
    logger.warning(
        "Database unavailable, answered 503: %s %s",
        request.method,
        request.path,
        exc_info=exception,
    )
    # Rendered without the request: its context processors would query the database.
    context = {"retry_url": _retry_url(request)}
    if getattr(request, "htmx", False):
        html = render_to_string("503.html#database-unavailable", context)
    else:
        html = render_to_string("503.html", context)
    response = HttpResponse(html, status=503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _retry_url(request: HttpRequest) -> str:
    """Where "Try again" leads: the same page, or for a form sent by POST the page it came from.

    Following a link is a GET, which a POST-only address would refuse; empty when
    the form's page is unknown (the learner goes back and sends it again).
    """
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""
