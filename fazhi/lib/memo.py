"""Per-request memory for permission look-ups: the answer is kept on the user object,
which Django loads afresh for every request, so the navigation, the to-do list and the
view asking the same question cost one query, and no answer outlives its request."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
_SLOT = "_fazhi_memo"


def per_user(fn: Callable[[Any], T]) -> Callable[[Any], T]:
    """Remember fn(user) on `user` for as long as that object lives (one request)."""

    @functools.wraps(fn)
    def remembered(user: Any) -> T:
        memo = user.__dict__.setdefault(_SLOT, {}) if hasattr(user, "__dict__") else None
        if memo is None:
            return fn(user)
        if fn not in memo:
            memo[fn] = fn(user)
        return memo[fn]

    return remembered


def forget(user: Any) -> None:
    """Drop what was remembered on `user` (after a change within the same request)."""
    if hasattr(user, "__dict__"):
        user.__dict__.pop(_SLOT, None)
