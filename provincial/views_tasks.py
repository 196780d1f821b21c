"""Task pages: a unit's own tasks (notes, estimate, evidence, submit) and the
office's review (accept, return with a reason, change the deadline, withdraw)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.http import AuthedRequest
from provincial import access, selectors, services
from provincial.forms import AcceptForm, ReturnForm, TaskEditForm, TaskReportForm
from provincial.models import ProvincialFramework, Task, TaskStatus
from provincial.views import ROOT, _attach
from workbench.tables import sorted_page

SORTS = ("deadline", "indicator__order", "org__sort_order", "status", "updated_at")


@login_required
def task_list(request: AuthedRequest) -> HttpResponse:
    """The office sees every task (with filters); a unit sees its own."""
    user = request.user
    office = access.is_office(user)
    if not access.can_see_module(user):
        raise Http404("页面不存在")
    today = timezone.localdate()
    frameworks = list(ProvincialFramework.objects.order_by("-year").values_list("pk", "year"))
    try:
        framework_id = int(request.GET.get("framework") or (frameworks[0][0] if frameworks else 0))
    except ValueError:
        framework_id = 0
    status = request.GET.get("status", "")
    status = status if status in TaskStatus.values else ""
    overdue = request.GET.get("overdue") == "1"
    query = request.GET.get("q", "").strip()[:50]
    qs = selectors.task_list(
        status=status, overdue=overdue, query=query, today=today, org_id=None if office else user.org_id
    ).filter(indicator__framework_id=framework_id)
    org_id = request.GET.get("org", "")
    units: list[Any] = []
    if office:
        units = list(
            selectors.municipal_units()
            .filter(provincial_tasks__indicator__framework_id=framework_id)
            .distinct()
            .values_list("pk", "short_name")
        )
        if org_id.isdigit():
            qs = qs.filter(org_id=int(org_id))
    page, sort = sorted_page(request, qs, allowed=SORTS, default="deadline")
    context = {
        "page": page,
        "sort": sort,
        "office": office,
        "today": today,
        "frameworks": frameworks,
        "framework_id": framework_id,
        "status": status,
        "statuses": TaskStatus.choices,
        "overdue": overdue,
        "query": query,
        "units": units,
        "org_id": org_id,
        "title": "迎检任务" if office else "我的迎检任务",
        "breadcrumbs": [ROOT, ("迎检任务" if office else "我的迎检任务", None)],
    }
    if request.headers.get("HX-Request"):
        return render(request, "provincial/task_list.html#task-table", context)
    return render(request, "provincial/task_list.html", context)


def _task_page(request: AuthedRequest, task: Task, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    can_report = access.can_report(user, task)
    office = access.is_office(user)
    indicator = task.indicator
    context: dict[str, Any] = {
        "task": task,
        "indicator": indicator,
        "evidence": list(task.evidence.select_related("uploaded_by").order_by("created_at")),
        "office": office,
        "can_report": can_report,
        "overdue": selectors.is_overdue(task, timezone.localdate()),
        "report_form": forms.get("report_form")
        or (
            TaskReportForm(initial={"note": task.note, "self_score": task.self_score}) if can_report else None
        ),
        "evidence_error": forms.get("evidence_error", ""),
        "accept_form": forms.get("accept_form")
        or (
            AcceptForm(
                initial={
                    "reviewed_score": task.reviewed_score
                    if task.reviewed_score is not None
                    else task.self_score
                }
            )
            if office
            else None
        ),
        "return_form": forms.get("return_form") or (ReturnForm() if office else None),
        "error": forms.get("error", ""),
        "title": f"迎检任务：{indicator.code} {indicator.name}",
        "breadcrumbs": [
            ROOT,
            ("迎检任务" if office else "我的迎检任务", "/provincial/tasks/"),
            (f"{indicator.code} · {task.org.display_name}", None),
        ],
    }
    if office:
        context["siblings"] = list(selectors.tasks().filter(indicator=indicator).exclude(pk=task.pk))
    for name, field in (
        ("report_form", "self_score"),
        ("accept_form", "reviewed_score"),
        ("return_form", "reviewed_score"),
    ):
        if context[name] is not None:  # the browser stops a score above 分值 before the server has to
            context[name].fields[field].widget.attrs.update({"max": indicator.max_score, "step": "0.01"})
            context[name].fields[field].help_text += f"（满分 {indicator.max_score.normalize():f} 分）"
    return render(request, "provincial/task_detail.html", context, status=status)


@login_required
def task_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _task_page(request, access.access_task(request.user, pk))


@login_required
@require_POST
def task_report(request: AuthedRequest, pk: int) -> HttpResponse:
    task = access.access_task(request.user, pk, write=True)
    access.require_report(request.user, task)
    form = TaskReportForm(request.POST)
    if form.is_valid():
        try:
            services.task_report(actor=request.user, task=task, **form.cleaned_data)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                return _task_page(request, task, status=400, error="；".join(exc.messages))
            _attach(form, exc)
        else:
            messages.success(request, "已保存工作情况说明和自估分。")
            return redirect("provincial:task_detail", pk=task.pk)
    return _task_page(request, task, status=400, report_form=form)


@login_required
@require_POST
def task_evidence_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """One or more files; each is checked on its own and the refused ones are named."""
    task = access.access_task(request.user, pk, write=True)
    access.require_report(request.user, task)
    files = request.FILES.getlist("file")
    if not files:
        return _task_page(request, task, status=400, evidence_error="请选择要上传的文件。")
    stored, refused = [], []
    for upload in files[:20]:
        try:
            stored.append(
                services.task_evidence_add(actor=request.user, task=task, uploaded_file=upload).original_name
            )
        except ValidationError as exc:
            refused.append(f"「{upload.name}」：{'；'.join(exc.messages)}")
    if stored:
        messages.success(request, f"已上传佐证材料 {len(stored)} 份：{'、'.join(stored)}。")
    if refused:
        return _task_page(request, task, status=400, evidence_error="以下文件未上传 —— " + " ".join(refused))
    return redirect("provincial:task_detail", pk=task.pk)


@login_required
@require_POST
def task_evidence_remove(request: AuthedRequest, pk: int, attachment: str) -> HttpResponse:
    task = access.access_task(request.user, pk, write=True)
    access.require_report(request.user, task)
    found = task.evidence.filter(pk=attachment).first()
    if found is None:
        raise Http404("佐证材料不存在")
    services.task_evidence_remove(actor=request.user, task=task, attachment=found)
    messages.success(request, f"已移除佐证材料「{found.original_name}」。")
    return redirect("provincial:task_detail", pk=task.pk)


@login_required
@require_POST
def task_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    task = access.access_task(request.user, pk, write=True)
    access.require_report(request.user, task)
    try:
        services.task_submit(actor=request.user, task=task)
    except ValidationError as exc:
        return _task_page(request, task, status=400, error="；".join(exc.messages))
    messages.success(request, "已提交，等待市委依法治市办审核。")
    return redirect("provincial:task_detail", pk=task.pk)


@login_required
@require_POST
def task_accept(request: AuthedRequest, pk: int) -> HttpResponse:
    task = access.access_task(request.user, pk, write=True)
    access.require_review(request.user, task)
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            services.task_accept(actor=request.user, task=task, **form.cleaned_data)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                return _task_page(request, task, status=400, error="；".join(exc.messages))
            _attach(form, exc)
        else:
            messages.success(request, f"已通过 {task.org.display_name} 的任务。")
            return redirect("provincial:task_detail", pk=task.pk)
    return _task_page(request, task, status=400, accept_form=form)


@login_required
@require_POST
def task_return(request: AuthedRequest, pk: int) -> HttpResponse:
    task = access.access_task(request.user, pk, write=True)
    access.require_review(request.user, task)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.task_return(actor=request.user, task=task, **form.cleaned_data)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                return _task_page(request, task, status=400, error="；".join(exc.messages))
            _attach(form, exc)
        else:
            messages.success(request, f"已退回 {task.org.display_name}，理由已通知该单位。")
            return redirect("provincial:task_detail", pk=task.pk)
    return _task_page(request, task, status=400, return_form=form)


@login_required
def task_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    task = access.access_task(request.user, pk, write=True)
    access.require_review(request.user, task)
    form = TaskEditForm(
        request.POST or None, initial={"deadline": task.deadline, "description": task.description}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(
                actor=request.user,
                task=task,
                deadline=form.cleaned_data["deadline"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, "已保存任务。")
            return redirect("provincial:task_detail", pk=task.pk)
    return render(
        request,
        "provincial/form.html",
        {
            "form": form,
            "title": f"修改任务：{task.indicator.code} · {task.org.display_name}",
            "cancel": f"/provincial/tasks/{task.pk}/",
            "breadcrumbs": [
                ROOT,
                ("迎检任务", "/provincial/tasks/"),
                (f"{task.indicator.code} · {task.org.display_name}", f"/provincial/tasks/{task.pk}/"),
                ("修改", None),
            ],
        },
    )


@login_required
@require_POST
def task_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    task = access.access_task(request.user, pk, write=True)
    access.require_review(request.user, task)
    indicator_id = task.indicator_id
    services.task_delete(actor=request.user, task=task)
    messages.success(request, f"已撤回 {task.org.display_name} 的任务。")
    return redirect("provincial:indicator_detail", pk=indicator_id)
