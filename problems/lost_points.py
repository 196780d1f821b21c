"""How a lost point of a published 考评 reads as a problem (no Django import):
shared by the service the publication calls and by the data migration that
turned the former 整改清单 into problems."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def points(value: Any) -> str:
    number = Decimal(str(value or 0)).quantize(Decimal("0.01"))
    return f"{number.normalize():f}"


def title(indicator_code: str, indicator_name: str, points_lost: Any) -> str:
    return f"考评失分：{indicator_code} {indicator_name}（失 {points(points_lost)} 分）"[:200]


def label(year: int, target_name: str, indicator_code: str) -> str:
    return f"{year}年度法治建设考评 · {target_name} · 指标 {indicator_code}"[:300]


def reason(entry: dict[str, Any]) -> str:
    """The reasons the assessors gave, each once, in order."""
    reasons = [entry.get("reason") or ""] + [i.get("reason") or "" for i in entry.get("items", [])]
    return "；".join(r for r in dict.fromkeys(reasons) if r)


def ref(
    *, publication_id: int, year: int, target_code: str, indicator_code: str, points_lost: Any, **more: Any
) -> dict[str, Any]:
    return {
        "publication": publication_id,
        "year": year,
        "target": target_code,
        "indicator": indicator_code,
        "points_lost": str(Decimal(str(points_lost or 0)).quantize(Decimal("0.01"))),
        **{k: v for k, v in more.items() if v is not None},
    }
