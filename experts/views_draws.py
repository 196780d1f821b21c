"""Pages of the panel draws: the list and the wizard for the office, and the
verification page of each draw (the office and the experts on its list)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.http import AuthedRequest
from experts import access, selectors, services, verification
from experts import draw as algorithm
from experts.forms import DrawForm, EvaluateForm, ReasonForm
from experts.models import Draw, DrawStatus, Purpose
from experts.views import attach_errors
from workbench.tables import sorted_page

ROOT = ("专家抽取", "/experts/draws/")


@login_required
def draw_list(request: AuthedRequest) -> HttpResponse:
    access.require_office(request.user)
    status = request.GET.get("status", "")
    status = status if status in DrawStatus.values else ""
    purpose = request.GET.get("purpose", "")
    purpose = purpose if purpose in Purpose.values else ""
    qs = selectors.draw_list(status=status, purpose_code=purpose)
    page, sort = sorted_page(request, qs, allowed=("created_at", "status", "purpose"), default="-created_at")
    return render(
        request,
        "experts/draw_list.html",
        {
            "page": page,
            "sort": sort,
            "status": status,
            "statuses": DrawStatus.choices,
            "purpose": purpose,
            "purposes": Purpose.choices,
            "title": "专家抽取",
            "breadcrumbs": [("专家抽取", None)],
        },
    )


def _draw_args(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "size": data["size"],
        "backups": data["backups"],
        "required_fields": [f.code for f in data.get("required_fields") or []],
        "exclude_org_ids": [o.pk for o in data.get("exclude_orgs") or []],
        "exclude_expert_ids": [e.pk for e in data.get("exclude_experts") or []],
        "recent_months": data.get("recent_months") or 0,
        "require_account": bool(data.get("require_account")),
    }


def _initial(request: AuthedRequest) -> dict[str, Any]:
    """Drawing again for a cancelled draw starts from its parameters."""
    raw = request.GET.get("replaces", "")
    old = (
        selectors.draws().filter(pk=int(raw), status=DrawStatus.CANCELLED).first() if raw.isdigit() else None
    )
    if old is None:
        return {}
    return {
        "replaces": old.pk,
        "purpose": old.purpose,
        "purpose_code": old.purpose_code,
        "object_label": old.object_label,
        "size": old.size,
        "backups": old.backups,
        "required_fields": old.required_fields,
        "exclude_orgs": old.exclude_org_ids,
        "exclude_experts": old.exclude_expert_ids,
        "recent_months": old.recent_months,
        "require_account": old.require_account,
    }


@login_required
def draw_create(request: AuthedRequest) -> HttpResponse:
    """Step 1: parameters (the preview below updates as they change); saving
    freezes the list and publishes the commitment."""
    access.require_office(request.user)
    form = DrawForm(request.POST or None, initial=_initial(request) or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        replaces = Draw.objects.filter(pk=data["replaces"]).first() if data.get("replaces") else None
        try:
            draw = services.draw_prepare(
                actor=request.user,
                purpose=data["purpose"],
                purpose_code=data["purpose_code"],
                object_label=data.get("object_label", ""),
                replaces=replaces,
                **_draw_args(data),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"候选名单已冻结，承诺值已公布（抽取 #{draw.pk}）。请核对后执行抽取。")
            return redirect("experts:draw_detail", pk=draw.pk)
    replaces = form["replaces"].value()
    return render(
        request,
        "experts/draw_form.html",
        {
            "form": form,
            "preview": _preview(form) if request.method == "POST" else None,
            "replaces": replaces,
            "title": "重新抽取专家" if replaces else "抽取专家",
            "breadcrumbs": [ROOT, ("抽取专家", None)],
        },
        status=400 if request.method == "POST" else 200,
    )


def _preview(form: DrawForm) -> dict[str, Any] | None:
    if not form.is_valid():
        return None
    preview = services.draw_preview(**_draw_args(form.cleaned_data))
    labels = selectors.field_labels()
    return {
        "candidates": [{"c": c, "fields": [labels.get(f, f) for f in c.fields]} for c in preview.candidates],
        "excluded": preview.excluded,
        "refused": preview.refused,
    }


@login_required
@require_POST
def draw_preview(request: AuthedRequest) -> HttpResponse:
    """The htmx part of the wizard: who would be on the list, who is set aside and why."""
    access.require_office(request.user)
    form = DrawForm(request.POST)
    return render(
        request, "experts/draw_form.html#preview", {"form": form, "preview": _preview(form), "checked": True}
    )


def _detail_context(request: AuthedRequest, draw: Draw) -> dict[str, Any]:
    labels = selectors.field_labels()
    names = verification.names(draw)
    office = access.is_office(request.user)
    checked: algorithm.Verification | None = None
    problem = ""
    try:
        checked = verification.verify_draw(draw)
    except verification.NotVerifiable as exc:
        problem = str(exc)
    orgs = selectors.orgs_by_id(draw.exclude_org_ids)
    return {
        "draw": draw,
        "office": office,
        "labels": labels,
        "required": [labels.get(f, f) for f in draw.required_fields],
        "exclude_orgs": [orgs[i].name for i in draw.exclude_org_ids if i in orgs],
        "candidates": [
            {
                "id": c.get("id"),
                "name": c.get("name", ""),
                "fields": [labels.get(f, f) for f in c.get("fields") or [] if isinstance(f, str)],
            }
            for c in (draw.candidates if isinstance(draw.candidates, list) else [])
            if isinstance(c, dict)
        ],
        "panel": [(i, names.get(i, "")) for i in draw.panel_ids],
        "backups": [(i, names.get(i, "")) for i in draw.backup_ids],
        "assignments": selectors.draw_assignments(draw) if office else [],
        "replaced_by": list(draw.replaced_by.all()),
        "checked": checked,
        "not_verifiable": problem,
        "cancel_form": ReasonForm(),
        "decline_form": ReasonForm(),
        "evaluate_form": EvaluateForm(),
        "title": f"抽取 #{draw.pk} {draw.purpose}",
        "breadcrumbs": [ROOT if office else ("专家库", "/experts/"), (f"抽取 #{draw.pk}", None)],
    }


@login_required
def draw_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    draw = access.access_draw(request.user, pk)
    return render(request, "experts/draw_detail.html", _detail_context(request, draw))


@login_required
def draw_record(request: AuthedRequest, pk: int) -> HttpResponse:
    """Everything published about the draw, as JSON, for recomputing it elsewhere."""
    draw = access.access_draw(request.user, pk)
    body = {
        "algorithm": draw.algorithm,
        "draw_id": draw.pk,
        "purpose": draw.purpose,
        "status": draw.status,
        "size": draw.size,
        "backups": draw.backups,
        "required_fields": draw.required_fields,
        "candidates": draw.candidates,
        # why someone was set aside tells its conflicts: for the office only
        "excluded": draw.excluded
        if access.is_office(request.user)
        else [{"id": e.get("id"), "name": e.get("name")} for e in draw.excluded],
        "commitment": draw.commitment,
        "list_digest": draw.list_digest,
        "committed_at": draw.created_at.isoformat(),
        "seed": draw.seed if draw.is_revealed else None,
        "revealed_at": draw.revealed_at.isoformat() if draw.revealed_at else None,
        "result": draw.result,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.pk}.json"'
    return response


@login_required
@require_POST
def draw_execute(request: AuthedRequest, pk: int) -> HttpResponse:
    draw = access.access_draw(request.user, pk, write=True)
    try:
        draw = services.draw_execute(actor=request.user, draw=draw)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request, f"已抽取：种子已公布，专家组 {draw.size} 人、候补 {len(draw.backup_ids)} 人。"
        )
    return redirect("experts:draw_detail", pk=pk)


@login_required
@require_POST
def draw_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    draw = access.access_draw(request.user, pk, write=True)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, draw)
        context["cancel_form"] = form
        return render(request, "experts/draw_detail.html", context, status=400)
    try:
        services.draw_cancel(actor=request.user, draw=draw, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已取消该抽取，记录和种子保留备查。如需重新抽取，请点击“重新抽取”。")
    return redirect("experts:draw_detail", pk=pk)
