"""Background work of 迎检, run by the task queue (`fazhi db_worker`)."""

from __future__ import annotations

from django.http import Http404
from django_tasks import task

from jobs.models import Job
from jobs.services import JobFailed, job_progress, job_succeeded, job_task
from provincial import access, services


@task()
@job_task
def build_evidence_package(job: Job) -> None:
    """Zip every evidence file of a framework with its 目录.docx; progress per file."""
    try:  # the owner's rights are checked again when the work starts
        framework = access.access_framework(job.owner, int(job.params.get("framework", 0)))
    except Http404:
        raise JobFailed("指标体系不存在或您已无权导出。") from None
    job_progress(job.pk, 0, 0, "正在整理佐证材料目录…")
    content, filename, counts = services.package_export(
        actor=job.owner,
        framework=framework,
        progress=lambda done, total: job_progress(job.pk, done, total, f"正在打包佐证材料 {done}/{total}…"),
    )
    missing = (
        f"，{counts['indicators_without_files']} 项指标暂无佐证材料"
        if counts["indicators_without_files"]
        else ""
    )
    job_succeeded(
        job.pk,
        f"已打包 {counts['indicators']} 项指标的佐证材料 {counts['files']} 份{missing}。",
        result=counts,
        result_file=(content, filename),
    )
