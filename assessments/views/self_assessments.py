"""自评: a target fills its self-assessments with evidence and submits them; the
office returns items with a reason; an assessing unit reads the submitted ones."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import require
from accounts.http import AuthedRequest
from assessments import access
from assessments.forms import ReturnForm, SelfAssessmentForm
from assessments.models import (
    Indicator,
    Phase,
    SelfAssessment,
    SelfAssessmentStatus,
)
from assessments.selectors import campaigns as campaign_selectors
from assessments.services import self_assessments as sa_services
from assessments.services.extensions import deadline_problem
from assessments.views.campaigns import campaign_crumbs


@login_required
def self_home(request: AuthedRequest, pk: int) -> HttpResponse:
    """A target lands on its own list; others pick a target on the campaign page."""
    user = request.user
    campaign = access.access_campaign(user, pk)
    if access.is_target(user):
        return redirect("assessments:self_list", pk=campaign.pk, target_id=user.org_id)
    return redirect("assessments:campaign_detail", pk=campaign.pk)


@login_required
def self_list(request: AuthedRequest, pk: int, target_id: int) -> HttpResponse:
    user = request.user
    campaign = access.access_campaign(user, pk)
    target = access.access_target(user, campaign, target_id)
    indicators = campaign_selectors.campaign_indicators(
        campaign,
        access.applicable_to(
            Indicator.objects.filter(section__framework_id=campaign.framework_id), target.pk
        ),
    )
    matrix = campaign_selectors.campaign_matrix(
        campaign, indicators=indicators, targets=[target], with_scores=False
    )
    rows = {
        sa.indicator_id: sa
        for sa in SelfAssessment.objects.filter(campaign=campaign, target=target)
        .select_related("submitted_by")
        .prefetch_related("evidence")
    }
    sections: list[tuple] = []
    for ind in indicators:
        if not sections or sections[-1][0].pk != ind.section_id:
            sections.append((ind.section, matrix.self_by_section[ind.section_id], []))
        sections[-1][2].append((ind, rows.get(ind.pk)))
    editable = access.is_target(user) and campaign.phase in (Phase.SELF_ASSESS, Phase.SCORING)
    late = (
        deadline_problem(campaign, target.pk, Phase.SELF_ASSESS)
        if campaign.phase == Phase.SELF_ASSESS
        else None
    )
    return render(
        request,
        "assessments/self_list.html",
        {
            "campaign": campaign,
            "target": target,
            "sections": sections,
            "progress": matrix.self_by_target[target.pk],
            "editable": editable and late is None,
            "deadline_note": late,
            "is_office": access.can_manage(user),
            "title": f"{target.display_name} · 自评填报",
            "breadcrumbs": campaign_crumbs(campaign, (f"{target.display_name}自评", None)),
        },
    )


@login_required
@require_POST
def self_submit_all(request: AuthedRequest, pk: int, target_id: int) -> HttpResponse:
    user = request.user
    campaign = access.access_campaign(user, pk)
    target = access.access_target(user, campaign, target_id)
    try:
        count, problems = sa_services.self_assessment_submit_all(actor=user, campaign=campaign, target=target)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
    else:
        if count:
            messages.success(request, f"已提交 {count} 项自评。")
        if problems:
            messages.warning(
                request,
                f"{len(problems)} 项未提交（信息不完整）："
                + "；".join(problems[:8])
                + ("……" if len(problems) > 8 else ""),
            )
        if not count and not problems:
            messages.info(request, "没有需要提交的自评。")
    return redirect("assessments:self_list", pk=campaign.pk, target_id=target.pk)


def _self_context(request: AuthedRequest, sa: SelfAssessment, form: SelfAssessmentForm | None) -> dict:
    user = request.user
    editable = (
        access.is_target(user)
        and user.org_id == sa.target_id
        and (
            sa.status != SelfAssessmentStatus.SUBMITTED
            and (
                sa.campaign.phase == Phase.SELF_ASSESS
                or (sa.campaign.phase == Phase.SCORING and sa.status == SelfAssessmentStatus.RETURNED)
            )
        )
    )
    if form is None:
        form = SelfAssessmentForm(
            initial={"self_score": sa.self_score, "narrative": sa.narrative}, max_score=sa.indicator.max_score
        )
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    return {
        "sa": sa,
        "indicator": sa.indicator,
        "rules": list(sa.indicator.rules.all()),
        "campaign": sa.campaign,
        "form": form,
        "editable": editable,
        "evidence": list(sa.evidence.select_related("uploaded_by")),
        "can_return": access.can_manage(user)
        and sa.status == SelfAssessmentStatus.SUBMITTED
        and sa.campaign.phase in (Phase.SELF_ASSESS, Phase.SCORING),
        "return_form": ReturnForm(),
        "back": reverse("assessments:self_list", args=[sa.campaign_id, sa.target_id])
        if not access.is_assessor(user)
        else reverse("assessments:scoring", args=[sa.campaign_id]),
        "title": f"{sa.target.display_name} · {sa.indicator.code} {sa.indicator.name}",
        "breadcrumbs": campaign_crumbs(
            sa.campaign,
            (
                f"{sa.target.display_name}自评",
                reverse("assessments:self_list", args=[sa.campaign_id, sa.target_id])
                if not access.is_assessor(user)
                else None,
            ),
            (sa.indicator.code, None),
        ),
    }


@login_required
def self_detail(request: AuthedRequest, sa_pk: int) -> HttpResponse:
    user = request.user
    sa = access.access_self_assessment(user, sa_pk, write=request.method == "POST")
    form = None
    if request.method == "POST":
        form = SelfAssessmentForm(request.POST, max_score=sa.indicator.max_score)
        if form.is_valid():
            try:
                sa_services.self_assessment_save(actor=user, sa=sa, **form.cleaned_data)
                if request.POST.get("action") == "submit":
                    sa_services.self_assessment_submit(actor=user, sa=sa)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                submitted = request.POST.get("action") == "submit"
                messages.success(request, "已提交。" if submitted else "草稿已保存。")
                if submitted:
                    return redirect("assessments:self_list", pk=sa.campaign_id, target_id=sa.target_id)
                return redirect("assessments:self_detail", sa_pk=sa.pk)
        sa.refresh_from_db()
    return render(request, "assessments/self_detail.html", _self_context(request, sa, form))


@login_required
@require_POST
def self_return(request: AuthedRequest, sa_pk: int) -> HttpResponse:
    user = request.user
    sa = access.access_self_assessment(user, sa_pk)
    require(access.can_manage(user))
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写退回原因。")
        return redirect("assessments:self_detail", sa_pk=sa.pk)
    try:
        sa_services.self_assessment_return(actor=user, sa=sa, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"已将 {sa.target.display_name} 的指标 {sa.indicator.code} 退回修改。")
    return redirect("assessments:self_detail", sa_pk=sa.pk)


@login_required
@require_POST
def self_evidence_upload(request: AuthedRequest, sa_pk: int) -> HttpResponse:
    """Upload evidence files to the self-assessment (htmx rows or redirect)."""
    from attachments.views import render_rows

    user = request.user
    sa = access.access_self_assessment(user, sa_pk, write=True)
    try:
        created, errors = sa_services.self_assessment_evidence_add(
            actor=user, sa=sa, files=request.FILES.getlist("file")
        )
    except ValidationError as exc:
        created, errors = [], exc.messages
    if request.headers.get("HX-Request"):
        return render_rows(request, created, list_id=request.POST.get("list_id", "evidence"), errors=errors)
    for e in errors:
        messages.error(request, e)
    if created:
        messages.success(request, f"已上传 {len(created)} 个文件。")
    return redirect("assessments:self_detail", sa_pk=sa.pk)
