"""延期: the office grants a unit more time for one phase, on record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.http import AuthedRequest
from assessments import access
from assessments.forms import ExtensionForm
from assessments.models import PhaseDeadline
from assessments.services import extensions as services
from assessments.views.campaigns import campaign_crumbs
from orgs.models import Org


@login_required
def extension_list(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = access.access_campaign(request.user, pk, write=True)
    orgs = Org.objects.filter(
        pk__in=[
            *campaign.targets.values_list("pk", flat=True),
            *campaign.assessors.values_list("pk", flat=True),
        ]
    )
    form = ExtensionForm(request.POST or None, orgs=orgs.order_by("code"))
    if request.method == "POST" and form.is_valid():
        try:
            extension = services.deadline_extension_grant(
                actor=request.user, campaign=campaign, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"已批准{extension.org.display_name}「{extension.get_phase_display()}」延期至 {extension.due_on:%Y-%m-%d}。",
            )
            return redirect("assessments:extensions", pk=campaign.pk)
    return render(
        request,
        "assessments/extensions.html",
        {
            "campaign": campaign,
            "form": form,
            "extensions": campaign.extensions.select_related("org", "granted_by"),
            "deadlines": PhaseDeadline.objects.filter(
                campaign=campaign, phase__in=["self_assess", "scoring"]
            ),
            "title": "延期",
            "breadcrumbs": campaign_crumbs(campaign, ("延期", None)),
        },
    )
