"""Where the current request came from, for audit rows written by services
that take an actor and not a request."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    ip: str = ""
    user_agent: str = ""


current_origin: ContextVar[Origin] = ContextVar("current_origin", default=Origin(ip="cli"))  # noqa: B039 - frozen, immutable
