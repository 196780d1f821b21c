"""经办与审核: the office or the system admin gives each person of an assessing
unit one scoring duty (the two-person rule of 评分)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.access import require
from accounts.http import AuthedRequest
from assessments import access
from assessments.forms import DutyForm
from assessments.models import Duty
from assessments.selectors import scores as score_selectors
from assessments.services.duties import scoring_duty_assign
from workbench.tables import sorted_page


@login_required
def duty_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_assign_duties(user))
    if request.method == "POST":
        return _assign(request)
    page, sort = sorted_page(
        request,
        score_selectors.duty_people(),
        allowed=("org__sort_order", "org__code", "username", "name"),
        default="org__sort_order",
        per_page=50,
    )
    rows = [
        (
            person,
            duty.duty
            if (duty := getattr(person, "scoring_duty", None)) and duty.org_id == person.org_id
            else "",
        )
        for person in page
    ]
    return render(
        request,
        "assessments/duty_list.html",
        {
            "page": page,
            "rows": rows,
            "sort": sort,
            "choices": [("", "未分配"), *Duty.choices],
            "missing": score_selectors.units_missing_duties(),
            "title": "经办与审核",
            "breadcrumbs": [("年度考评", reverse("assessments:campaign_list")), ("经办与审核", None)],
        },
    )


def _assign(request: AuthedRequest) -> HttpResponse:
    form = DutyForm(request.POST)
    back = reverse("assessments:duty_list") + (f"?{request.GET.urlencode()}" if request.GET else "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    person = score_selectors.duty_people().filter(pk=form.cleaned_data["user"]).first()
    if person is None:
        raise Http404("人员不存在")
    duty = form.cleaned_data["duty"] or None
    try:
        scoring_duty_assign(actor=request.user, user=person, duty=duty)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        label = Duty(duty).label if duty else "未分配"
        unit = person.org.display_name if person.org else ""
        messages.success(request, f"已将{person.display_name}（{unit}）的职责设为「{label}」。")
    return redirect(back)
