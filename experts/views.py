"""Pages of the 咨询专家库: the pool, profiles and conflicts, the expert's own
profile and tasks (draws are in views_draws.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.http import AuthedRequest
from audit.services import audit_record
from documents.xlsx import XLSX_MIME, file_response, table_workbook
from experts import access, selectors, services
from experts.forms import ConflictForm, EvaluateForm, ExpertForm, OwnProfileForm, PoolFilterForm, ReasonForm
from experts.masking import contacts_for
from experts.models import Conflict, Expert, ExpertStatus
from workbench.tables import sorted_page

ROOT = ("专家库", "/experts/")
PROFILE_KEYS = ("title", "employer_name", "employer_org", "fields", "phone", "email", "address", "expertise")


def attach_errors(form: BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: per field where the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    if access.is_expert_user(request.user):
        return redirect("experts:my_tasks")
    if access.can_see_pool(request.user):
        return redirect("experts:expert_list")
    raise Http404("页面不存在")


def _pool_rows(request: AuthedRequest, page: Any) -> list[dict[str, Any]]:
    return [{"expert": e, "contacts": contacts_for(request.user, e)} for e in page]


@login_required
def expert_list(request: AuthedRequest) -> HttpResponse:
    if not access.can_see_pool(request.user):
        raise Http404("页面不存在")
    filters = PoolFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.expert_list(
        field=data.get("field", ""), status=data.get("status", ""), query=data.get("q", "")
    )
    page, sort = sorted_page(
        request, qs, allowed=("name", "status", "term_end", "employer_name"), default="pk"
    )
    context = {
        "page": page,
        "rows": _pool_rows(request, page),
        "sort": sort,
        "filters": filters,
        "office": access.is_office(request.user),
        "title": "依法治市咨询专家库",
        "breadcrumbs": [("专家库", None)],
    }
    if request.headers.get("HX-Request"):
        return render(request, "experts/expert_list.html#pool-table", context)
    return render(request, "experts/expert_list.html", context)


@login_required
def expert_export(request: AuthedRequest) -> HttpResponse:
    """The pool as xlsx; contacts masked for everyone but the office (audited)."""
    if not access.can_see_pool(request.user):
        raise Http404("页面不存在")
    rows = []
    for e in selectors.experts().order_by("pk"):
        c = contacts_for(request.user, e)
        row = [
            e.name,
            e.title,
            e.employer_name,
            "、".join(f.name for f in e.fields.all()),
            f"{e.term_start:%Y-%m-%d} 至 {e.term_end:%Y-%m-%d}",
            e.get_status_display(),
            c.phone,
            c.email,
        ]
        rows.append([_inert(v) for v in row])
    headers = ["姓名", "职称/职务", "工作单位", "专业领域", "聘期", "状态", "手机号码", "电子邮箱"]
    content = table_workbook([("咨询专家库", headers, rows)])
    audit_record(
        actor=request.user,
        action="experts.pool.exported",
        data={"rows": len(rows), "contacts": "clear" if access.is_office(request.user) else "masked"},
    )
    return file_response(content, "依法治市咨询专家库.xlsx", XLSX_MIME)


def _inert(value: str) -> str:
    """Text a spreadsheet will not run as a formula (a name typed as "=HYPERLINK(…)")."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def _form_page(request: AuthedRequest, form: BaseForm, title: str, cancel: str, crumbs: list) -> HttpResponse:
    return render(
        request,
        "experts/form.html",
        {"form": form, "title": title, "cancel": cancel, "breadcrumbs": [ROOT, *crumbs, (title, None)]},
    )


@login_required
def expert_create(request: AuthedRequest) -> HttpResponse:
    access.require_office(request.user)
    form = ExpertForm(request.POST or None, initial={"status": ExpertStatus.ACTIVE})
    if request.method == "POST" and form.is_valid():
        try:
            expert = services.expert_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"已将 {expert.name} 加入专家库。")
            return redirect("experts:expert_detail", pk=expert.pk)
    return _form_page(request, form, "新增专家", "/experts/pool/", [])


@login_required
def expert_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    expert = access.access_expert(request.user, pk, write=True)
    form = ExpertForm(request.POST or None, instance=expert)
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_update(actor=request.user, expert=expert, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "专家档案已保存。")
            return redirect("experts:expert_detail", pk=expert.pk)
    url = f"/experts/pool/{expert.pk}/"
    return _form_page(request, form, "编辑专家档案", url, [(expert.name, url)])


