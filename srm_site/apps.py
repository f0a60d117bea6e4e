from __future__ import annotations

from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The project package as an app, only to register site-wide system checks."""

    name = "srm_site"
    verbose_name = "SRM Academy site"

    def ready(self) -> None:
        from srm_site import checks  # noqa: F401  (registers the checks)
