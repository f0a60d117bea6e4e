"""The learner's address, as django-axes should count failed logins by it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The connecting address or, behind TRUSTED_PROXY_COUNT proxies, the one they saw.

    Each proxy appends the address it received the request from to
    X-Forwarded-For, so with n proxies the learner's address is the n-th from the
    right. Anything further left was written by the client and can't be trusted.
    Without proxies (the default) the header is ignored: a client could send any
    value to dodge the lockout.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")
