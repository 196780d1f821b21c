"""专项整治: campaigns (categories, period, lead unit), their clues by category
and state, their 便民利企 measures and the summary report (docx)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.http import AuthedRequest
from audit.services import audit_record
from documents.gongwen import DOCX_MIME
from documents.xlsx import file_response
from problems import access, report, selectors, services, workflow
from problems.forms import CampaignForm, MeasureForm
from problems.models import SpecialCampaign
from problems.views import ROOT, _attach

CAMPAIGNS = ("专项整治", "/problems/campaigns/")


@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    access.require_office(request.user)
    campaigns = SpecialCampaign.objects.select_related("lead_org").annotate(
        clues=Count("problems", distinct=True),
        closed=Count("problems", filter=Q(problems__state=workflow.CLOSED), distinct=True),
        measure_count=Count("measures", distinct=True),
    )
    context = {"campaigns": campaigns, "title": "专项整治", "breadcrumbs": [ROOT, ("专项整治", None)]}
    return render(request, "problems/campaign_list.html", context)


def _campaign_form(request: AuthedRequest, campaign: SpecialCampaign | None) -> HttpResponse:
    access.require_office(request.user)
    initial: dict[str, Any] = {}
    if campaign is not None:
        fields = ("name", "year", "start_date", "end_date", "lead_org", "description")
        initial = {f: getattr(campaign, f) for f in fields} | {"categories": "\n".join(campaign.categories)}
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if campaign is None:
                campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
            else:
                services.campaign_update(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, f"已保存「{campaign.name}」。")
            return redirect("problems:campaign_detail", pk=campaign.pk)
    title = f"修改：{campaign.name}" if campaign else "新建专项整治"
    context = {"form": form, "title": title, "breadcrumbs": [ROOT, CAMPAIGNS, (title, None)]}
    return render(request, "problems/form.html", context, status=400 if request.method == "POST" else 200)


@login_required
def campaign_create(request: AuthedRequest) -> HttpResponse:
    return _campaign_form(request, None)


@login_required
def campaign_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _campaign_form(request, access.access_campaign(request.user, pk))


@login_required
def campaign_detail(request: AuthedRequest, pk: int, measure_form: MeasureForm | None = None) -> HttpResponse:
    user = request.user
    campaign = access.access_campaign(user, pk)
    qs = access.visible_problems(user).filter(campaign=campaign)
    stats = selectors.problem_stats(qs, today=timezone.localdate())
    office = access.is_office(user)
    context = {
        "campaign": campaign,
        "stats": stats,
        "categories": [(c, stats.by_category.get(c, 0)) for c in campaign.categories],
        "measures": list(campaign.measures.select_related("org")),
        "office": office,
        "measure_form": measure_form or (MeasureForm() if office else None),
        "title": campaign.name,
        "breadcrumbs": [ROOT, CAMPAIGNS if office else ("专项整治", None), (campaign.name, None)],
    }
    return render(request, "problems/campaign_detail.html", context, status=400 if measure_form else 200)


@login_required
@require_POST
def measure_create(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require_office(request.user)
    campaign = access.access_campaign(request.user, pk)
    form = MeasureForm(request.POST)
    if form.is_valid():
        try:
            services.measure_create(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, "已添加便民利企措施。")
            return redirect("problems:campaign_detail", pk=campaign.pk)
    return campaign_detail(request, pk, measure_form=form)


@login_required
@require_POST
def measure_delete(request: AuthedRequest, pk: int, measure: int) -> HttpResponse:
    access.require_office(request.user)
    campaign = access.access_campaign(request.user, pk)
    found = campaign.measures.filter(pk=measure).first()
    if found is None:
        raise Http404("措施不存在")
    services.measure_delete(actor=request.user, measure=found)
    messages.success(request, f"已删除措施「{found.title}」。")
    return redirect("problems:campaign_detail", pk=campaign.pk)


@login_required
def campaign_report(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require_office(request.user)
    campaign = access.access_campaign(request.user, pk)
    signature = request.user.org.name if request.user.org else ""
    content = report.campaign_docx(campaign, signature=signature)
    filename = f"{campaign.name}工作情况报告.docx"
    audit_record(
        actor=request.user,
        action="problems.campaign.report_exported",
        target=campaign,
        data={"filename": filename},
    )
    return file_response(content, filename, DOCX_MIME)
