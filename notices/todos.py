"""The 通知公告 nav item and home to-dos (at most two queries per user)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from notices import access, selectors
from notices.models import Notice, NoticeRecipient, NoticeStatus
from workbench import nav

MODULE = "通知公告"


def todos(user: Any) -> Iterator[nav.Todo]:
    if not user.is_authenticated:
        return
    if access.is_office(user):
        yield from _office_todos()
    elif access.is_unit_user(user):
        yield from _unit_todos(user)


def _office_todos() -> Iterator[nav.Todo]:
    today = timezone.localdate()
    overdue = (
        Notice.objects.filter(
            status=NoticeStatus.SENT,
            requires_receipt=True,
            receipt_deadline__lt=today,
            recipients__receipt_at__isnull=True,
        )
        .annotate(missing=Count("recipients", filter=Q(recipients__receipt_at__isnull=True)))
        .order_by("-sent_at")[:5]
    )
    for notice in overdue:
        yield nav.Todo(
            f"「{notice.title}」：{notice.missing} 个单位逾期未报送回执",
            reverse("notices:detail", args=[notice.pk]),
            MODULE,
            due=notice.receipt_deadline,
            detail="可在通知页面一键催办",
            urgent=True,
        )
    problems = selectors.reminder_problems()
    if problems:
        yield nav.Todo(
            f"{problems} 条提醒未能发出",
            reverse("notices:reminder_list") + "?status=problem",
            MODULE,
            detail="邮件或短信发送失败，系统会自动重试；请检查邮件服务器或短信网关设置",
            urgent=True,
        )


def _unit_todos(user: Any) -> Iterator[nav.Todo]:
    today = timezone.localdate()
    rows = (
        NoticeRecipient.objects.filter(org_id=user.org_id, notice__status=NoticeStatus.SENT)
        .filter(Q(signed_at__isnull=True) | Q(notice__requires_receipt=True, receipt_at__isnull=True))
        .select_related("notice")
        .order_by("notice__receipt_deadline", "-notice__sent_at")[:20]
    )
    for row in rows:
        notice = row.notice
        due = notice.receipt_deadline if notice.requires_receipt else None
        if row.signed_at is None:
            title = f"待签收通知：{notice.title}"
        else:
            title = f"待报送回执：{notice.title}"
        detail = f"依法治办已催办 {row.urge_count} 次" if row.urge_count else ""
        overdue = bool(due is not None and due < today)
        if due is not None and overdue:
            detail = f"回执已逾期 {(today - due).days} 天" + (f"；{detail}" if detail else "")
        yield nav.Todo(
            title,
            reverse("notices:detail", args=[notice.pk]),
            MODULE,
            due=due,
            detail=detail,
            urgent=overdue or bool(row.urge_count) or (due is not None and (due - today).days <= 3),
        )


def register() -> None:
    nav.register(nav.NavItem("通知公告", "notices:list", order=30, visible=access.can_use_notices))
    nav.register(nav.NavItem("联络员名录", "notices:contact_list", order=31, visible=access.can_use_notices))
    nav.register(nav.NavItem("发文字号", "notices:number_list", order=32, visible=access.is_office))
    nav.register(nav.NavItem("提醒记录", "notices:reminder_list", order=33, visible=access.is_office))
    nav.register(nav.NavItem("提醒方式", "notices:preferences", order=34, visible=access.can_use_notices))
    nav.register_todos(todos)
