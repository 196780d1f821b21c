"""整改清单: the lost points sent to rectification, per role."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import require
from accounts.http import AuthedRequest, safe_next_url
from assessments import access
from assessments.models import (
    Rectification,
    RectificationStatus,
)
from assessments.services import rectifications as rectification_services
from workbench.tables import sorted_page


def _rectifications_for(user: Any):
    qs = Rectification.objects.select_related("publication__campaign", "target", "indicator", "created_by")
    if access.can_manage(user):
        return qs
    if access.is_target(user):
        return qs.filter(target_id=user.org_id)
    return qs.none()


@login_required
def rectification_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_manage(user) or access.is_target(user))
    qs = _rectifications_for(user)
    status = request.GET.get("status", "")
    if status in RectificationStatus.values:
        qs = qs.filter(status=status)
    page, sort = sorted_page(
        request, qs, allowed=("created_at", "points_lost", "target__code", "status"), default="-created_at"
    )
    return render(
        request,
        "assessments/results/rectification_list.html",
        {
            "page": page,
            "sort": sort,
            "status": status,
            "title": "整改清单",
            "breadcrumbs": [("整改清单", None)],
        },
    )


@login_required
@require_POST
def rectification_done(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    item = _rectifications_for(user).filter(pk=pk).first()
    if item is None:
        raise Http404("整改项不存在")
    rectification_services.rectification_mark_done(
        actor=user, rectification=item, done=request.POST.get("done", "1") == "1"
    )
    messages.success(request, f"已更新 {item.target.display_name} {item.indicator.code} 的整改状态。")
    return redirect(
        safe_next_url(request, request.POST.get("next"), fallback=reverse("assessments:rectification_list"))
    )
