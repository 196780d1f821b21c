"""导入考评办法（xlsx/docx）: upload an office's table as published, see what was
understood (every number with its source cell, the findings), correct it, save a draft.

Every POST of the preview applies the corrections and checks the corrected tree
again (findings.recheck); 重新核对 only shows the new findings, 保存 saves unless
the corrections raised a finding the office has not yet been shown (then the page
shows it first). A form error (a bad number, a survey without its scale) blocks both.

The parsed tree waits in the session under a random token between the preview
and the save (no second upload); a table with errors is never kept. Only the
city office (access.can_manage) may import."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.access import require
from accounts.http import AuthedRequest
from assessments import access
from assessments.forms import TableCorrectionForm, TableUploadForm
from assessments.framework_import import Finding, ParsedTable, TableError, parse_file
from assessments.framework_import.findings import new_findings, recheck
from assessments.framework_import.model import table_from_data, table_to_data
from assessments.services import frameworks as services

SESSION_KEY = "framework_tables"
KEEP = 3  # parsed tables kept per session


def _crumbs(last: str) -> list[tuple[str, str | None]]:
    return [("考评办法", reverse("assessments:framework_list")), (last, None)]


@login_required
def framework_table_import(request: AuthedRequest) -> HttpResponse:
    require(access.can_manage(request.user))
    form = TableUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = parse_file(upload.read(), upload.name)
        except TableError as exc:
            form.add_error("file", f"无法识别该表格，未导入：{exc.message}")
        else:
            token = _keep(request, table, upload.name)
            return redirect("assessments:framework_table_preview", token=token)
    return render(
        request,
        "assessments/framework_table_import.html",
        {"form": form, "title": "导入考评办法（xlsx/docx）", "breadcrumbs": _crumbs("导入考评办法表格")},
    )


def _keep(request: AuthedRequest, table: ParsedTable, filename: str) -> str:
    kept: dict[str, Any] = dict(request.session.get(SESSION_KEY) or {})
    while len(kept) >= KEEP:
        kept.pop(next(iter(kept)))
    token = secrets.token_urlsafe(12)
    kept[token] = {"filename": filename[:200], "table": table_to_data(table)}
    request.session[SESSION_KEY] = kept
    return token


@login_required
def framework_table_preview(request: AuthedRequest, token: str) -> HttpResponse:
    require(access.can_manage(request.user))
    kept = (request.session.get(SESSION_KEY) or {}).get(token)
    if kept is None:
        raise Http404("导入的表格已过期，请重新上传。")
    table = table_from_data(kept["table"])
    form = TableCorrectionForm(request.POST or None, table=table, initial={"name": table.title or ""})
    if request.method != "POST" or not _ready(form, checking=request.POST.get("action") == "check"):
        return _page(request, form, table, kept["filename"])
    shown = table.findings
    table = form.apply()
    table.findings = recheck(table, shown)
    unseen = new_findings(table.findings, shown)
    _store(request, token, table)
    if request.POST.get("action") == "check" or unseen:
        return _page(request, form, table, kept["filename"], checked=True, unseen=unseen)
    try:
        framework = services.framework_import_table(
            actor=request.user, table=table, year=form.cleaned_data["year"], name=form.cleaned_data["name"]
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _page(request, form, table, kept["filename"])
    request.session[SESSION_KEY] = {k: v for k, v in request.session[SESSION_KEY].items() if k != token}
    messages.success(request, f"已导入考评办法「{framework}」（草稿），请补充考评单位后锁定。")
    return redirect("assessments:framework_detail", pk=framework.pk)


def _ready(form: TableCorrectionForm, *, checking: bool) -> bool:
    """The corrections are valid; checking the tree again needs no year and name yet."""
    if form.is_valid():
        return True
    if checking and set(form.errors) <= {"year", "name"}:
        for name in ("year", "name"):
            form.errors.pop(name, None)
        return True
    return False


def _page(
    request: AuthedRequest,
    form: TableCorrectionForm,
    table: ParsedTable,
    filename: str,
    *,
    checked: bool = False,
    unseen: list[Finding] | None = None,
) -> HttpResponse:
    return render(
        request,
        "assessments/framework_table_preview.html",
        {
            "form": form,
            "table": table,
            "tree": _tree(form, table),
            "filename": filename,
            "checked": checked,
            "unseen": unseen or [],
            "title": "核对导入的考评办法",
            "breadcrumbs": _crumbs("核对导入的考评办法"),
        },
    )


def _store(request: AuthedRequest, token: str, table: ParsedTable) -> None:
    """Keep the corrected tree and its findings: what the page now shows."""
    kept = dict(request.session.get(SESSION_KEY) or {})
    kept[token] = {**kept[token], "table": table_to_data(table)}
    request.session[SESSION_KEY] = kept


def _tree(form: TableCorrectionForm, table: ParsedTable) -> list[dict[str, Any]]:
    """The parsed tree with each node's bound fields, for the template."""
    return [
        {
            "node": section,
            "fields": form.bound(section),
            "groups": [
                {
                    "node": group,
                    "fields": form.bound(group) if group.name is not None else None,
                    "indicators": [
                        {
                            "node": indicator,
                            "fields": form.bound(indicator),
                            "rules": [{"node": rule, "fields": form.bound(rule)} for rule in indicator.rules],
                        }
                        for indicator in group.indicators
                    ],
                }
                for group in section.groups
            ],
        }
        for section in table.sections
    ]
