"""The register of 发文字号: 机关代字〔年〕N号, consecutive per 机关代字 and year.

A number is taken inside one transaction that locks the series row
(`select_for_update`: PostgreSQL makes a second taker wait; SQLite runs write
transactions one at a time, BEGIN IMMEDIATE), so two requests never get the same
number, and a rolled-back document gives its number back with the increment —
no gaps. A number is reserved (for a document still being drafted) or used (by a
document); either may be voided with a reason and stays listed. Every generated
公文 asks `number_for(target=…, purpose=…)`, which returns the number the
document already has or takes the next one.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from audit.services import audit_record
from notices.models import DocumentNumber, DocumentNumberSeries, NumberStatus

MAX_PREFIX = 32


def default_prefix() -> str:
    return str(settings.DOCUMENT_NUMBER_PREFIX)


def number_text(prefix: str, year: int, number: int) -> str:
    """江依法治办〔2024〕3号 (GB/T 9704: 六角括号, no leading zeros)."""
    return f"{prefix}〔{year}〕{number}号"


def _clean_prefix(prefix: str) -> str:
    prefix = (prefix or "").strip()
    if not prefix:
        raise ValidationError({"prefix": "请填写机关代字，例如“江依法治办”。"})
    if len(prefix) > MAX_PREFIX or any(ch in prefix for ch in "〔〕[]()（）0123456789"):
        raise ValidationError(
            {"prefix": f"机关代字“{prefix[:40]}”不合规范：不超过 {MAX_PREFIX} 个字，不含括号和数字。"}
        )
    return prefix


def _check_year(year: int) -> int:
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": f"年份 {year} 不在 2000—2100 之间。"})
    return int(year)


def _locked_series(prefix: str, year: int) -> DocumentNumberSeries:
    """The series row, locked until the caller's transaction ends (created on first use)."""
    series = DocumentNumberSeries.objects.select_for_update().filter(prefix=prefix, year=year).first()
    if series is not None:
        return series
    try:
        with transaction.atomic():
            DocumentNumberSeries.objects.create(prefix=prefix, year=year)
    except IntegrityError:  # another transaction created it first: wait for its lock below
        pass
    return DocumentNumberSeries.objects.select_for_update().get(prefix=prefix, year=year)


def _take(
    *,
    actor: Any,
    prefix: str,
    year: int,
    purpose: str,
    status: str,
    target: models.Model | None,
    now: datetime.datetime | None,
) -> DocumentNumber:
    purpose = (purpose or "").strip()[:200]
    if not purpose:
        raise ValidationError({"purpose": "请说明取号用途，例如“关于开展2024年度法治建设考评工作的通知”。"})
    prefix, year = _clean_prefix(prefix), _check_year(year)
    series = _locked_series(prefix, year)
    number = series.next_number
    series.next_number = number + 1
    series.save(update_fields=["next_number"])
    entry = DocumentNumber.objects.create(
        series=series,
        number=number,
        text=number_text(prefix, year, number),
        status=status,
        purpose=purpose,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        taken_by=actor if getattr(actor, "pk", None) else None,
        taken_at=now or timezone.now(),
    )
    audit_record(
        actor=actor,
        action=f"notices.number.{'reserved' if status == NumberStatus.RESERVED else 'assigned'}",
        target=entry,
        after={"text": entry.text, "purpose": purpose, "document": f"{entry.target_type}:{entry.target_id}"},
    )
    return entry


@transaction.atomic
def number_reserve(
    *,
    actor: Any,
    purpose: str,
    prefix: str = "",
    year: int | None = None,
    now: datetime.datetime | None = None,
) -> DocumentNumber:
    """Take the next number of the series for a document still being drafted."""
    year = year or timezone.localdate(now).year
    return _take(
        actor=actor,
        prefix=prefix or default_prefix(),
        year=year,
        purpose=purpose,
        status=NumberStatus.RESERVED,
        target=None,
        now=now,
    )


@transaction.atomic
def number_assign(
    *,
    actor: Any,
    target: models.Model,
    purpose: str,
    prefix: str = "",
    year: int | None = None,
    now: datetime.datetime | None = None,
) -> DocumentNumber:
    """Give `target` the next number of the series for `purpose` (its 公文)."""
    year = year or timezone.localdate(now).year
    return _take(
        actor=actor,
        prefix=prefix or default_prefix(),
        year=year,
        purpose=purpose,
        status=NumberStatus.USED,
        target=target,
        now=now,
    )


def number_of(target: models.Model, purpose: str) -> DocumentNumber | None:
    return DocumentNumber.objects.filter(
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        purpose=purpose[:200],
        status=NumberStatus.USED,
    ).first()


def number_for(
    *, target: models.Model, purpose: str, year: int | None = None, prefix: str = "", actor: Any = None
) -> DocumentNumber:
    """The number `target` already has for `purpose`, else the next one of the
    series (two concurrent first requests end with one number: the loser's
    transaction, increment included, is rolled back and it reads the winner's)."""
    found = number_of(target, purpose)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return number_assign(actor=actor, target=target, purpose=purpose, prefix=prefix, year=year)
    except IntegrityError:
        found = number_of(target, purpose)
        if found is None:
            raise
        return found


@transaction.atomic
def number_use(
    *, actor: Any, number: DocumentNumber, target: models.Model | None = None, note: str = ""
) -> DocumentNumber:
    """A reserved number is now on its document (named by `target` or `note`)."""
    number = DocumentNumber.objects.select_for_update().get(pk=number.pk)
    if number.status != NumberStatus.RESERVED:
        raise ValidationError(
            f"{number.text} 当前为「{number.get_status_display()}」，只有已预留的文号可以登记使用。"
        )
    if target is not None:
        number.target_type, number.target_id = target._meta.label_lower, str(target.pk)
        number.target_repr = str(target)[:255]
    elif note.strip():
        number.target_repr = note.strip()[:255]
    else:
        raise ValidationError({"note": "请填写使用该文号的文件名称。"})
    number.status = NumberStatus.USED
    number.save(update_fields=["status", "target_type", "target_id", "target_repr"])
    audit_record(
        actor=actor,
        action="notices.number.used",
        target=number,
        before={"status": NumberStatus.RESERVED},
        after={"status": NumberStatus.USED, "document": number.target_repr},
    )
    return number


@transaction.atomic
def number_void(
    *, actor: Any, number: DocumentNumber, reason: str, now: datetime.datetime | None = None
) -> DocumentNumber:
    """Void a number with the reason; it stays in the register (never given again)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "作废文号必须说明原因。"})
    number = DocumentNumber.objects.select_for_update().get(pk=number.pk)
    if number.status == NumberStatus.VOIDED:
        raise ValidationError(f"{number.text} 已于 {timezone.localtime(number.voided_at):%Y-%m-%d} 作废。")
    before = {"status": number.status}
    number.status = NumberStatus.VOIDED
    number.voided_by = actor if getattr(actor, "pk", None) else None
    number.voided_at = now or timezone.now()
    number.void_reason = reason[:300]
    number.save(update_fields=["status", "voided_by", "voided_at", "void_reason"])
    audit_record(
        actor=actor,
        action="notices.number.voided",
        target=number,
        before=before,
        after={"status": NumberStatus.VOIDED, "reason": number.void_reason},
    )
    return number
