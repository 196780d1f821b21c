"""Task functions run by the queue (`fazhi db_worker`); each wraps a job."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import IntegrityError
from django_tasks import task

from documents.xlsx import table_workbook
from jobs import user_import
from jobs.models import Job
from jobs.services import JobFailed, job_failed, job_progress, job_succeeded, job_task


@task()
@job_task
def import_users(job: Job) -> None:
    job_progress(job.pk, 0, 0, "正在读取 Excel 文件…")
    try:
        with default_storage.open(job.input_file.name or "", "rb") as fh:
            rows = user_import.read_sheet(fh)  # type: ignore[arg-type]
    except user_import.ImportRefused as exc:  # unreadable or hostile file: say why, import nothing
        raise JobFailed(f"导入未执行：{exc.errors[0].message}（未导入任何账号）") from exc
    orgs, roles, existing = user_import.lookups()
    try:
        good = user_import.validate(
            rows,
            orgs=orgs,
            roles=roles,
            existing_usernames=existing,
            progress=lambda done, total: job_progress(job.pk, done, total, "正在校验…"),
        )
    except user_import.ImportRefused as exc:
        report = table_workbook(
            [
                (
                    "错误",
                    ["行号", "列", "表头", "问题"],
                    [(e.row, e.column, e.header, e.message) for e in exc.errors],
                )
            ]
        )
        job_failed(
            job.pk,
            f"导入未执行：发现 {len(exc.errors)} 处错误，请修改后重新上传（未导入任何账号）。",
            result={"errors": [e.as_dict() for e in exc.errors[:500]], "error_count": len(exc.errors)},
            result_file=(report, "用户导入错误报告.xlsx"),
        )
        return
    job_progress(job.pk, len(good), len(good), f"校验通过，正在写入 {len(good)} 个账号…")
    try:
        created = user_import.users_import(actor=job.owner, rows=good, source=job.input_name)
    except IntegrityError as exc:  # e.g. a username taken between validation and writing
        raise JobFailed("写入时发现用户名已被占用，已全部撤销（未导入任何账号），请重新上传。") from exc
    job_succeeded(
        job.pk,
        f"已导入 {len(created)} 个账号。新账号尚未设置密码，需设置初始密码后才能登录。",
        result={"created": len(created), "usernames": [u.username for u in created][:200]},
    )
