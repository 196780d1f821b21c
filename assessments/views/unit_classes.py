"""分类考评: the office sets the classes of a campaign's targets (each with its
own full marks; members are graded on 折算百分制)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.http import AuthedRequest
from assessments import access
from assessments.forms import UnitClassForm
from assessments.models import UnitClass
from assessments.services import unit_classes as services
from assessments.views.campaigns import campaign_crumbs


@login_required
def unit_classes(request: AuthedRequest, pk: int, class_pk: int | None = None) -> HttpResponse:
    campaign = access.access_campaign(request.user, pk, write=True)
    editing = get_object_or_404(UnitClass, pk=class_pk, campaign=campaign) if class_pk else None
    initial = (
        {
            "name": editing.name,
            "full_marks": editing.full_marks,
            "order": editing.order,
            "members": editing.members.all(),
        }
        if editing
        else {"full_marks": campaign.framework.total_score}
    )
    form = UnitClassForm(request.POST or None, initial=initial, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.unit_class_save(
                actor=request.user,
                campaign=campaign,
                unit_class=editing,
                name=data["name"],
                full_marks=data["full_marks"],
                members=data["members"],
                order=data["order"] or 0,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"考评类别「{data['name']}」已保存。")
            return redirect("assessments:unit_classes", pk=campaign.pk)
    return render(
        request,
        "assessments/unit_classes.html",
        {
            "campaign": campaign,
            "classes": campaign.unit_classes.prefetch_related("members"),
            "form": form,
            "editing": editing,
            "title": "分类考评",
            "breadcrumbs": campaign_crumbs(campaign, ("分类考评", None)),
        },
    )


@login_required
@require_POST
def unit_class_delete(request: AuthedRequest, pk: int, class_pk: int) -> HttpResponse:
    campaign = access.access_campaign(request.user, pk, write=True)
    unit_class = get_object_or_404(UnitClass, pk=class_pk, campaign=campaign)
    try:
        services.unit_class_delete(actor=request.user, unit_class=unit_class)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已删除考评类别「{unit_class.name}」。")
    return redirect("assessments:unit_classes", pk=campaign.pk)
