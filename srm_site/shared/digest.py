"""Fingerprints of content, for cache keys that change whenever what is shown does."""

from __future__ import annotations

import hashlib


def content_digest(*shown: object) -> str:
    """A short digest of the values a cached fragment shows (ints, text, dates, tuples).

    Keyed on the content itself, a cached fragment can never be served stale,
    whatever path the edit took (the admin, a fixture, a queryset update).
    """
    return hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
