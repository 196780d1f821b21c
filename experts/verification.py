"""Re-checking a recorded draw: recompute it from what was published (the
frozen list, the parameters and the revealed seed) with `experts.draw`, and
compare the record with the append-only audit log, where the commitment was
written before the draw and the result when it was made."""

from __future__ import annotations

from typing import Any

from audit.models import AuditEntry
from experts import draw as algorithm
from experts.models import Draw


class NotVerifiable(Exception):
    """The draw has no result to check yet (still 已承诺, or cancelled before it was drawn)."""


def _audit_data(draw: Draw, action: str) -> dict[str, Any] | None:
    entry = (
        AuditEntry.objects.filter(target_type="experts.draw", target_id=str(draw.pk), action=action)
        .order_by("seq")
        .first()
    )
    return entry.data if entry is not None and isinstance(entry.data, dict) else None


def verify_draw(draw: Draw) -> algorithm.Verification:
    if draw.result is None:
        state = "尚未执行" if draw.status == "committed" else "在执行前已取消"
        raise NotVerifiable(f"抽取 #{draw.pk} {state}，没有可校验的抽取结果。")
    result = algorithm.verify(
        candidates=draw.candidates,
        size=draw.size,
        required_fields=list(draw.required_fields or []),
        backups=draw.backups,
        seed_hex=draw.seed,
        commitment_hex=draw.commitment,
        digest=draw.list_digest,
        recorded=draw.result,
    )
    committed = _audit_data(draw, "experts.draw.committed")
    if committed is None:
        result.problems.append("审计日志中没有该抽取的承诺记录（experts.draw.committed）。")
    else:
        if committed.get("commitment") != draw.commitment:
            result.problems.append(
                f"记录的承诺值 {draw.commitment} 与审计日志中抽取前公布的 {committed.get('commitment')} 不一致。"
            )
        if committed.get("list_digest") != draw.list_digest:
            result.problems.append(
                f"记录的名单摘要 {draw.list_digest} 与审计日志中抽取前公布的 {committed.get('list_digest')} 不一致。"
            )
    executed = _audit_data(draw, "experts.draw.executed")
    if executed is None:
        result.problems.append("审计日志中没有该抽取的执行记录（experts.draw.executed）。")
    else:
        if executed.get("seed") != draw.seed:
            result.problems.append("记录的种子与审计日志中抽取时公布的种子不一致。")
        recorded = draw.result if isinstance(draw.result, dict) else {}
        if executed.get("panel") != recorded.get("panel") or executed.get("backups") != recorded.get(
            "backups"
        ):
            result.problems.append(
                f"记录的抽取结果与审计日志中抽取时的结果不一致（审计日志：专家组 {executed.get('panel')}，"
                f"候补 {executed.get('backups')}）。"
            )
    return result


def names(draw: Draw) -> dict[int, str]:
    return {
        c["id"]: str(c.get("name", ""))
        for c in draw.candidates
        if isinstance(c, dict) and isinstance(c.get("id"), int)
    }
