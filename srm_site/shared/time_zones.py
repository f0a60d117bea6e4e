"""Learners' time zones: IANA names this server knows, and the zone a learner's day is in.

A learner chooses a zone on their settings page; until they do, static/js/site.js
tells us the browser's in a cookie. Both are names checked against the zones
`zoneinfo` can load here (the system's database and the `tzdata` package), so a
value nobody checked never reaches `ZoneInfo`.
"""

from __future__ import annotations

from datetime import UTC, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError

# Set by static/js/site.js from Intl.DateTimeFormat().resolvedOptions().timeZone.
BROWSER_ZONE_COOKIE = "tz"

# Where the system's zone folder has it, "localtime" is the server's own zone (a link
# to /etc/localtime), not a place a learner can be.
NOT_PLACES = frozenset({"localtime"})

UNKNOWN_ZONE = "Choose a time zone from the list."


@cache
def known_time_zones() -> frozenset[str]:
    """Every IANA name `ZoneInfo` can load here (read from disk once per process)."""
    return frozenset(available_timezones() - NOT_PLACES)


def is_time_zone(name: object) -> bool:
    return isinstance(name, str) and name in known_time_zones()


def validate_time_zone(value: str) -> None:
    """A model validator: empty (not chosen) or a zone we know."""
    if value and not is_time_zone(value):
        raise ValidationError(UNKNOWN_ZONE, code="unknown_time_zone")


@cache
def time_zone_choices() -> tuple[tuple[str, str], ...]:
    """(name, label) for a select: every zone, sorted, "America/Los Angeles" style."""
    return tuple((name, name.replace("_", " ")) for name in sorted(known_time_zones()))


def learner_zone(chosen: str | None, browser: str | None = None) -> tzinfo:
    """The zone a learner's day is in: the one they chose, else the one their browser
    reported, else UTC. A name we don't know counts as none."""
    for name in (chosen, browser):
        if is_time_zone(name):
            return ZoneInfo(name)
    return UTC
