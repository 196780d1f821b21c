"""申诉复核: a target lodges an appeal on one of its scores, the responsible unit
answers, the office decides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import require
from accounts.http import AuthedRequest
from assessments import access
from assessments.forms import AnswerForm, AppealForm, DecideForm
from assessments.models import (
    Appeal,
    AppealStatus,
)
from assessments.selectors import appeals as appeal_selectors
from assessments.services import appeals
from assessments.views.results import results_crumbs
from workbench.tables import sorted_page


@login_required
def appeal_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_use_assessments(user))
    qs = access.visible_appeals(user)
    status = request.GET.get("status", "")
    if status in AppealStatus.values:
        qs = qs.filter(status=status)
    page, sort = sorted_page(
        request, qs, allowed=("created_at", "status", "target__code", "campaign__year"), default="-created_at"
    )
    return render(
        request,
        "assessments/results/appeal_list.html",
        {
            "page": page,
            "sort": sort,
            "status": status,
            "statuses": AppealStatus.choices,
            "title": "申诉复核",
            "breadcrumbs": [("申诉复核", None)],
        },
    )


def _upload_all(user: Any, files: list[Any]) -> list[Any]:
    from attachments.services import attachment_create

    return [attachment_create(actor=user, uploaded_file=f, org=user.org) for f in files]


@login_required
def appeal_create(request: AuthedRequest, score_pk: int) -> HttpResponse:
    user = request.user
    score = access.access_score(user, score_pk)
    problem = appeals.appeal_window_problem(score.campaign)
    refusal = appeals.appeal_refusal(
        user, score, window_problem=problem, appealed=Appeal.objects.filter(score=score).exists()
    )
    if isinstance(refusal, PermissionDenied):
        raise refusal
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and problem is None and form.is_valid():
        try:
            with transaction.atomic():
                files = _upload_all(user, form.cleaned_data["evidence"])
                appeal = appeals.appeal_create(
                    actor=user, score=score, reason=form.cleaned_data["reason"], evidence=files
                )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, "申诉已提交，等待考评单位答复。")
            return redirect("assessments:appeal_detail", pk=appeal.pk)
    if problem and request.method == "POST":
        form.add_error(None, problem)
    return render(
        request,
        "assessments/results/appeal_form.html",
        {
            "form": form,
            "score": score,
            "problem": problem,
            "window": appeal_selectors.appeal_window(score.campaign),
            "title": "提出申诉",
            "breadcrumbs": results_crumbs(score.campaign, (f"{score.indicator.code} 申诉", None)),
        },
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )


def _appeal_context(user: Any, appeal: Appeal, **extra: Any) -> dict[str, Any]:
    appeal = (
        Appeal.objects.select_related(
            "campaign",
            "target",
            "score",
            "score__indicator",
            "score__indicator__section",
            "created_by",
            "answered_by",
            "decided_by",
        )
        .prefetch_related("evidence", "score__indicator__assessors")
        .get(pk=appeal.pk)
    )
    can_answer = access.may_answer_appeal(user, appeal) and appeal.status == AppealStatus.SUBMITTED
    can_decide = access.can_manage(user) and appeal.status == AppealStatus.ANSWERED
    return {
        "appeal": appeal,
        "campaign": appeal.campaign,
        "can_answer": can_answer,
        "can_decide": can_decide,
        "answer_form": extra.pop("answer_form", None) or (AnswerForm() if can_answer else None),
        "decide_form": extra.pop("decide_form", None) or (DecideForm() if can_decide else None),
        "title": f"申诉：{appeal.target.display_name} {appeal.score.indicator.code}",
        "breadcrumbs": [
            ("申诉复核", reverse("assessments:appeal_list")),
            (f"{appeal.target.display_name} {appeal.score.indicator.code}", None),
        ],
        **extra,
    }


@login_required
def appeal_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    appeal = access.access_appeal(request.user, pk)
    return render(request, "assessments/results/appeal_detail.html", _appeal_context(request.user, appeal))


@login_required
@require_POST
def appeal_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    appeal = access.access_appeal(user, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            appeals.appeal_answer(actor=user, appeal=appeal, answer=form.cleaned_data["answer"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "已答复申诉，等待依法治办裁决。")
            return redirect("assessments:appeal_detail", pk=appeal.pk)
    return render(
        request,
        "assessments/results/appeal_detail.html",
        _appeal_context(user, appeal, answer_form=form),
        status=400,
    )


@login_required
@require_POST
def appeal_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    appeal = access.access_appeal(user, pk)
    require(access.can_manage(user))
    form = DecideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            appeals.appeal_decide(
                actor=user,
                appeal=appeal,
                decision=data["decision"],
                decided_score=appeals.parse_points(data["decided_score"]),
                note=data["decision_note"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, "申诉已裁决。")
            return redirect("assessments:appeal_detail", pk=appeal.pk)
    return render(
        request,
        "assessments/results/appeal_detail.html",
        _appeal_context(user, appeal, decide_form=form),
        status=400,
    )
