"""年度考评: list, create, overview (phase, deadlines, progress, what is missing),
phase advance, settings and deadlines, the 指标 × 单位 matrix, 社会评议 import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import require
from accounts.http import AuthedRequest
from assessments import access
from assessments.forms import (
    AdvanceForm,
    CampaignForm,
    CampaignSettingsForm,
    DeadlinesForm,
    ImportForm,
    deadlines_from,
)
from assessments.frameworks_xlsx import ImportFailed
from assessments.models import Campaign, Phase, PhaseChange, ScoreStatus, SocialEvaluation
from assessments.selectors import campaigns as campaign_selectors
from assessments.services import campaigns as services
from assessments.services import social
from audit.services import audit_record
from documents.xlsx import xlsx_response
from workbench.tables import sorted_page

LIST_CRUMB = ("年度考评", "/assessments/campaigns/")


def campaign_crumbs(campaign: Campaign | None = None, *extra: tuple[str, str | None]) -> list:
    crumbs = [LIST_CRUMB]
    if campaign is not None:
        crumbs.append((campaign.name, reverse("assessments:campaign_detail", args=[campaign.pk])))
    return [*crumbs, *extra]


@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_use_assessments(user))
    qs = campaign_selectors.campaign_list(access.campaigns_for(user))
    page, sort = sorted_page(request, qs, allowed=("year", "name", "phase"), default="-year")
    return render(
        request,
        "assessments/campaign_list.html",
        {
            "page": page,
            "sort": sort,
            "can_manage": access.can_manage(user),
            "title": "年度考评",
            "breadcrumbs": [("年度考评", None)],
        },
    )


@login_required
def campaign_create(request: AuthedRequest) -> HttpResponse:
    require(access.can_manage(request.user))
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=request.user,
                year=data["year"],
                name=data["name"],
                framework=data["framework"],
                targets=data["targets"],
                assessors=data["assessors"] or None,
                deadlines=deadlines_from(data),
                social_weight=data["social_weight"],
                bonus_cap=data["bonus_cap"],
                remind_days=data["remind_days"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已创建「{campaign.name}」，当前为部署阶段。")
            return redirect("assessments:campaign_detail", pk=campaign.pk)
    return render(
        request,
        "assessments/campaign_form.html",
        {"form": form, "title": "新建年度考评", "breadcrumbs": campaign_crumbs(None, ("新建", None))},
    )


def _phase_steps(campaign: Campaign) -> list[dict]:
    deadlines = {d.phase: d for d in campaign.deadlines.all()}
    current = campaign.phase_index + (1 if campaign.is_published else 0)
    return [
        {
            "phase": phase,
            "label": label,
            "deadline": deadlines.get(phase),
            "state": "done" if i < current else "current" if i == current else "todo",
            "days_left": campaign_selectors.days_left(deadlines[phase].due_on)
            if phase in deadlines
            else None,
            "overdue": -(campaign_selectors.days_left(deadlines[phase].due_on) or 0)
            if phase in deadlines
            else 0,
        }
        for i, (phase, label) in enumerate(Phase.choices)
    ]


@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = access.access_campaign(user, pk)
    indicators = campaign_selectors.campaign_indicators(campaign, access.visible_indicators(user, campaign))
    targets = campaign_selectors.campaign_targets(campaign)
    if access.is_target(user):
        targets = [t for t in targets if t.pk == user.org_id]
    matrix = campaign_selectors.campaign_matrix(
        campaign,
        indicators=indicators,
        targets=targets,
        with_scores=access.can_manage(user) or access.is_assessor(user),
    )
    context = {
        "campaign": campaign,
        "steps": _phase_steps(campaign),
        "matrix": matrix,
        "target_rows": [
            (t, matrix.self_by_target[t.pk], matrix.score_by_target[t.pk]) for t in matrix.targets
        ],
        "section_rows": [
            (s, matrix.self_by_section[s.pk], matrix.score_by_section[s.pk]) for s in matrix.sections
        ],
        "results_url": reverse("assessments:results", args=[campaign.pk]),
        "can_manage": access.can_manage(user),
        "is_target": access.is_target(user),
        "is_assessor": access.is_assessor(user),
        "title": campaign.name,
        "breadcrumbs": campaign_crumbs(campaign),
    }
    if access.can_manage(user):
        units = campaign_selectors.campaign_assessors(campaign)
        context.update(
            {
                "missing": services.campaign_missing(campaign, matrix=matrix),
                "next_label": dict(Phase.choices).get(
                    campaign_selectors.next_phase(campaign.phase) or "", ""
                ),
                "advance_form": AdvanceForm(),
                "assessor_progress": [
                    (o, matrix.score_by_assessor[o.pk]) for o in units if o.pk in matrix.score_by_assessor
                ],
                "changes": PhaseChange.objects.filter(campaign=campaign).select_related("changed_by"),
                "social_count": SocialEvaluation.objects.filter(campaign=campaign).count(),
            }
        )
    return render(request, "assessments/campaign_detail.html", context)


@login_required
@require_POST
def campaign_advance(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = access.access_campaign(request.user, pk, write=True)
    form = AdvanceForm(request.POST)
    form.is_valid()
    try:
        campaign = services.campaign_advance(
            actor=request.user,
            campaign=campaign,
            force=form.cleaned_data.get("force", False),
            note=form.cleaned_data.get("note", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"已进入「{campaign.get_phase_display()}」阶段。")
    return redirect("assessments:campaign_detail", pk=campaign.pk)


@login_required
def campaign_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = access.access_campaign(request.user, pk, write=True)
    current = {d.phase: d.due_on for d in campaign.deadlines.all()}
    settings_form = CampaignSettingsForm(
        request.POST if request.POST.get("form") == "settings" else None,
        initial={f: getattr(campaign, f) for f in ("name", "social_weight", "bonus_cap", "remind_days")},
    )
    deadlines_form = DeadlinesForm(
        request.POST if request.POST.get("form") == "deadlines" else None, initial_deadlines=current
    )
    if request.method == "POST":
        form = settings_form if request.POST.get("form") == "settings" else deadlines_form
        if form.is_valid():
            try:
                if form is settings_form:
                    services.campaign_update(actor=request.user, campaign=campaign, **form.cleaned_data)
                else:
                    services.campaign_set_deadlines(
                        actor=request.user, campaign=campaign, deadlines=deadlines_from(form.cleaned_data)
                    )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "已保存。")
                return redirect("assessments:campaign_detail", pk=campaign.pk)
    return render(
        request,
        "assessments/campaign_edit.html",
        {
            "campaign": campaign,
            "settings_form": settings_form,
            "deadlines_form": deadlines_form,
            "title": "考评设置与时限",
            "breadcrumbs": campaign_crumbs(campaign, ("设置与时限", None)),
        },
    )


@login_required
def campaign_matrix(request: AuthedRequest, pk: int) -> HttpResponse:
    """指标 × 被考评单位: each cell the self-assessment status and (for those
    who may see it) the score. A constant number of queries for any size."""
    user = request.user
    campaign = access.access_campaign(user, pk)
    require(access.can_manage(user) or access.is_assessor(user))
    indicators = campaign_selectors.campaign_indicators(campaign, access.visible_indicators(user, campaign))
    matrix = campaign_selectors.campaign_matrix(campaign, indicators=indicators)
    rows = []
    for ind in matrix.indicators:
        cells = []
        for t in matrix.targets:
            key = (t.pk, ind.pk)
            cells.append(
                {
                    "applicable": key in matrix.pairs,
                    "self": matrix.self_status.get(key),
                    "score": matrix.score_cells.get(key),
                }
            )
        rows.append((ind, cells))
    return render(
        request,
        "assessments/campaign_matrix.html",
        {
            "campaign": campaign,
            "matrix": matrix,
            "rows": rows,
            "title": f"{campaign.name} · 评分总览",
            "breadcrumbs": campaign_crumbs(campaign, ("评分总览", None)),
        },
    )


@login_required
def campaign_matrix_export(request: AuthedRequest, pk: int) -> HttpResponse:
    """The matrix as xlsx: one row per indicator, per target its score and status."""
    user = request.user
    campaign = access.access_campaign(user, pk)
    require(access.can_manage(user) or access.is_assessor(user))
    indicators = campaign_selectors.campaign_indicators(campaign, access.visible_indicators(user, campaign))
    matrix = campaign_selectors.campaign_matrix(campaign, indicators=indicators)
    labels = {ScoreStatus.DRAFT: "经办填写", ScoreStatus.SUBMITTED: "待审核", ScoreStatus.APPROVED: "已生效"}
    headers = ["板块", "指标编号", "指标", "分值"]
    for t in matrix.targets:
        headers += [f"{t.display_name}得分", f"{t.display_name}状态"]
    rows = []
    for ind in matrix.indicators:
        row: list = [ind.section.name, ind.code, ind.name, ind.max_score]
        for t in matrix.targets:
            cell = matrix.score_cells.get((t.pk, ind.pk))
            if (t.pk, ind.pk) not in matrix.pairs:
                row += [None, "不适用"]
            elif cell is None or cell["score"] is None:
                row += [None, "未评分"]
            else:
                row += [cell["score"], labels.get(cell["status"], cell["status"])]
        rows.append(row)
    audit_record(
        actor=user, action="assessments.campaign.matrix_exported", target=campaign, data={"rows": len(rows)}
    )
    return xlsx_response(f"{campaign.name}-评分总览.xlsx", "评分总览", headers, rows)


@login_required
def social_evaluations(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = access.access_campaign(request.user, pk, write=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = social.parse_social(form.cleaned_data["file"].read(), campaign=campaign)
            count = social.social_import(actor=request.user, campaign=campaign, rows=rows)
        except ImportFailed as exc:
            errors = exc.errors
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已导入 {count} 个单位的社会评议得分。")
            return redirect("assessments:social", pk=campaign.pk)
    existing = SocialEvaluation.objects.filter(campaign=campaign).select_related("target", "imported_by")
    return render(
        request,
        "assessments/social.html",
        {
            "campaign": campaign,
            "form": form,
            "errors": errors,
            "rows": existing,
            "headers": social.HEADERS,
            "title": "社会评议",
            "breadcrumbs": campaign_crumbs(campaign, ("社会评议", None)),
        },
        status=400 if errors else 200,
    )


@login_required
def social_template(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = access.access_campaign(request.user, pk, write=True)
    existing = {s.target_id: s for s in SocialEvaluation.objects.filter(campaign=campaign)}
    rows = [
        [
            t.code,
            t.name,
            existing[t.pk].score if t.pk in existing else None,
            existing[t.pk].source if t.pk in existing else "",
        ]
        for t in campaign_selectors.campaign_targets(campaign)
    ]
    audit_record(
        actor=request.user,
        action="assessments.social_evaluation.exported",
        target=campaign,
        data={"rows": len(rows)},
    )
    return xlsx_response(f"{campaign.name}-社会评议.xlsx", "社会评议", social.HEADERS, rows)
