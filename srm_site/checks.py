"""Site-wide system checks."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


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
