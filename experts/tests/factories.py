"""Small helpers to build a pool in a test."""

from __future__ import annotations

import datetime
from typing import Any

from experts import services
from experts.models import Expert

TERM = (datetime.date(2022, 1, 1), datetime.date(2030, 12, 31))


def expert(actor: Any, name: str, *fields: str, **kwargs: Any) -> Expert:
    data: dict[str, Any] = {
        "employer_name": kwargs.pop("employer_name", "五邑大学法学院"),
        "term_start": kwargs.pop("term_start", TERM[0]),
        "term_end": kwargs.pop("term_end", TERM[1]),
        "fields": fields or ("administrative",),
        "phone": kwargs.pop("phone", "13800001234"),
        "email": kwargs.pop("email", "expert@example.com"),
        "address": kwargs.pop("address", "广东省江门市蓬江区建设路1号"),
    }
    data.update(kwargs)
    return services.expert_create(actor=actor, name=name, **data)


def pool(actor: Any, count: int, *fields: str) -> list[Expert]:
    return [expert(actor, f"专家{n:02d}", *fields) for n in range(1, count + 1)]
