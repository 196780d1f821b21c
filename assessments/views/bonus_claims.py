"""加分申报: a county files claims with evidence during 自评填报 and sees their
outcome; the unit scoring the 加分 indicator sees them next to its score; the
office sees all."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import require
from accounts.http import AuthedRequest
from assessments import access
from assessments.forms import BonusClaimForm
from assessments.models import BonusClaimStatus
from assessments.services import bonus_claims as services
from assessments.views.campaigns import campaign_crumbs


@login_required
def claim_list(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = access.access_campaign(user, pk)
    claims = list(
        access.visible_bonus_claims(user)
        .filter(campaign=campaign)
        .select_related("target", "indicator", "rule")
        .prefetch_related("evidence")
        .order_by("target__code", "-created_at", "-pk")
    )
    rows = [(c, services.claim_outcome(user, c, services.claim_score(c))[0]) for c in claims]
    can_file = access.is_target(user) and services.claim_problem(user, campaign, user.org_id or 0) is None
    return render(
        request,
        "assessments/bonus_claims.html",
        {
            "campaign": campaign,
            "rows": rows,
            "can_file": can_file,
            "title": "加分申报",
            "breadcrumbs": campaign_crumbs(campaign, ("加分申报", None)),
        },
    )


@login_required
def claim_create(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = access.access_campaign(user, pk)
    require(access.is_target(user))
    if problem := services.claim_problem(user, campaign, user.org_id or 0):
        messages.error(request, problem)
        return redirect("assessments:bonus_claims", pk=campaign.pk)
    indicators = services.bonus_indicators(campaign, user.org_id or 0)
    form = BonusClaimForm(request.POST or None, request.FILES or None, indicators=indicators)
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.bonus_claim_create(actor=user, campaign=campaign, **form.claim_fields())
        except ValidationError as exc:
            # the service names its own fields (indicator, rule, files): shown above the form
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"已申报加分：{claim.title}。")
            return redirect("assessments:bonus_claim_detail", pk=claim.pk)
    return render(
        request,
        "assessments/bonus_claim_form.html",
        {
            "campaign": campaign,
            "form": form,
            "has_items": bool(indicators),
            "title": "申报加分",
            "breadcrumbs": campaign_crumbs(
                campaign,
                ("加分申报", reverse("assessments:bonus_claims", args=[campaign.pk])),
                ("申报", None),
            ),
        },
    )


@login_required
def claim_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    claim = access.access_bonus_claim(user, pk)
    score = services.claim_score(claim)
    outcome, points = services.claim_outcome(user, claim, score)
    return render(
        request,
        "assessments/bonus_claim_detail.html",
        {
            "claim": claim,
            "campaign": claim.campaign,
            "outcome": outcome,
            "points": points,
            "score_url": reverse("assessments:score_detail", args=[score.pk])
            if score is not None and (access.can_manage(user) or access.owns_indicator(user, claim.indicator))
            else None,
            "can_withdraw": claim.status == BonusClaimStatus.SUBMITTED
            and services.claim_problem(user, claim.campaign, claim.target_id) is None,
            "title": f"加分申报 · {claim.title}",
            "breadcrumbs": campaign_crumbs(
                claim.campaign,
                ("加分申报", reverse("assessments:bonus_claims", args=[claim.campaign_id])),
                (claim.title, None),
            ),
        },
    )


@login_required
@require_POST
def claim_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    claim = access.access_bonus_claim(request.user, pk)
    try:
        services.bonus_claim_withdraw(actor=request.user, claim=claim)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    except PermissionDenied as exc:
        if not access.is_own_target(request.user, claim.target_id):
            raise
        messages.error(request, str(exc))
    else:
        messages.success(request, "已撤回该加分申报。")
    return redirect("assessments:bonus_claim_detail", pk=claim.pk)