def _profile_context(request: AuthedRequest, expert: Expert) -> dict[str, Any]:
    private = access.can_see_private(request.user, expert)
    return {
        "expert": expert,
        "contacts": contacts_for(request.user, expert),
        "private": private,
        "office": access.is_office(request.user),
        "own": access.is_own(request.user, expert),
        "conflicts": list(selectors.conflicts(expert)) if private else [],
        "history": list(selectors.assignments_of(expert)) if private else [],
        "conflict_form": ConflictForm() if private else None,
        "evaluate_form": EvaluateForm() if access.is_office(request.user) else None,
    }


@login_required
def expert_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    expert = access.access_expert(request.user, pk)
    context = _profile_context(request, expert)
    context.update(title=expert.name, breadcrumbs=[ROOT, (expert.name, None)])
    return render(request, "experts/expert_detail.html", context)


def _conflict_add(request: AuthedRequest, expert: Expert, back: str) -> HttpResponse:
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            services.conflict_declare(actor=request.user, expert=expert, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "已登记利益冲突申报，今后抽取涉及该单位的事项时将自动回避。")
            return redirect(back)
    context = _profile_context(request, expert)
    context.update(conflict_form=form, title=expert.name, breadcrumbs=[ROOT, (expert.name, None)])
    template = "experts/my_profile.html" if back.endswith("/me/") else "experts/expert_detail.html"
    if back.endswith("/me/"):
        context["form"] = OwnProfileForm(instance=expert)
    return render(request, template, context, status=400)


@login_required
@require_POST
def conflict_add(request: AuthedRequest, pk: int) -> HttpResponse:
    expert = access.access_expert(request.user, pk, write=True)
    return _conflict_add(request, expert, f"/experts/pool/{expert.pk}/")


@login_required
@require_POST
def conflict_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    conflict = get_object_or_404(Conflict.objects.select_related("expert"), pk=pk)
    if not access.can_see_private(request.user, conflict.expert):
        raise Http404("申报不存在")
    services.conflict_withdraw(actor=request.user, conflict=conflict)
    messages.success(request, "已撤回该利益冲突申报。")
    if access.is_own(request.user, conflict.expert) and not access.is_office(request.user):
        return redirect("experts:my_profile")
    return redirect("experts:expert_detail", pk=conflict.expert_id)


@login_required
def my_profile(request: AuthedRequest) -> HttpResponse:
    expert = access.own_profile(request.user)
    form = OwnProfileForm(request.POST or None, instance=expert)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changes = {k: form.cleaned_data[k] for k in PROFILE_KEYS}
            try:
                services.expert_update(actor=request.user, expert=expert, **changes)
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, "已保存本人专家档案。")
                return redirect("experts:my_profile")
        status = 400
    context = _profile_context(request, expert)
    context.update(form=form, title="我的专家档案", breadcrumbs=[ROOT, ("我的专家档案", None)])
    return render(request, "experts/my_profile.html", context, status=status)


@login_required
@require_POST
def my_conflict_add(request: AuthedRequest) -> HttpResponse:
    return _conflict_add(request, access.own_profile(request.user), "/experts/me/")


@login_required
def my_tasks(request: AuthedRequest) -> HttpResponse:
    expert = access.own_profile(request.user)
    history = list(selectors.assignments_of(expert))
    return render(
        request,
        "experts/my_tasks.html",
        {
            "expert": expert,
            "open": [a for a in history if a.is_open],
            "closed": [a for a in history if not a.is_open],
            "decline_form": ReasonForm(),
            "title": "我的任务",
            "breadcrumbs": [ROOT, ("我的任务", None)],
        },
    )


@login_required
@require_POST
def assignment_decline(request: AuthedRequest, pk: int) -> HttpResponse:
    assignment = access.access_assignment(request.user, pk, write=True)
    form = ReasonForm(request.POST)
    back = "experts:my_tasks" if access.is_own(request.user, assignment.expert) else None
    if form.is_valid():
        try:
            _, replacement = services.assignment_decline(
                actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            done = "已登记谢绝。"
            if replacement is not None:
                done += f"候补专家 {replacement.expert.name} 已按顺位递补。"
            elif assignment.role == "member":
                done += "候补专家已用尽，依法治市办将另行安排。"
            messages.success(request, done)
    else:
        messages.error(request, "谢绝须说明理由。")
    if back:
        return redirect(back)
    return redirect("experts:draw_detail", pk=assignment.draw_id)


@login_required
@require_POST
def assignment_evaluate(request: AuthedRequest, pk: int) -> HttpResponse:
    assignment = access.access_assignment(request.user, pk)
    access.require_office(request.user)
    form = EvaluateForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_evaluate(actor=request.user, assignment=assignment, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已记录 {assignment.expert.name} 的履职评价。")
    else:
        messages.error(request, "请选择履职评价等次。")
    return redirect("experts:expert_detail", pk=assignment.expert_id)
