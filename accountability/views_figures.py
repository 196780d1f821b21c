"""考: the office links campaign indicators to 述、评、督 figures (shown to the assessors)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accountability import access, services
from accountability.forms import IndicatorFigureForm
from accountability.models import IndicatorFigureLink
from accountability.views import ROOT, _flash, attach_errors
from accounts.http import AuthedRequest


def _year(request: AuthedRequest) -> int:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def indicator_figures(request: AuthedRequest) -> HttpResponse:
    access.require_office(request.user)
    year = _year(request)
    indicators = list(services.campaign_indicators(year))
    form = IndicatorFigureForm(request.POST or None, indicators=indicators)
    if form.is_valid():
        try:
            services.indicator_figure_link(actor=request.user, year=year, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "已关联。评分时考评单位将看到该指标对应的述评督数据及来源。")
            return redirect(f"{reverse('accountability:indicator_figures')}?year={year}")
    names = {i.code: i.name for i in indicators}
    links = [
        (link, names.get(link.indicator_code, "")) for link in IndicatorFigureLink.objects.filter(year=year)
    ]
    context = {
        "form": form,
        "year": year,
        "links": links,
        "has_indicators": bool(indicators),
        "title": "考评指标关联述评督数据",
        "breadcrumbs": [ROOT, ("考评指标关联", None)],
    }
    return render(request, "accountability/indicator_figures.html", context)


@login_required
@require_POST
def indicator_figure_unlink(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require_office(request.user)
    link = IndicatorFigureLink.objects.filter(pk=pk).first()
    if link is None:
        raise Http404("关联不存在")
    try:
        services.indicator_figure_unlink(actor=request.user, link=link)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "已取消关联。")
    return redirect(f"{reverse('accountability:indicator_figures')}?year={link.year}")
