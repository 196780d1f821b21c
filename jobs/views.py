from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from accounts.access import require
from accounts.http import AuthedRequest
from audit.services import audit_record
from documents import watermark
from documents.xlsx import XLSX_MIME, file_response
from jobs import access, tasks, user_import
from jobs.forms import UserImportForm
from jobs.models import Job
from jobs.services import job_start
from workbench.tables import sorted_page


@login_required
def job_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    qs = Job.objects.filter(owner=user)
    page, sort = sorted_page(request, qs, allowed=("created_at", "title", "status"), default="-created_at")
    return render(
        request,
        "jobs/job_list.html",
        {
            "page": page,
            "sort": sort,
            "can_import_users": access.can_import_users(user),
            "title": "我的任务",
            "breadcrumbs": [("我的任务", None)],
        },
    )


@login_required
def job_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    """The page polls itself with htmx every second until the job is done."""
    job = access.access_job(request.user, pk)
    context = {"job": job, "title": job.title, "breadcrumbs": [("我的任务", "/jobs/"), (job.title, None)]}
    if request.headers.get("HX-Request"):
        return render(request, "jobs/job_detail.html#job-status", context)
    return render(request, "jobs/job_detail.html", context)


@login_required
def job_result(request: AuthedRequest, pk: str) -> HttpResponseBase:
    user = request.user
    job = access.access_job(user, pk)
    if not job.result_file:
        raise Http404("该任务没有结果文件")
    try:
        handle = default_storage.open(job.result_file.name or "", "rb")
    except OSError:
        raise Http404("结果文件已丢失") from None
    audit_record(actor=user, action="jobs.result.exported", target=job, data={"name": job.result_name})
    mime = watermark.mime_for(job.result_name or "")
    if mime:  # a generated document (e.g. an import's error report): stamped for the viewer like any export
        with handle:
            return file_response(handle.read(), job.result_name, mime)
    return FileResponse(handle, as_attachment=True, filename=job.result_name or "result")


@login_required
def user_import_start(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_import_users(user))
    form = UserImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            job = job_start(
                actor=user,
                kind="accounts.user_import",
                title=f"导入用户：{uploaded.name}",
                task=tasks.import_users,
                input_file=uploaded,
                input_name=uploaded.name,
                input_ext="xlsx",
            )
        except ValidationError as exc:  # the disk is full: nothing saved, no job
            form.add_error(None, exc)
        else:
            return redirect("jobs:detail", pk=job.pk)
    return render(
        request,
        "jobs/user_import.html",
        {
            "form": form,
            "columns": user_import.COLUMNS,
            "title": "批量导入用户",
            "breadcrumbs": [("用户管理", "/accounts/users/"), ("批量导入用户", None)],
        },
    )


@login_required
def user_import_template(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_import_users(user))
    audit_record(actor=user, action="accounts.user_import_template.exported")
    return file_response(user_import.template_workbook(), "用户导入模板.xlsx", XLSX_MIME)
