"""The 惠民实事 nav item and home to-dos (each provider costs at most a couple of queries)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from selections import access, selectors
from selections.models import Decision, Edition, Objection, Phase, Review, Screening, Vote
from workbench import nav

MODULE = "惠民实事"


def todos(user: Any) -> Iterator[nav.Todo]:
    if not user.is_authenticated:
        return
    if access.is_office(user):
        yield from _office(user)
    elif access.is_expert(user):
        yield from _expert(user)
    elif access.is_unit_user(user):
        yield from _unit(user)


def _office(user: Any) -> Iterator[nav.Todo]:
    for edition in Edition.objects.exclude(phase=Phase.TRACKING).annotate(
        pending=Count("nominations", filter=Q(nominations__screening=Screening.PENDING), distinct=True),
    ):
        url = reverse("selections:edition_detail", args=[edition.pk])
        if edition.phase == Phase.SCREEN and edition.pending:
            yield nav.Todo(
                f"{edition.pending} 个惠民实事推荐项目待资格审查", url, MODULE, detail=edition.name
            )
        if edition.phase in (Phase.VOTE, Phase.RANK):
            doubtful = Vote.objects.filter(edition=edition, doubtful=True, decision=Decision.NONE).count()
            if doubtful:
                yield nav.Todo(
                    f"{doubtful} 张存疑选票待认定",
                    reverse("selections:votes", args=[edition.pk]),
                    MODULE,
                    urgent=edition.phase == Phase.RANK,
                    detail=edition.name,
                )
        if edition.phase == Phase.PUBLICITY:
            open_objections = Objection.objects.filter(edition=edition, answered_at__isnull=True).count()
            if open_objections:
                yield nav.Todo(
                    f"{open_objections} 条公示异议待答复",
                    reverse("selections:objections", args=[edition.pk]),
                    MODULE,
                    urgent=True,
                    detail=edition.name,
                )
    overdue = selectors.overdue_milestones().count()
    if overdue:
        yield nav.Todo(
            f"{overdue} 个惠民实事项目节点已逾期",
            reverse("selections:project_list") + "?overdue=1",
            MODULE,
            urgent=True,
            detail="请督促责任单位报告进展",
        )


def _expert(user: Any) -> Iterator[nav.Todo]:
    open_reviews = Review.objects.filter(
        member__user=user, submitted_at__isnull=True, nomination__edition__phase=Phase.REVIEW
    ).select_related("nomination__edition")
    count = open_reviews.count()
    if count:
        first = open_reviews.first()
        assert first is not None
        raw = first.nomination.edition.deadline(Phase.REVIEW)
        due = datetime.date.fromisoformat(raw) if raw else None
        yield nav.Todo(
            f"{count} 个惠民实事推荐项目待您评审",
            reverse("selections:my_reviews"),
            MODULE,
            due=due,
            detail=first.nomination.edition.name,
            urgent=bool(due and (due - timezone.localdate()).days <= 3),
        )


def _unit(user: Any) -> Iterator[nav.Todo]:
    today = timezone.localdate()
    for milestone in selectors.overdue_milestones(today).filter(project__responsible_org_id=user.org_id)[:10]:
        yield nav.Todo(
            f"惠民实事节点逾期：{milestone.project.title} · {milestone.title}",
            reverse("selections:project_detail", args=[milestone.project_id]),
            MODULE,
            due=milestone.due,
            urgent=True,
            detail=f"已逾期 {(today - milestone.due).days} 天，请完成后标记并报告进展",
        )


def register() -> None:
    nav.register(nav.NavItem("惠民实事", "selections:home", order=48, visible=access.can_see_module))
    nav.register_todos(todos)
