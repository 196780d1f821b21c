"""Fixed-window rate limits per client address, kept in the cache (Redis in
production, so every app server counts together)."""

from __future__ import annotations

import time

from django.core.cache import cache


def hit(scope: str, ident: str, *, limit: int, period: int = 3600) -> bool:
    """Count one request; False when `ident` has used up `limit` in the current window."""
    window = int(time.time()) // period
    key = f"fazhi:rl:{scope}:{ident}:{window}"
    if cache.add(key, 1, period + 5):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, period + 5)
        count = 1
    return count <= limit
