"""Reads of notices, numbers, contacts and reminders (querysets with their joins decided here)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from accounts import roles
from accounts.models import User
from notices.models import (
    Contact,
    DocumentNumber,
    DocumentNumberSeries,
    Module,
    Notice,
    NoticeRecipient,
    NoticeStatus,
    Reminder,
    ReminderStatus,
)
from orgs.models import Org, OrgType


def notices_for_office() -> QuerySet[Notice]:
    return Notice.objects.select_related("sent_by", "sent_by_org").annotate(
        recipient_count=Count("recipients", distinct=True),
        signed_count=Count("recipients", filter=Q(recipients__signed_at__isnull=False), distinct=True),
        receipt_count=Count("recipients", filter=Q(recipients__receipt_at__isnull=False), distinct=True),
    )


def notices_for_unit(org_id: int) -> QuerySet[NoticeRecipient]:
    """The rows of the notices sent to one unit, each with its notice."""
    return NoticeRecipient.objects.filter(org_id=org_id, notice__status=NoticeStatus.SENT).select_related(
        "notice", "notice__sent_by_org", "signed_by"
    )


def recipients_of(notice: Notice) -> QuerySet[NoticeRecipient]:
    return (
        NoticeRecipient.objects.filter(notice=notice)
        .select_related("org", "signed_by", "receipt_by", "receipt_file")
        .order_by("org__path", "pk")
    )


def is_overdue(notice: Notice, row: NoticeRecipient, today: datetime.date) -> bool:
    return bool(
        notice.requires_receipt
        and row.receipt_at is None
        and notice.receipt_deadline
        and notice.receipt_deadline < today
    )


def is_outstanding(notice: Notice, row: NoticeRecipient) -> bool:
    """Still owes the office something: 签收, or a required 回执."""
    return row.signed_at is None or (notice.requires_receipt and row.receipt_at is None)


def resolve_recipients(
    *,
    types: list[str] | None = None,
    subtree_of: Org | None = None,
    orgs: list[Org] | None = None,
    targets: bool = False,
    assessors: bool = False,
) -> list[Org]:
    """Orgs chosen by type, by tree (an org and everything below it), by list, or
    the 被考评单位 / 考评单位 flags — their union, active orgs only, in tree order."""
    q = Q(pk__in=[o.pk for o in orgs or []])
    if types:
        q |= Q(type__in=types)
    if subtree_of is not None:
        q |= Q(path__startswith=subtree_of.path)
    if targets:
        q |= Q(is_target=True)
    if assessors:
        q |= Q(is_assessor=True)
    return list(Org.objects.filter(q, active=True).order_by("path"))


def sendable_orgs() -> QuerySet[Org]:
    return Org.objects.filter(active=True).exclude(type=OrgType.CITY).order_by("path")


# --------------------------------------------------------------------------- numbers


def number_register(
    *, prefix: str = "", year: int | None = None, status: str = ""
) -> QuerySet[DocumentNumber]:
    qs = DocumentNumber.objects.select_related("series", "taken_by", "voided_by")
    if prefix:
        qs = qs.filter(series__prefix=prefix)
    if year:
        qs = qs.filter(series__year=year)
    if status:
        qs = qs.filter(status=status)
    return qs


def series_list() -> QuerySet[DocumentNumberSeries]:
    return DocumentNumberSeries.objects.annotate(
        used=Count("numbers", filter=Q(numbers__status="used")),
        reserved=Count("numbers", filter=Q(numbers__status="reserved")),
        voided=Count("numbers", filter=Q(numbers__status="voided")),
    ).order_by("-year", "prefix")


# --------------------------------------------------------------------------- contacts


def contacts() -> QuerySet[Contact]:
    return Contact.objects.select_related("org", "user")


@dataclass(frozen=True)
class Recipient:
    """Someone a reminder goes to, from the directory or, failing that, a user of the unit."""

    name: str
    email: str
    phone: str
    contact: Contact | None
    user: User | None


def reachable_people(org_ids: set[int], module: str) -> dict[int, list[Recipient]]:
    """Per org: its 联络员 for `module`, else its general ones, else its business
    users with an e-mail or phone number (two queries, whatever the number of orgs)."""
    by_org: dict[int, list[Contact]] = {}
    for contact in Contact.objects.filter(
        org_id__in=org_ids, module__in=(module, Module.GENERAL)
    ).select_related("user__reminder_preference"):
        by_org.setdefault(contact.org_id, []).append(contact)
    result: dict[int, list[Recipient]] = {}
    for org_id, found in by_org.items():
        specific = [c for c in found if c.module == module] or [
            c for c in found if c.module == Module.GENERAL
        ]
        result[org_id] = [Recipient(c.name, c.email, c.phone, c, c.user) for c in specific]
    missing = org_ids - set(result)
    if missing:
        users = (
            User.objects.filter(org_id__in=missing, is_active=True, role__isnull=False)
            .exclude(role_id__in=roles.ADMIN_ROLES)
            .exclude(email="", phone="")
            .select_related("reminder_preference")
            .order_by("pk")
        )
        for user in users:
            result.setdefault(user.org_id or 0, []).append(
                Recipient(user.display_name, user.email, user.phone, None, user)
            )
    return result


# --------------------------------------------------------------------------- reminders


def reminder_record(*, status: str = "", channel: str = "", query: str = "") -> QuerySet[Reminder]:
    qs = Reminder.objects.select_related("org")
    if status == "problem":
        qs = qs.filter(Q(status=ReminderStatus.FAILED) | Q(status=ReminderStatus.PENDING, attempts__gt=0))
    elif status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if query:
        qs = qs.filter(
            Q(subject__icontains=query) | Q(address__icontains=query) | Q(recipient_name__icontains=query)
        )
    return qs


def reminder_problems() -> int:
    """Reminders not sent although due: failed for good, or waiting for a retry."""
    return Reminder.objects.filter(
        Q(status=ReminderStatus.FAILED) | Q(status=ReminderStatus.PENDING, attempts__gt=0)
    ).count()
