"""Every paginated API list: ?limit (1 … MAX_LIMIT, larger values are capped) and ?offset."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

MAX_LIMIT = 200
HUGE = 10**18


class CappedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int:
        raw = request.query_params.get(self.limit_query_param, "").strip()
        if not raw:
            return int(self.default_limit or MAX_LIMIT)
        value = _integer(raw)
        if value is None or value < 1:
            raise ValidationError({self.limit_query_param: [f"每页条数须为 1 到 {MAX_LIMIT} 之间的整数。"]})
        return min(value, MAX_LIMIT)

    def get_offset(self, request: Request) -> int:
        raw = request.query_params.get(self.offset_query_param, "").strip()
        if not raw:
            return 0
        value = _integer(raw)
        if value is None or value < 0:
            raise ValidationError({self.offset_query_param: ["起始位置须为不小于 0 的整数。"]})
        return value


def _integer(raw: str) -> int | None:
    """An ASCII decimal integer, clamped to ±HUGE (a 5,000-digit number is just large)."""
    digits = raw.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()):
        return None
    value = int(digits) if len(digits) <= 18 else HUGE
    return -value if raw.startswith("-") else min(value, HUGE)
