"""考评结果: the list of campaigns, the ranking (published: the snapshot; before:
the live ranking for the office), the what-if, the draft ranking xlsx, a
target's scores and the drill-down of one score."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.access import require
from accounts.http import AuthedRequest
from assessments import access, publication_docs
from assessments.forms import WhatIfForm
from assessments.models import (
    Appeal,
    Campaign,
    IndicatorGroup,
    Phase,
    Rule,
    Score,
    ScoreChange,
    ScoreItem,
    ScoreStatus,
    SelfAssessment,
    SelfAssessmentStatus,
)
from assessments.selectors import appeals as appeal_selectors
from assessments.selectors import publication as pub
from assessments.selectors import results
from assessments.services import appeals
from assessments.services import publication as publication_services
from audit.services import audit_record
from documents.xlsx import XLSX_MIME, file_response, table_workbook
from workbench.tables import sorted_page


def results_crumbs(campaign: Campaign | None = None, *extra: tuple[str, str | None]) -> list:
    crumbs: list[tuple[str, str | None]] = [("考评结果", reverse("assessments:results_index"))]
    if campaign is not None:
        crumbs.append((campaign.name, reverse("assessments:results", args=[campaign.pk])))
    return [*crumbs, *extra]


@login_required
def results_index(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_use_assessments(user))
    qs = (
        access.campaigns_for(user)
        .select_related("framework", "publication")
        .annotate(open_appeals=appeal_selectors.open_appeal_count(user))
    )
    page, sort = sorted_page(request, qs, allowed=("year", "name", "phase"), default="-year")
    return render(
        request,
        "assessments/results/index.html",
        {
            "page": page,
            "sort": sort,
            "can_manage": access.can_manage(user),
            "can_trends": access.can_manage(user) or access.is_target(user),
            "title": "考评结果",
            "breadcrumbs": [("考评结果", None)],
        },
    )


@login_required
def results_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """Published: the snapshot's ranking for everyone in the campaign. Before
    that: the live ranking for the office only (nobody else sees other
    targets' scores); a target gets a link to its own scores."""
    user = request.user
    campaign = access.access_campaign(user, pk)
    publication = pub.publication_of(campaign)
    context: dict[str, Any] = {
        "campaign": campaign,
        "publication": publication,
        "can_manage": access.can_manage(user),
        "is_target": access.is_target(user),
        "title": f"{campaign.name} · 考评结果",
        "breadcrumbs": results_crumbs(campaign),
    }
    if publication is not None:
        complete, own = access.results_reader(user)
        snap = pub.snapshot_for(publication.snapshot, complete=complete, own=own)
        pks = dict(campaign.targets.values_list("code", "pk"))
        context.update(
            rows=[(r, pks.get(r["code"])) for r in snap["ranking"]],
            classed=any(r.get("unit_class") for r in snap["ranking"]),
            check=(check := pub.publication_check(publication)),
            verified=check.ok,
            rules_lines=publication_docs.rules_sentences(snap["rules"]),
            own_code=own,
        )
    elif access.can_manage(user):
        inputs = results.campaign_inputs(campaign)
        rules = results.campaign_rules(campaign)
        context.update(
            live=[
                (r, inputs.target_ids[r.code], inputs.scored[r.code])
                for r in results.rank(inputs.inputs, rules)
            ],
            classed=any(t.unit_class for t in inputs.inputs),
            blockers=publication_services.publish_blockers(campaign),
            rules_lines=publication_docs.rules_sentences(rules.as_json()),
        )
    elif access.is_target(user) and campaign.phase in access.TARGET_SCORE_PHASES:
        context["own_scores_url"] = reverse("assessments:target_scores", args=[campaign.pk, user.org_id])
    return render(request, "assessments/results/results.html", context)


@login_required
def results_what_if(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change weights, thresholds, quota or the bonus cap and see ranks and
    grades move; nothing is saved."""
    user = request.user
    campaign = access.access_campaign(user, pk)
    require(access.can_manage(user))
    base = results.campaign_rules(campaign)
    form = WhatIfForm(request.GET or None, initial=WhatIfForm.initial_from(base))
    rules = form.rules(base) if form.is_bound and form.is_valid() else base
    rows = results.what_if(campaign, rules)
    context = {
        "campaign": campaign,
        "form": form,
        "rows": rows,
        "changed_ranks": sum(1 for r in rows if r.rank_move),
        "changed_grades": sum(1 for r in rows if r.grade_changed),
        "published": campaign.phase == Phase.PUBLISHED,
        "title": f"{campaign.name} · 模拟测算",
        "breadcrumbs": results_crumbs(campaign, ("模拟测算", None)),
    }
    if request.headers.get("HX-Request"):
        return render(request, "assessments/results/what_if.html#whatif-table", context)
    return render(request, "assessments/results/what_if.html", context)


@login_required
def results_live_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The office's working ranking (before publication) as xlsx."""
    user = request.user
    campaign = access.access_campaign(user, pk)
    require(access.can_manage(user))
    ranking = results.campaign_ranking(campaign)
    rows = [
        [
            r.rank,
            r.code,
            r.name,
            float(r.total),
            float(r.indicator_total),
            float(r.bonus),
            float(r.deductions),
            None if r.social is None else float(r.social),
            float(r.lost),
            r.grade,
            "是" if r.veto else "否",
        ]
        for r in ranking
    ]
    content = table_workbook([("排名（未公布）", publication_docs.RANKING_HEADERS, rows)])
    filename = f"{campaign.year}年度考评排名（审定稿，未公布）.xlsx"
    audit_record(
        actor=user, action="assessments.results.exported", target=campaign, data={"filename": filename}
    )
    return file_response(content, filename, XLSX_MIME)


def _group_totals(campaign: Campaign, org_pk: int) -> list[tuple[IndicatorGroup, Decimal]]:
    """The target's 二级指标 subtotals (after the rules stated for a group)."""
    subtotals = results.group_totals(campaign, [org_pk]).get(org_pk, {})
    if not subtotals:
        return []
    groups = IndicatorGroup.objects.filter(pk__in=list(subtotals)).select_related("section")
    return [(g, subtotals[g.pk]) for g in groups.order_by("section__order", "order", "pk")]


@login_required
def target_scores(request: AuthedRequest, pk: int, org_pk: int) -> HttpResponse:
    """One target's approved scores, with appeal buttons in the appeal window.
    Visible to the office and to the target itself (in 结果反馈/申诉复核/公布)."""
    user = request.user
    campaign = access.access_campaign(user, pk)
    org = access.campaign_target(campaign, org_pk)
    if not access.can_see_target_scores(user, campaign, org.pk):
        raise Http404("评分不存在")
    scores = list(
        Score.objects.filter(campaign=campaign, target=org)
        .select_related("indicator", "indicator__section", "assessor_org")
        .prefetch_related(Prefetch("appeals", queryset=Appeal.objects.order_by("-pk")))
        .order_by("indicator__section__order", "indicator__order", "indicator__code")
    )
    window_problem = appeals.appeal_window_problem(campaign)
    window = appeal_selectors.appeal_window(campaign)
    appealable = {
        s.pk
        for s in scores
        if appeals.appeal_refusal(user, s, window_problem=window_problem, appealed=bool(s.appeals.all()))
        is None
    }
    return render(
        request,
        "assessments/results/target_scores.html",
        {
            "campaign": campaign,
            "org": org,
            "scores": scores,
            "total": sum((s.score or 0) for s in scores if s.status == ScoreStatus.APPROVED),
            "group_totals": _group_totals(campaign, org.pk),
            "can_appeal": access.is_own_target(user, org.pk) and window_problem is None,
            "appealable": appealable,
            "window": window,
            "window_problem": window_problem,
            "title": f"{org.display_name} · 得分明细",
            "breadcrumbs": results_crumbs(campaign, (org.display_name, None)),
        },
    )


@login_required
def score_drilldown(request: AuthedRequest, score_pk: int) -> HttpResponse:
    """rule → deduction → reason → evidence → who scored, who reviewed → appeal."""
    user = request.user
    score = access.access_score(user, score_pk)
    items = list(ScoreItem.objects.filter(score=score).select_related("rule").order_by("pk"))
    rules = list(Rule.objects.filter(indicator=score.indicator).order_by("order", "code"))
    applied = {i.rule_id for i in items}
    self_assessment = (
        SelfAssessment.objects.filter(
            campaign_id=score.campaign_id, target_id=score.target_id, indicator_id=score.indicator_id
        )
        .prefetch_related("evidence")
        .first()
    )
    if (
        access.is_assessor(user)
        and self_assessment
        and self_assessment.status != SelfAssessmentStatus.SUBMITTED
    ):
        self_assessment = None  # assessors see submitted self-assessments only
    history = list(
        ScoreChange.objects.filter(score=score).select_related("changed_by").order_by("changed_at", "pk")
    )
    score_appeals = list(
        Appeal.objects.filter(score=score)
        .select_related("created_by", "answered_by", "decided_by")
        .prefetch_related("evidence")
        .order_by("pk")
    )
    return render(
        request,
        "assessments/results/score_drilldown.html",
        {
            "score": score,
            "campaign": score.campaign,
            "indicator": score.indicator,
            "items": items,
            "rules": rules,
            "applied": applied,
            "self_assessment": self_assessment,
            "history": history,
            "appeals": score_appeals,
            "lost": (score.indicator.max_score - score.score) if score.score is not None else None,
            "can_appeal": appeals.appeal_refusal(
                user,
                score,
                window_problem=appeals.appeal_window_problem(score.campaign),
                appealed=bool(score_appeals),
            )
            is None,
            "title": f"{score.target.display_name} · {score.indicator.code} 得分溯源",
            "breadcrumbs": results_crumbs(
                score.campaign, (f"{score.target.display_name} {score.indicator.code}", None)
            ),
        },
    )
