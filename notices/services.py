"""Writes of notices, contacts and reminder preferences. Each is atomic and writes its own audit entry."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from attachments.models import Attachment
from audit.services import audit_record, diff, snapshot
from notices import numbers, reminding
from notices.models import (
    Contact,
    Module,
    Notice,
    NoticeRecipient,
    NoticeStatus,
    Reminder,
    ReminderPreference,
    ReminderStatus,
)
from orgs.models import Org

MAX_RECEIPT_FIELDS = 20
MAX_FILES = 10
NOTICE_FIELDS = (
    "title",
    "doc_number",
    "requires_receipt",
    "receipt_deadline",
    "receipt_fields",
    "late_receipts",
)
CONTACT_FIELDS = ("org_id", "module", "name", "position", "phone", "email", "user_id")
NOTICE_PURPOSE = "通知"


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def clean_receipt_fields(raw: Sequence[str] | str) -> list[str]:
    """The 回执 form's field names: one per line (or a list), blank lines dropped, no repeats."""
    items = raw.splitlines() if isinstance(raw, str) else list(raw)
    names: list[str] = []
    for item in items:
        name = str(item).strip()
        if not name:
            continue
        if len(name) > 50:
            raise ValidationError({"receipt_fields": f"回执填报项“{name[:20]}…”过长（不超过 50 个字）。"})
        if name in names:
            raise ValidationError({"receipt_fields": f"回执填报项“{name}”重复。"})
        names.append(name)
    if len(names) > MAX_RECEIPT_FIELDS:
        raise ValidationError({"receipt_fields": f"回执填报项最多 {MAX_RECEIPT_FIELDS} 个。"})
    return names


def _store_files(actor: Any, files: Sequence[Any], org: Org) -> list[Attachment]:
    """Every file through the checked upload service; all or none (a refused one
    removes the files stored before it and names itself)."""
    from attachments.services import attachment_create

    if len(files) > MAX_FILES:
        raise ValidationError({"files": f"附件最多 {MAX_FILES} 个。"})
    stored: list[Attachment] = []
    try:
        for upload in files:
            try:
                stored.append(attachment_create(actor=actor, uploaded_file=upload, org=org))
            except ValidationError as exc:
                raise ValidationError(
                    {"files": f"附件「{upload.name}」未能上传：{'；'.join(exc.messages)}"}
                ) from exc
    except BaseException:
        for attachment in stored:
            default_storage.delete(attachment.file.name or "")
        raise
    return stored


def _source_key(source: models.Model | str | None) -> str:
    if source is None:
        return ""
    if isinstance(source, str):
        return source[:100]
    return f"{source._meta.label_lower}:{source.pk}"


