"""公布: publishing, the published snapshot and its documents, and each target's
反馈 with the button that sends a lost point to the 整改 list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import require
from accounts.http import AuthedRequest
from assessments import access, publication_docs
from assessments.selectors import publication as pub
from assessments.services import publication as publication_services
from assessments.services import rectifications as rectification_services
from assessments.views.results import results_crumbs
from audit.services import audit_record
from documents.xlsx import file_response
from problems.selectors import lost_points_sent


@login_required
@require_POST
def results_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = access.access_campaign(user, pk, write=True)
    try:
        publication = publication_services.campaign_publish(actor=user, campaign=campaign)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("assessments:results", pk=campaign.pk)
    messages.success(request, f"考评结果已公布，快照 SHA-256：{publication.sha256}")
    return redirect("assessments:publication", pk=campaign.pk)


@login_required
def publication_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign, publication = access.access_publication(user, pk)
    complete, own = access.results_reader(user)
    snap = pub.snapshot_for(publication.snapshot, complete=complete, own=own)
    targets = {o.code: o for o in campaign.targets.all()}
    feedback = [r for r in snap["ranking"] if complete or r["code"] == own]
    return render(
        request,
        "assessments/results/publication.html",
        {
            "campaign": campaign,
            "publication": publication,
            "snapshot": snap,
            "check": (check := pub.publication_check(publication)),
            "verified": check.ok,
            "feedback": [
                (r, targets.get(r["code"]), len(snap.get("lost", {}).get(r["code"], []))) for r in feedback
            ],
            "can_manage": access.can_manage(user),
            "title": f"{campaign.name} · 结果公布",
            "breadcrumbs": results_crumbs(campaign, ("结果公布", None)),
        },
    )


@login_required
def publication_snapshot(request: AuthedRequest, pk: int) -> HttpResponse:
    """The canonical JSON whose SHA-256 is published: anyone may re-hash it."""
    user = request.user
    campaign, publication = access.access_publication(user, pk)
    require(access.can_manage(user))
    audit_record(
        actor=user, action="assessments.publication.exported", target=publication, data={"kind": "snapshot"}
    )
    return file_response(
        pub.canonical_json(publication.snapshot), f"{campaign.year}年度考评结果快照.json", "application/json"
    )


@login_required
def publication_file(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    user = request.user
    campaign, publication = access.access_publication(user, pk)
    content, name, mime = publication_docs.publication_export(actor=user, publication=publication, kind=kind)
    return file_response(content, name, mime)


@login_required
def feedback_detail(request: AuthedRequest, pk: int, org_pk: int) -> HttpResponse:
    """A target's lost points as published, each with its drill-down and a
    button to send it to the 整改 list."""
    user = request.user
    campaign, publication = access.access_publication(user, pk)
    org = access.access_target(user, campaign, org_pk)
    snap = publication.snapshot
    row = next((r for r in snap["ranking"] if r["code"] == org.code), None)
    if row is None:
        raise Http404("该单位不在公布结果中")
    indicators = pub.indicator_index(publication)
    sent = lost_points_sent(publication.pk, org.code)
    lost = [(e, indicators.get(e["indicator"], {})) for e in pub.published_lost(publication, org.code)]
    return render(
        request,
        "assessments/results/feedback.html",
        {
            "campaign": campaign,
            "publication": publication,
            "org": org,
            "row": row,
            "lost": lost,
            "sent": sent,
            "of": len(snap["ranking"]),
            "title": f"{org.display_name} · 考评结果反馈",
            "breadcrumbs": results_crumbs(
                campaign,
                ("结果公布", reverse("assessments:publication", args=[campaign.pk])),
                (org.display_name, None),
            ),
        },
    )


@login_required
def feedback_docx(request: AuthedRequest, pk: int, org_pk: int) -> HttpResponse:
    user = request.user
    campaign, publication = access.access_publication(user, pk)
    org = access.access_target(user, campaign, org_pk)
    if not any(r["code"] == org.code for r in publication.snapshot["ranking"]):
        raise Http404("该单位不在公布结果中")
    content, name, mime = publication_docs.publication_export(
        actor=user, publication=publication, kind="feedback", target_code=org.code
    )
    return file_response(content, name, mime)


@login_required
@require_POST
def feedback_rectify(request: AuthedRequest, pk: int, org_pk: int) -> HttpResponse:
    user = request.user
    campaign, publication = access.access_publication(user, pk)
    org = access.access_target(user, campaign, org_pk)
    code = request.POST.get("indicator", "")
    try:
        item = rectification_services.rectification_create(
            actor=user, publication=publication, target=org, indicator_code=code
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已将 {code} 列入整改：问题线索 {item.number}，由市委依法治市办交办。")
    return redirect("assessments:feedback", pk=campaign.pk, org_pk=org.pk)
