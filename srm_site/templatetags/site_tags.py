"""Tags every page's frame uses."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@lru_cache(maxsize=128)
def _reversed(name: str, prefix: str, urlconf: str | None) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def fixed_url(name: str) -> str:
    """`{% url name %}` for a URL without arguments, reversed once per process.

    Such a URL depends only on the URLconf and the script prefix, which are both
    in the key. The header links to a dozen of them on every page; reversing
    them each time was a tenth of a small page's cost.
    """
    return _reversed(name, get_script_prefix(), get_urlconf())


@receiver(setting_changed, dispatch_uid="site_tags_fixed_url_reset")
def _urlconf_changed(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()
