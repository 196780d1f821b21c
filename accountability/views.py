"""Pages of 述 and 评 (rounds, reports, ratings) and the dossiers; 督 and 责 are in views_inspections.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accountability import access, selectors, services
from accountability.forms import RatingForm, ReasonForm, ReportForm, ReviewersForm, RoundForm
from accountability.models import ShufaReport, ShufaRound
from accounts.http import AuthedRequest
from accounts.models import User
from orgs.models import Org

ROOT = ("述评督考责", "/accountability/")


def attach_errors(form: BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _flash(request: AuthedRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    year = timezone.localdate().year
    if access.is_office(user):
        return redirect("accountability:round_list")
    if access.is_leader(user):
        return redirect("accountability:my_reports")
    if access.is_unit(user):
        return redirect("accountability:org_dossier", pk=user.org_id, year=year)
    if user.shufa_rounds_reviewing.exists():
        return redirect("accountability:my_reviews")
    if user.inspection_plans.exists():
        return redirect("accountability:plan_list")
    raise Http404("页面不存在")


@login_required
def round_list(request: AuthedRequest) -> HttpResponse:
    access.require_office(request.user)
    rounds = selectors.rounds()
    return render(
        request,
        "accountability/round_list.html",
        {"rounds": rounds, "title": "述法工作", "breadcrumbs": [ROOT, ("述法工作", None)]},
    )


@login_required
def round_create(request: AuthedRequest) -> HttpResponse:
    access.require_office(request.user)
    form = RoundForm(request.POST or None)
    if form.is_valid():
        try:
            shufa_round = services.shufa_round_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "述法工作已开展。")
            return redirect("accountability:round_detail", pk=shufa_round.pk)
    context = {"form": form, "title": "开展述法工作", "breadcrumbs": [ROOT, ("开展述法工作", None)]}
    return render(request, "accountability/form.html", context)


@login_required
def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require_office(request.user)
    shufa_round = get_object_or_404(ShufaRound, pk=pk)
    form = ReviewersForm(
        request.POST or None,
        initial={"reviewers": list(shufa_round.reviewers.all()), "draw": shufa_round.draw},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.shufa_round_reviewers_set(
                actor=request.user,
                shufa_round=shufa_round,
                reviewers=form.cleaned_data["reviewers"],
                draw=form.cleaned_data["draw"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "评议人已确定。")
            return redirect("accountability:round_detail", pk=pk)
    rows = [
        {"report": r, "summary": selectors.rating_summary(r)}
        for r in selectors.reports().filter(round=shufa_round)
    ]
    context = {
        "round": shufa_round,
        "rows": rows,
        "form": form,
        "reviewers": shufa_round.reviewers.select_related("org"),
        "title": str(shufa_round),
        "breadcrumbs": [ROOT, ("述法工作", "/accountability/rounds/"), (str(shufa_round), None)],
    }
    return render(request, "accountability/round_detail.html", context)


@login_required
@require_POST
def round_close(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require_office(request.user)
    shufa_round = get_object_or_404(ShufaRound, pk=pk)
    try:
        services.shufa_round_close(actor=request.user, shufa_round=shufa_round)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "述法工作已结束：不再接受提交、退回和评议。")
    return redirect("accountability:round_detail", pk=pk)


@login_required
def my_reports(request: AuthedRequest) -> HttpResponse:
    if not access.is_leader(request.user):
        raise Http404("页面不存在")
    mine = {r.round_id: r for r in selectors.reports().filter(leader=request.user)}
    rows = [{"round": rnd, "report": mine.get(rnd.pk)} for rnd in selectors.rounds()]
    context = {
        "rows": rows,
        "year": timezone.localdate().year,
        "title": "我的述法报告",
        "breadcrumbs": [ROOT, ("我的述法报告", None)],
    }
    return render(request, "accountability/my_reports.html", context)


@login_required
def report_write(request: AuthedRequest, pk: int) -> HttpResponse:
    if not access.is_leader(request.user):
        raise Http404("页面不存在")
    shufa_round = get_object_or_404(ShufaRound, pk=pk)
    report = ShufaReport.objects.filter(round=shufa_round, leader=request.user).first()
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        initial={"body": report.body if report else shufa_round.template},
    )
    if form.is_valid():
        upload = form.cleaned_data.get("upload")
        try:
            report = services.shufa_report_save(
                actor=request.user,
                shufa_round=shufa_round,
                body=form.cleaned_data["body"],
                uploads=[upload] if upload else [],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "述法报告已保存（尚未提交）。")
            return redirect("accountability:report_detail", pk=report.pk)
    context = {
        "form": form,
        "round": shufa_round,
        "report": report,
        "title": f"填写{shufa_round}报告",
        "breadcrumbs": [ROOT, ("我的述法报告", "/accountability/mine/"), ("填写", None)],
    }
    return render(request, "accountability/report_form.html", context)


@login_required
def report_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    report = access.access_report(request.user, pk)
    own_rating = next((r for r in report.ratings.all() if r.reviewer_id == request.user.pk), None)
    reviewer = report.state == "submitted" and access.is_reviewer(request.user, report.round)
    office = access.is_office(request.user)
    context = {
        "report": report,
        "summary": selectors.rating_summary(report),
        "ratings": report.ratings.all() if office else [],
        "own": report.leader_id == request.user.pk,
        "office": office,
        "rating_form": RatingForm(
            initial={"grade": own_rating.grade, "score": own_rating.score, "comment": own_rating.comment}
            if own_rating
            else None
        )
        if reviewer
        else None,
        "return_form": ReasonForm() if office and report.state == "submitted" else None,
        "title": str(report),
        "breadcrumbs": [ROOT, (str(report), None)],
    }
    return render(request, "accountability/report_detail.html", context)


@login_required
@require_POST
def report_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    report = access.access_report(request.user, pk, write=True)
    try:
        services.shufa_report_submit(actor=request.user, report=report)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "述法报告已提交。")
    return redirect("accountability:report_detail", pk=pk)


@login_required
@require_POST
def report_return(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require_office(request.user)
    report = access.access_report(request.user, pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请写明退回理由。")
        services.shufa_report_return(actor=request.user, report=report, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "述法报告已退回。")
    return redirect("accountability:report_detail", pk=pk)


@login_required
@require_POST
def report_rate(request: AuthedRequest, pk: int) -> HttpResponse:
    report = access.access_report(request.user, pk)
    form = RatingForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.rating_save(actor=request.user, report=report, **form.cleaned_data)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "评议已保存。")
    return redirect("accountability:report_detail", pk=pk)


@login_required
def my_reviews(request: AuthedRequest) -> HttpResponse:
    rounds = list(request.user.shufa_rounds_reviewing.all())
    if not rounds:
        raise Http404("页面不存在")
    reports = selectors.reports().filter(round__in=rounds, state="submitted")
    rows = [
        {"report": r, "mine": next((x for x in r.ratings.all() if x.reviewer_id == request.user.pk), None)}
        for r in reports
    ]
    context = {"rows": rows, "title": "述法评议", "breadcrumbs": [ROOT, ("述法评议", None)]}
    return render(request, "accountability/my_reviews.html", context)


def _year(request: AuthedRequest, year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404("年度不存在")
    return year


@login_required
def my_dossier(request: AuthedRequest) -> HttpResponse:
    if not access.is_leader(request.user):
        raise Http404("页面不存在")
    return redirect("accountability:leader_dossier", pk=request.user.pk, year=timezone.localdate().year)


def _render_dossier(request: AuthedRequest, dossier: Any, title: str) -> HttpResponse:
    context = {
        "dossier": dossier,
        "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        "title": title,
        "breadcrumbs": [ROOT, (title, None)],
    }
    return render(request, "accountability/dossier.html", context)


@login_required
def leader_dossier(request: AuthedRequest, pk: int, year: int) -> HttpResponse:
    leader = User.objects.filter(pk=pk, role_id="leader").select_related("org").first()
    if leader is None or leader.org is None or not access.can_see_leader_dossier(request.user, leader):
        raise Http404("档案不存在")
    dossier = selectors.dossier(org=leader.org, year=_year(request, year), leader=leader)
    return _render_dossier(request, dossier, f"{leader.display_name} {year}年档案")


@login_required
def org_dossier(request: AuthedRequest, pk: int, year: int) -> HttpResponse:
    org = Org.objects.filter(pk=pk).first()
    if org is None or not access.can_see_org_dossier(request.user, org):
        raise Http404("档案不存在")
    dossier = selectors.dossier(org=org, year=_year(request, year))
    return _render_dossier(request, dossier, f"{org.name} {year}年档案")
