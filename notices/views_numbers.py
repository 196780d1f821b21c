"""The register of 发文字号 (office): every series, every number with its document, reserve, use, void."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.http import AuthedRequest
from notices import access, numbers, selectors
from notices.forms import ReserveForm, UseForm, VoidForm
from notices.models import NumberStatus
from notices.views import ROOT, attach_errors
from workbench.tables import sorted_page


def _register_page(
    request: AuthedRequest, form: ReserveForm | None = None, status: int = 200
) -> HttpResponse:
    prefix = request.GET.get("prefix", "").strip()[:32]
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    state = request.GET.get("status", "")
    state = state if state in NumberStatus.values else ""
    page, sort = sorted_page(
        request,
        selectors.number_register(prefix=prefix, year=year or None, status=state),
        allowed=("series__year", "number", "taken_at", "status"),
        default="-taken_at",
    )
    return render(
        request,
        "notices/number_list.html",
        {
            "page": page,
            "sort": sort,
            "series": list(selectors.series_list()),
            "prefix": prefix,
            "year": year or "",
            "status": state,
            "statuses": NumberStatus.choices,
            "form": form
            or ReserveForm(initial={"agency": numbers.default_prefix(), "year": timezone.localdate().year}),
            "void_form": VoidForm(),
            "use_form": UseForm(),
            "title": "发文字号登记簿",
            "breadcrumbs": [ROOT, ("发文字号", None)],
        },
        status=status,
    )


@login_required
def number_list(request: AuthedRequest) -> HttpResponse:
    access.require_office(request.user)
    return _register_page(request)


@login_required
@require_POST
def number_reserve(request: AuthedRequest) -> HttpResponse:
    access.require_office(request.user)
    form = ReserveForm(request.POST)
    if form.is_valid():
        try:
            data = form.cleaned_data
            number = numbers.number_reserve(
                actor=request.user, prefix=data["agency"], year=data["year"], purpose=data["purpose"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"已预留文号 {number.text}（{number.purpose}）。")
            return redirect("notices:number_list")
    return _register_page(request, form, status=400)


@login_required
@require_POST
def number_void(request: AuthedRequest, pk: int) -> HttpResponse:
    number = access.access_number(request.user, pk)
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, "作废文号必须说明原因。")
        return redirect("notices:number_list")
    try:
        number = numbers.number_void(actor=request.user, number=number, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request, f"已作废 {number.text}：{number.void_reason}（仍保留在登记簿中，不再使用）。"
        )
    return redirect("notices:number_list")


@login_required
@require_POST
def number_use(request: AuthedRequest, pk: int) -> HttpResponse:
    number = access.access_number(request.user, pk)
    form = UseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写使用该文号的文件名称。")
        return redirect("notices:number_list")
    try:
        number = numbers.number_use(actor=request.user, number=number, note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已登记 {number.text} 用于「{number.target_repr}」。")
    return redirect("notices:number_list")
