"""Pages of 督 (plans, records, findings) and 责 (proposed actions and their decisions)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accountability import access, problems_link, selectors, services
from accountability.forms import DecideForm, FindingForm, FollowUpForm, PlanForm, ProposeForm, RecordForm
from accountability.models import ActionState, InspectionRecord
from accountability.views import ROOT, _flash, attach_errors
from accounts.http import AuthedRequest

PLANS = ("督察", "/accountability/inspections/")


@login_required
def plan_list(request: AuthedRequest) -> HttpResponse:
    office = access.is_office(request.user)
    plans = selectors.plans() if office else selectors.plans().filter(team=request.user)
    if not office and not plans.exists():
        raise Http404("页面不存在")
    context = {"plans": plans, "office": office, "title": "综合督察", "breadcrumbs": [ROOT, ("督察", None)]}
    return render(request, "accountability/plan_list.html", context)


@login_required
def plan_create(request: AuthedRequest) -> HttpResponse:
    access.require_office(request.user)
    form = PlanForm(request.POST or None)
    if form.is_valid():
        try:
            plan = services.inspection_plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "督察计划已制定。")
            return redirect("accountability:plan_detail", pk=plan.pk)
    context = {"form": form, "title": "制定督察计划", "breadcrumbs": [ROOT, PLANS, ("制定督察计划", None)]}
    return render(request, "accountability/form.html", context)


@login_required
def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = access.access_plan(request.user, pk)
    records = list(plan.records.select_related("target", "recorded_by").prefetch_related("findings"))
    for record in records:
        record.deletable = services.record_deletable(request.user, record)
    context = {
        "plan": plan,
        "records": records,
        "plan_deletable": access.is_office(request.user) and services.plan_deletable(plan),
        "findings": selectors.findings().filter(plan=plan),
        "record_form": RecordForm(plan=plan, prefix="record"),
        "finding_form": FindingForm(plan=plan, prefix="finding"),
        "problems": problems_link.available(),
        "title": str(plan),
        "breadcrumbs": [ROOT, PLANS, (str(plan), None)],
    }
    return render(request, "accountability/plan_detail.html", context)


@login_required
@require_POST
def record_create(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = access.access_plan(request.user, pk)
    form = RecordForm(request.POST, plan=plan, prefix="record")
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.inspection_record_create(actor=request.user, plan=plan, **form.cleaned_data)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "督察记录已保存。")
    return redirect("accountability:plan_detail", pk=pk)


@login_required
@require_POST
def plan_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = access.access_plan(request.user, pk)  # 404 to whoever may not see it; 403 to its team
    try:
        services.inspection_plan_delete(actor=request.user, plan=plan)
    except ValidationError as exc:
        _flash(request, exc)
        return redirect("accountability:plan_detail", pk=pk)
    messages.success(request, f"督察计划“{plan.topic}”已删除。")
    return redirect("accountability:plan_list")


@login_required
@require_POST
def record_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(InspectionRecord.objects.select_related("plan"), pk=pk)
    access.access_plan(request.user, record.plan_id)  # 404 to whoever may not see the plan
    try:  # PermissionDenied (a team member who did not write it) is a 403
        services.inspection_record_delete(actor=request.user, record=record)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "督察记录已删除。")
    return redirect("accountability:plan_detail", pk=record.plan_id)


@login_required
@require_POST
def finding_create(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = access.access_plan(request.user, pk)
    form = FindingForm(request.POST, plan=plan, prefix="finding")
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        with transaction.atomic():  # the finding and its problem together, or neither
            finding = services.finding_create(actor=request.user, plan=plan, **form.cleaned_data)
            problems_link.finding_open_problem(actor=request.user, finding=finding)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "发现问题已登记。")
    return redirect("accountability:plan_detail", pk=pk)


@login_required
def action_list(request: AuthedRequest) -> HttpResponse:
    access.require_office(request.user)
    state = request.GET.get("state", "")
    actions = selectors.actions()
    if state in ActionState.values:
        actions = actions.filter(state=state)
    context = {
        "actions": actions,
        "state": state,
        "states": ActionState.choices,
        "year": timezone.localdate().year,
        "title": "问责建议",
        "breadcrumbs": [ROOT, ("问责建议", None)],
    }
    return render(request, "accountability/action_list.html", context)


@login_required
@require_POST
def actions_propose(request: AuthedRequest) -> HttpResponse:
    access.require_office(request.user)
    form = ProposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写正确的年度。")
        return redirect("accountability:action_list")
    created = services.actions_propose(actor=request.user, year=form.cleaned_data["year"])
    messages.success(request, f"已按规则生成 {len(created)} 条新的问责建议。")
    return redirect("accountability:action_list")


@login_required
@require_POST
def action_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    action = access.access_action(request.user, pk)
    form = DecideForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请选择确认或驳回，并写明理由。")
        confirm = form.cleaned_data["decision"] == "confirm"
        services.action_decide(
            actor=request.user, action=action, confirm=confirm, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "问责建议已处理。")
    return redirect("accountability:action_list")


@login_required
@require_POST
def action_follow_up(request: AuthedRequest, pk: int) -> HttpResponse:
    action = access.access_action(request.user, pk)
    form = FollowUpForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请填写跟进情况。")
        services.action_follow_up(actor=request.user, action=action, **form.cleaned_data)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "跟进情况已记录。")
    return redirect("accountability:action_list")