@transaction.atomic
def notice_send(
    *,
    actor: Any,
    title: str,
    body: str,
    recipients: Sequence[Org],
    requires_receipt: bool = False,
    receipt_deadline: datetime.date | None = None,
    receipt_fields: Sequence[str] | str = (),
    late_receipts: bool = False,
    files: Sequence[Any] = (),
    attachments: Sequence[Attachment] = (),
    source: models.Model | str | None = None,
    source_label: str = "",
    notify: bool = True,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Notice:
    """Send a notice to units, numbered from the register (机关代字〔年〕N号).

    All or nothing: no recipient, a 回执 without a deadline or with one in the
    past, or a refused file stores nothing. `source` ties a module's mailing to
    its object (the 考评 deployment to its campaign). `notify` mails and texts
    each unit's 联络员 that a notice has arrived (the demo replays old ones without)."""
    title, body = (title or "").strip(), (body or "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "请填写通知标题。"
    if not body:
        errors["body"] = "请填写通知正文。"
    orgs = list(dict.fromkeys(recipients))
    if not orgs:
        errors["recipients"] = "请至少选择一个接收单位（可按类型、按组织机构树或逐个选择）。"
    fields = clean_receipt_fields(receipt_fields) if requires_receipt else []
    if requires_receipt:
        if receipt_deadline is None:
            errors["receipt_deadline"] = "需要报送回执时，请填写回执截止日期。"
        elif receipt_deadline < _today(today):
            errors["receipt_deadline"] = (
                f"回执截止日期 {receipt_deadline:%Y-%m-%d} 已经过去，请选择今天（{_today(today):%Y-%m-%d}）或以后的日期。"
            )
    if errors:
        raise ValidationError(errors)
    when = now or timezone.now()
    notice = Notice.objects.create(
        title=title[:200],
        body=body,
        requires_receipt=requires_receipt,
        receipt_deadline=receipt_deadline if requires_receipt else None,
        receipt_fields=fields,
        late_receipts=late_receipts if requires_receipt else False,
        source=_source_key(source),
        source_label=source_label[:200],
        sent_by=actor if getattr(actor, "pk", None) else None,
        sent_by_org=getattr(actor, "org", None),
        sent_at=when,
    )
    stored = _store_files(actor, files, getattr(actor, "org", None) or orgs[0]) if files else []
    notice.attachments.add(*attachments, *stored)
    number = numbers.number_assign(
        actor=actor, target=notice, purpose=NOTICE_PURPOSE, year=timezone.localdate(when).year, now=when
    )
    notice.doc_number = number.text
    notice.save(update_fields=["doc_number"])
    NoticeRecipient.objects.bulk_create([NoticeRecipient(notice=notice, org=org) for org in orgs])
    audit_record(
        actor=actor,
        action="notices.notice.sent",
        target=notice,
        after=snapshot(notice, NOTICE_FIELDS),
        data={
            "recipients": [org.pk for org in orgs],
            "attachments": [str(a.pk) for a in notice.attachments.all()],
            "source": notice.source,
        },
    )
    if notify:
        reminding.queue_immediate(
            source=f"notices.notice:{notice.pk}",
            kind="notices.sent",
            offset=0,
            org_ids=[org.pk for org in orgs],
            module=Module.NOTICES,
            subject=f"新通知：{title}" + ("（需报送回执）" if requires_receipt else ""),
            url=reverse("notices:detail", args=[notice.pk]),
            due=notice.receipt_deadline,
        )
    return notice


@transaction.atomic
def notice_sign(
    *, actor: Any, recipient: NoticeRecipient, now: datetime.datetime | None = None
) -> NoticeRecipient:
    """签收: the unit confirms it has the notice (time and person recorded, once)."""
    row = NoticeRecipient.objects.select_for_update().get(pk=recipient.pk)
    if row.signed_at is not None:
        return row
    row.signed_at = now or timezone.now()
    row.signed_by = actor if getattr(actor, "pk", None) else None
    row.save(update_fields=["signed_at", "signed_by"])
    audit_record(
        actor=actor,
        action="notices.notice.signed",
        target=row.notice,
        data={"org": row.org_id, "signed_at": row.signed_at},
    )
    return row


@transaction.atomic
def receipt_submit(
    *,
    actor: Any,
    recipient: NoticeRecipient,
    answers: Mapping[str, str] | None = None,
    note: str = "",
    file: Any = None,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> NoticeRecipient:
    """回执: the notice's form filled in and/or a file, signing for the notice if not yet signed.

    After the deadline it is refused unless the notice accepts late replies; a
    second 回执 before the deadline replaces the first (both stay in the audit log)."""
    row = NoticeRecipient.objects.select_for_update().select_related("notice").get(pk=recipient.pk)
    notice = row.notice
    if notice.status != NoticeStatus.SENT or not notice.requires_receipt:
        raise ValidationError("该通知不需要报送回执。")
    day = _today(today)
    if notice.receipt_deadline and day > notice.receipt_deadline and not notice.late_receipts:
        raise ValidationError(
            f"回执报送已于 {notice.receipt_deadline:%Y-%m-%d} 截止，本通知不接受逾期回执；"
            "如确需报送，请与市委依法治市办联系。"
        )
    clean: dict[str, str] = {}
    missing = []
    for name in notice.receipt_fields:
        value = str((answers or {}).get(name, "")).strip()[:500]
        if not value:
            missing.append(name)
        clean[name] = value
    note = (note or "").strip()[:2000]
    if missing and file is None:
        raise ValidationError({"answers": f"请填写回执的以下栏目：{'、'.join(missing)}（或上传回执文件）。"})
    if not clean and not note and file is None:
        raise ValidationError({"answers": "回执内容为空：请填写说明或上传回执文件。"})
    before = {
        "answers": row.receipt_answers,
        "note": row.receipt_note,
        "file": str(row.receipt_file_id or ""),
    }
    stored = _store_files(actor, [file], row.org) if file is not None else []
    when = now or timezone.now()
    if row.signed_at is None:
        row.signed_at, row.signed_by = when, actor if getattr(actor, "pk", None) else None
    row.receipt_answers, row.receipt_note = clean, note
    if stored:
        row.receipt_file = stored[0]
    row.receipt_at, row.receipt_by = when, actor if getattr(actor, "pk", None) else None
    row.save()
    audit_record(
        actor=actor,
        action="notices.receipt.submitted",
        target=notice,
        before=before if before["answers"] or before["note"] or before["file"] else None,
        after={"answers": clean, "note": note, "file": str(row.receipt_file_id or "")},
        data={"org": row.org_id, "late": bool(notice.receipt_deadline and day > notice.receipt_deadline)},
    )
    return row


@transaction.atomic
def recipient_urge(
    *, actor: Any, recipient: NoticeRecipient, now: datetime.datetime | None = None
) -> NoticeRecipient:
    """催办: remind one unit that still owes its 签收 or 回执 (mail and SMS to its 联络员, on record)."""
    row = NoticeRecipient.objects.select_for_update().select_related("notice", "org").get(pk=recipient.pk)
    notice = row.notice
    owes = []
    if row.signed_at is None:
        owes.append("签收")
    if notice.requires_receipt and row.receipt_at is None:
        owes.append("报送回执")
    if not owes or notice.status != NoticeStatus.SENT:
        raise ValidationError(
            f"{row.org.display_name} 已签收"
            + ("并报送回执" if notice.requires_receipt else "")
            + "，无需催办。"
        )
    row.urge_count += 1
    row.last_urged_at = now or timezone.now()
    row.save(update_fields=["urge_count", "last_urged_at"])
    planned = reminding.queue_immediate(
        source=f"notices.recipient:{row.pk}",
        kind="notices.urge",
        offset=row.urge_count,
        org_ids=[row.org_id],
        module=Module.NOTICES,
        subject=f"催办：请尽快{'、'.join(owes)}《{notice.title}》",
        url=reverse("notices:detail", args=[notice.pk]),
        due=notice.receipt_deadline if notice.requires_receipt else None,
    )
    audit_record(
        actor=actor,
        action="notices.notice.urged",
        target=notice,
        data={"org": row.org_id, "urge_count": row.urge_count, "owes": owes, "reminders": planned},
    )
    return row


@transaction.atomic
def notice_urge_outstanding(*, actor: Any, notice: Notice) -> list[NoticeRecipient]:
    """催办 every unit of `notice` that still owes its 签收 or 回执, in one click."""
    rows = [
        row
        for row in NoticeRecipient.objects.filter(notice=notice).select_related("org")
        if row.signed_at is None or (notice.requires_receipt and row.receipt_at is None)
    ]
    if not rows:
        raise ValidationError(
            "所有接收单位均已签收" + ("并报送回执" if notice.requires_receipt else "") + "，无需催办。"
        )
    return [recipient_urge(actor=actor, recipient=row) for row in rows]


# --------------------------------------------------------------------------- contacts

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def _clean_contact(org: Org, data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = str(data.get("name") or "").strip()
    phone = re.sub(r"[\s()（）]", "", str(data.get("phone") or ""))
    email = str(data.get("email") or "").strip()
    module = str(data.get("module") or Module.GENERAL)
    user = data.get("user")
    if not name:
        errors["name"] = "请填写联络员姓名。"
    if module not in Module.values:
        errors["module"] = "负责事项无效。"
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = f"“{phone[:20]}”不是有效的电话号码（手机 11 位，座机如 0750-3271234）。"
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = f"“{email[:60]}”不是有效的电子邮箱地址。"
    if not phone and not email:
        errors["phone"] = "手机号码和电子邮箱至少填写一项，否则提醒无法送达。"
    if user is not None and user.org_id != org.pk:
        errors["user"] = "所选账号不属于本单位。"
    if errors:
        raise ValidationError(errors)
    return {
        "name": name[:50],
        "position": str(data.get("position") or "").strip()[:50],
        "phone": phone,
        "email": email,
        "module": module,
        "user": user,
    }


@transaction.atomic
def contact_create(*, actor: Any, org: Org, data: Mapping[str, Any]) -> Contact:
    values = _clean_contact(org, data)
    if Contact.objects.filter(org=org, module=values["module"], name=values["name"]).exists():
        raise ValidationError({"name": f"本单位已有负责该事项的联络员“{values['name']}”。"})
    contact = Contact.objects.create(
        org=org, updated_by=actor if getattr(actor, "pk", None) else None, **values
    )
    audit_record(
        actor=actor, action="notices.contact.created", target=contact, after=snapshot(contact, CONTACT_FIELDS)
    )
    return contact


@transaction.atomic
def contact_update(*, actor: Any, contact: Contact, data: Mapping[str, Any]) -> Contact:
    values = _clean_contact(contact.org, data)
    clash = Contact.objects.filter(
        org_id=contact.org_id, module=values["module"], name=values["name"]
    ).exclude(pk=contact.pk)
    if clash.exists():
        raise ValidationError({"name": f"本单位已有负责该事项的联络员“{values['name']}”。"})
    before = snapshot(contact, CONTACT_FIELDS)
    for key, value in values.items():
        setattr(contact, key, value)
    contact.updated_by = actor if getattr(actor, "pk", None) else None
    contact.save()
    old, new = diff(before, snapshot(contact, CONTACT_FIELDS))
    if new:
        audit_record(actor=actor, action="notices.contact.updated", target=contact, before=old, after=new)
    return contact


@transaction.atomic
def contact_delete(*, actor: Any, contact: Contact) -> None:
    audit_record(
        actor=actor,
        action="notices.contact.deleted",
        target=contact,
        before=snapshot(contact, CONTACT_FIELDS),
    )
    contact.delete()


@transaction.atomic
def reminder_preference_set(*, actor: Any, email: bool, sms: bool) -> ReminderPreference:
    """The person's own choice of channels (both off: reminders only on the home page)."""
    pref, _ = ReminderPreference.objects.select_for_update().get_or_create(user=actor)
    before = {"email": pref.email, "sms": pref.sms}
    pref.email, pref.sms = bool(email), bool(sms)
    pref.save()
    old, new = diff(before, {"email": pref.email, "sms": pref.sms})
    if new:
        audit_record(actor=actor, action="notices.preference.updated", target=pref, before=old, after=new)
    return pref


@transaction.atomic
def reminder_retry(*, actor: Any, reminder: Reminder) -> Reminder:
    """The office sends a reminder that failed for good once more (next run)."""
    reminder = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if reminder.status not in (ReminderStatus.FAILED, ReminderStatus.PENDING):
        raise ValidationError(f"该提醒当前为「{reminder.get_status_display()}」，不能重新发送。")
    reminder.status, reminder.retry_after, reminder.claimed_at = ReminderStatus.PENDING, None, None
    reminder.save(update_fields=["status", "retry_after", "claimed_at"])
    audit_record(
        actor=actor, action="notices.reminder.retried", target=reminder, data={"attempts": reminder.attempts}
    )
    transaction.on_commit(reminding.enqueue_send)
    return reminder
