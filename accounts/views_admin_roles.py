"""三员授权 pages: the 系统管理员 proposes, the 安全管理员 approves or rejects."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import access, selectors, services
from accounts.forms import AdminRoleDecisionForm, AdminRoleProposeForm
from accounts.http import AuthedRequest
from accounts.models import AdminRoleRequest
from workbench.tables import sorted_page

LIST_CRUMB = ("三员授权", "/accounts/admin-roles/")


@login_required
def admin_role_list(request: AuthedRequest) -> HttpResponse:
    actor = request.user
    access.require(access.can_see_admin_role_requests(actor))
    page, sort = sorted_page(
        request,
        selectors.admin_role_requests(),
        allowed=("pending_first", "proposed_at", "status"),
        default="pending_first",
    )
    return render(
        request,
        "accounts/admin_role_list.html",
        {
            "page": page,
            "sort": sort,
            "can_propose": access.can_propose_admin_role(actor),
            "title": "三员授权",
            "breadcrumbs": [("三员授权", None)],
        },
    )


@login_required
def admin_role_propose(request: AuthedRequest) -> HttpResponse:
    actor = request.user
    access.require(access.can_propose_admin_role(actor))
    initial = {"username": request.GET.get("username", "")[:150]}
    form = AdminRoleProposeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            role_request = services.admin_role_request_propose(
                actor=actor,
                action=data["action"],
                role=data["role"],
                user=selectors.user_by_username(data["username"]),
                reason=data["reason"],
                new_username=data["username"],
                new_name=data["name"],
                new_org=data["org"],
                new_phone=data["phone"],
                new_email=data["email"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已提交第 {role_request.pk} 号三员授权申请，等待安全管理员审批。")
            return redirect("accounts:admin_role_detail", pk=role_request.pk)
    return render(
        request,
        "accounts/admin_role_form.html",
        {"form": form, "title": "提出三员授权申请", "breadcrumbs": [LIST_CRUMB, ("提出申请", None)]},
    )


@login_required
def admin_role_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    actor = request.user
    role_request = access.access_admin_role_request(actor, pk)
    return _detail(request, role_request, AdminRoleDecisionForm())


def _detail(
    request: AuthedRequest, role_request: AdminRoleRequest, form: AdminRoleDecisionForm
) -> HttpResponse:
    actor = request.user
    refusal = access.decision_refusal(actor, role_request)
    return render(
        request,
        "accounts/admin_role_detail.html",
        {
            "object": role_request,
            "form": form,
            "can_decide": role_request.is_pending and not refusal,
            "decision_refusal": refusal if role_request.is_pending else "",
            "can_withdraw": role_request.is_pending and not access.withdraw_refusal(actor, role_request),
            "title": f"第 {role_request.pk} 号三员授权申请",
            "breadcrumbs": [LIST_CRUMB, (f"第 {role_request.pk} 号", None)],
        },
    )


@login_required
@require_POST
def admin_role_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    actor = request.user
    role_request = access.access_admin_role_request(actor, pk)
    access.require(not access.decision_refusal(actor, role_request))
    form = AdminRoleDecisionForm(request.POST)
    if form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if form.cleaned_data["decision"] == "approve":
                services.admin_role_request_approve(actor=actor, role_request=role_request, note=note)
                messages.success(request, f"已批准第 {role_request.pk} 号申请。")
            else:
                services.admin_role_request_reject(actor=actor, role_request=role_request, note=note)
                messages.success(request, f"已驳回第 {role_request.pk} 号申请。")
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("accounts:admin_role_detail", pk=role_request.pk)
    role_request = access.access_admin_role_request(actor, pk)
    return _detail(request, role_request, form)


@login_required
@require_POST
def admin_role_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    actor = request.user
    role_request = access.access_admin_role_request(actor, pk)
    access.require(not access.withdraw_refusal(actor, role_request))
    try:
        services.admin_role_request_withdraw(actor=actor, role_request=role_request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"已撤回第 {role_request.pk} 号申请。")
    return redirect("accounts:admin_role_detail", pk=role_request.pk)
