"""A fixed-window request counter in Django's cache, which every worker shares.

The cache is Redis when REDIS_URL is set (its INCR is atomic, so the count is
exact across app servers) or a folder of files shared by one machine's workers
(whose `incr` reads then writes, so two requests in the same instant may count
once: a limit meant to stop floods, not to be exact, doesn't mind).
"""

from __future__ import annotations

import hashlib
import math
import time

from django.core.cache import cache


def rate_limit_wait(scope: str, who: str, *, limit: int, window: int) -> int:
    """Count one request by `who` under `scope`; how long it must wait, in whole seconds.

    0 while `who` has made at most `limit` requests in the current window (windows
    are `window` seconds long, aligned to the clock); past that, the seconds left
    until the next window starts, rounded up (a Retry-After value, never 0).
    `who` may be any text: it is hashed, so every cache backend accepts the key.
    """
    now = time.time()
    start = math.floor(now / window) * window
    digest = hashlib.blake2b(who.encode(), digest_size=16).hexdigest()
    key = f"rate-limit:{scope}:{digest}:{start}"
    # add() only creates a missing key, so the first request of a window starts
    # the count and later ones never reset it; the key outlives its window a little.
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add() and incr(): this is the first again
        cache.add(key, 1, timeout=window + 1)
        count = 1
    if count <= limit:
        return 0
    return max(1, math.ceil(start + window - now))
