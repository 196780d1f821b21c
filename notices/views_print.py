"""Pages made for paper: a county's 自评表, a unit's 评分表 and a 迎检 task list,
each as a form with its signature lines, a page per target or unit. They read
through each module's own access functions; the print stylesheet
(static/fazhi/print.css) drops navigation and buttons and repeats table headers."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.http import AuthedRequest
from orgs.models import Org


def _printed_by(request: AuthedRequest) -> dict[str, Any]:
    return {"printed_by": request.user.display_name, "printed_at": timezone.localtime()}


@login_required
def self_assessment_form(request: AuthedRequest, campaign_pk: int, target_pk: int) -> HttpResponse:
    """自评表: every applicable indicator of a county with its self score, narrative and evidence."""
    from assessments import access
    from assessments.models import SelfAssessment

    user = request.user
    campaign = access.access_campaign(user, campaign_pk)
    if not (access.can_manage(user) or access.is_own_target(user, target_pk)):
        raise Http404("自评表不存在")
    target = Org.objects.filter(pk=target_pk, target_campaigns=campaign).first()
    if target is None:
        raise Http404("自评表不存在")
    rows = list(
        SelfAssessment.objects.filter(campaign=campaign, target=target)
        .select_related("indicator__section", "submitted_by")
        .annotate(evidence_count=Count("evidence"))
        .order_by("indicator__section__order", "indicator__order", "indicator__code")
    )
    sections: dict[Any, list[Any]] = defaultdict(list)
    for sa in rows:
        sections[sa.indicator.section].append(sa)
    total = sum((sa.self_score or 0) for sa in rows)
    return render(
        request,
        "notices/print/self_assessment.html",
        {
            "campaign": campaign,
            "target": target,
            "sections": list(sections.items()),
            "total": total,
            "title": f"{target.name}{campaign.year}年度法治建设考评自评表",
            **_printed_by(request),
        },
    )


@login_required
def scoring_form(request: AuthedRequest, campaign_pk: int, unit_pk: int) -> HttpResponse:
    """评分表: an assessing unit's indicators scored for every target, a page per target."""
    from assessments import access
    from assessments.models import Score

    user = request.user
    campaign = access.access_campaign(user, campaign_pk)
    if not (access.can_manage(user) or (access.is_assessor(user) and user.org_id == unit_pk)):
        raise Http404("评分表不存在")
    unit = Org.objects.filter(pk=unit_pk, assessor_campaigns=campaign).first()
    if unit is None:
        raise Http404("评分表不存在")
    scores = (
        Score.objects.filter(campaign=campaign, indicator__assessors=unit)
        .select_related("target", "indicator__section", "entered_by", "reviewed_by")
        .order_by(
            "target__sort_order",
            "target__code",
            "indicator__section__order",
            "indicator__order",
            "indicator__code",
        )
    )
    by_target: dict[Any, list[Any]] = defaultdict(list)
    for score in scores:
        by_target[score.target].append(score)
    return render(
        request,
        "notices/print/scoring.html",
        {
            "campaign": campaign,
            "unit": unit,
            "targets": [(t, rows, sum((s.score or 0) for s in rows)) for t, rows in by_target.items()],
            "title": f"{unit.name}{campaign.year}年度法治建设考评评分表",
            **_printed_by(request),
        },
    )


@login_required
def task_list_form(request: AuthedRequest) -> HttpResponse:
    """迎检任务清单: the office's every unit (a page each), or a unit's own tasks."""
    from provincial import access, selectors
    from provincial.models import ProvincialFramework

    user = request.user
    if not access.can_see_module(user):
        raise Http404("页面不存在")
    try:
        framework_pk = int(request.GET.get("framework") or 0)
    except ValueError:
        framework_pk = 0
    framework = (
        ProvincialFramework.objects.filter(pk=framework_pk).first()
        if framework_pk
        else ProvincialFramework.objects.order_by("-year").first()
    )
    if framework is None:
        raise Http404("尚无考评指标体系")
    tasks = selectors.tasks().filter(indicator__framework=framework)
    if not access.is_office(user):
        tasks = tasks.filter(org_id=user.org_id or 0)
    by_unit: dict[Any, list[Any]] = defaultdict(list)
    for task in tasks.order_by("org__sort_order", "org__code", "indicator__order", "pk"):
        by_unit[task.org].append(task)
    return render(
        request,
        "notices/print/tasks.html",
        {
            "framework": framework,
            "units": list(by_unit.items()),
            "today": timezone.localdate(),
            "title": f"{framework.year}年度法治广东建设考评迎检任务清单",
            **_printed_by(request),
        },
    )
