"""Site-wide system checks."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security, deploy=True)
def secret_key_configured(app_configs, **kwargs) -> list[Warning]:
    """A production server needs a SECRET_KEY shared by every worker and restart."""
    if getattr(settings, "SECRET_KEY_IS_EPHEMERAL", False):
        return [
            Warning(
                "SECRET_KEY is not set, so this process made up a random one: sessions, "
                "CSRF tokens and password-reset links break on restart and between workers.",
                hint="Set SECRET_KEY in the environment to a long random value.",
                id="srm_site.W001",
            )
        ]
    return []


def refuse_to_serve_without_secret_key() -> None:
    """Called by the WSGI and ASGI entry points: a server never runs on a made-up key.

    Each worker would invent its own, so a learner's session signed by one
    worker is rejected by the next and they are logged out at random.
    Management commands don't call this and keep working.
    """
    if getattr(settings, "SECRET_KEY_IS_EPHEMERAL", False):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment to one long random value "
            "shared by every app server (or set DEBUG=true for local development)."
        )
