"""社会评议/群众满意度: imported per target from xlsx, all or nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from assessments import access
from assessments.frameworks_xlsx import ImportFailed, Row, RowError, header_index, org_lookup, read_rows
from assessments.models import Campaign, Phase, SocialEvaluation
from audit.services import audit_record

HEADERS = ["单位代码", "单位名称", "社会评议得分", "来源说明"]


def parse_social(content: bytes, *, campaign: Campaign) -> list[tuple[Any, Decimal, str]]:
    """(target, score, source) for every target row; raises ImportFailed with every problem."""
    headers, data = read_rows(content)
    index, errors = header_index(headers, ["社会评议得分"])
    if "单位代码" not in index and "单位名称" not in index:
        errors.append(RowError(1, "单位代码", "表头须包含「单位代码」或「单位名称」列。"))
    if errors:
        raise ImportFailed(errors)
    if not data:
        raise ImportFailed([RowError(2, "", "文件中没有数据行。")])
    targets = org_lookup(campaign.targets.all())
    seen: dict[int, int] = {}
    result = []
    for number, values in data:
        row = Row(number, values, index, errors)
        key = row.text("单位代码") or row.text("单位名称")
        score = row.decimal("社会评议得分", required=True, maximum=Decimal("100"))
        if not key:
            row.error("单位代码", "缺少单位代码或单位名称。")
            continue
        target = targets.get(key)
        if target is None:
            row.error("单位代码", f"「{key}」不是本次考评的被考评单位。")
            continue
        if target.pk in seen:
            row.error("单位代码", f"{target.display_name} 与第 {seen[target.pk]} 行重复。")
            continue
        seen[target.pk] = number
        if score is not None:
            result.append((target, score, row.text("来源说明", max_length=200)))
    if errors:
        raise ImportFailed(errors)
    return result


@transaction.atomic
def social_import(*, actor: User, campaign: Campaign, rows: list[tuple[Any, Decimal, str]]) -> int:
    if not access.can_manage(actor):
        raise PermissionDenied("只有依法治办可以导入社会评议结果。")
    if campaign.phase in (Phase.FINAL_REVIEW, Phase.PUBLISHED):
        raise ValidationError(f"当前阶段为「{campaign.get_phase_display()}」，不能再导入社会评议结果。")
    before = {str(s.target_id): s.score for s in SocialEvaluation.objects.filter(campaign=campaign)}
    for target, score, source in rows:
        SocialEvaluation.objects.update_or_create(
            campaign=campaign,
            target=target,
            defaults={"score": score, "source": source, "imported_by": actor},
        )
    audit_record(
        actor=actor,
        action="assessments.social_evaluation.imported",
        target=campaign,
        before=before,
        after={str(t.pk): s for t, s, _ in rows},
        data={"rows": len(rows)},
    )
    return len(rows)
