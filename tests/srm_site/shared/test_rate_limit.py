"""The fixed-window counter behind the guest answer limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from srm_site.shared.rate_limit import rate_limit_wait

# The start of a minute, so a 60-second window has all of its 60 seconds left.
MINUTE = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def hits(n: int, who: str = "203.0.113.7", *, limit: int = 3, window: int = 60) -> list[int]:
    return [rate_limit_wait("test", who, limit=limit, window=window) for _ in range(n)]


def test_within_the_limit_nothing_waits_then_the_rest_of_the_window():
    with time_machine.travel(MINUTE, tick=False):
        assert hits(3) == [0, 0, 0]
        assert hits(2) == [60, 60]
    with time_machine.travel(MINUTE + timedelta(seconds=44.5), tick=False):
        assert hits(1) == [16]  # rounded up: waiting 15 s would still be too soon


def test_each_key_counts_on_its_own():
    with time_machine.travel(MINUTE, tick=False):
        assert hits(4, "203.0.113.7") == [0, 0, 0, 60]
        assert hits(1, "203.0.113.8") == [0]
        assert rate_limit_wait("other", "203.0.113.7", limit=3, window=60) == 0


def test_the_next_window_starts_from_nothing():
    with time_machine.travel(MINUTE + timedelta(seconds=59), tick=False):
        assert hits(4) == [0, 0, 0, 1]
    with time_machine.travel(MINUTE + timedelta(seconds=60), tick=False):
        assert hits(4) == [0, 0, 0, 60]


def test_any_text_makes_a_usable_key():
    who = "2001:db8::1 \x00" + "x" * 500  # colons, a space, a NUL, far too long for memcached
    with time_machine.travel(MINUTE, tick=False):
        assert hits(4, who) == [0, 0, 0, 60]
