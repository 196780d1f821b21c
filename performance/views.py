from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import require
from accounts.http import request_user
from documents import gongwen
from documents.xlsx import XLSX_MIME, file_response
from performance import access, metrics, selectors, services
from performance.engine import ERROR, Evaluation, load_rule_set, score_evaluation
from performance.engine.inputs import InputError
from performance.forms import ImportForm, IndicatorRowForm, ProjectForm, TableHeadForm
from performance.models import BudgetProject, Indicator, Level1, ProjectStatus
from performance.report import ReportInput, build_report
from performance.standard_table import MAX_BYTES, TableMeta, read_table, write_table
from workbench.tables import sorted_page

LIST_SORTS = ("year", "name", "org__name", "budget_adjusted", "declared_total", "status", "updated_at")


def _crumbs(
    project: BudgetProject | None = None, *extra: tuple[str, str | None]
) -> list[tuple[str, str | None]]:
    items: list[tuple[str, str | None]] = [("绩效自评", reverse("performance:project_list"))]
    if project is not None:
        items.append(
            (f"{project.year}年度 {project.name}", reverse("performance:project_detail", args=[project.pk]))
        )
    return [*items, *extra]


# ---------------------------------------------------------------------- list


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(access.can_use_performance(user) or access.can_create_project(user))
    year = request.GET.get("year", "")
    status, query = request.GET.get("status", ""), request.GET.get("q", "").strip()
    qs = selectors.project_list(
        user=user, year=int(year) if year.isdigit() else None, status=status, query=query
    )
    page, sort = sorted_page(request, qs, allowed=LIST_SORTS, default="-year")
    live = metrics.LiveValues()
    rows = [
        (p, selectors.scored_project(p, indicators=list(p.indicators.all()), live=live).result) for p in page
    ]
    context = {
        "page": page,
        "rows": rows,
        "sort": sort,
        "year": year,
        "status": status,
        "query": query,
        "years": selectors.project_years(user),
        "statuses": ProjectStatus.choices,
        "can_create": access.can_create_project(user),
        "title": "项目支出绩效自评",
        "breadcrumbs": [("绩效自评", None)],
    }
    if request.headers.get("HX-Request"):
        return render(request, "performance/project_list.html#project-table", context)
    return render(request, "performance/project_list.html", context)


# ---------------------------------------------------------- create and edit


def _project_form_fields(form: ProjectForm) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if k not in ("org", "version")}


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(access.can_create_project(user))
    orgs = access.creatable_orgs(user)
    form = ProjectForm(
        request.POST or None,
        orgs=orgs,
        initial={"year": timezone.localdate().year - 1, "org": user.org_id, "rule_set": "cz2020"},
    )
    if request.method == "POST" and form.is_valid():
        fields = _project_form_fields(form)
        try:
            project = services.project_create(actor=user, org=form.cleaned_data["org"], **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已新建项目“{project.name}”，请在自评表中填写绩效指标。")
            return redirect("performance:project_detail", pk=project.pk)
    return render(
        request,
        "performance/project_form.html",
        {"form": form, "title": "新建预算项目", "breadcrumbs": _crumbs(None, ("新建项目", None))},
    )


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    project = access.access_project(user, pk, write=True)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in form.changed_data if k not in ("org", "version")}
        try:
            services.project_update(
                actor=user, project=project, version=form.cleaned_data.get("version"), **fields
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已保存项目信息。")
            return redirect("performance:project_detail", pk=project.pk)
    return render(
        request,
        "performance/project_form.html",
        {
            "form": form,
            "project": project,
            "title": f"编辑 {project.name}",
            "breadcrumbs": _crumbs(project, ("编辑项目信息", None)),
        },
    )


# -------------------------------------------------------------------- detail


def _table_forms(
    project: BudgetProject, indicators: list[Indicator], data: Any = None
) -> tuple[TableHeadForm, list[IndicatorRowForm]]:
    head = TableHeadForm(
        data,
        prefix="p",
        initial={
            "budget_adjusted": project.budget_adjusted,
            "budget_executed": project.budget_executed,
            "declared_execution_score": project.declared_execution_score,
            "declared_total": project.declared_total,
            "execution_reason": project.execution_reason,
            "version": project.version,
        },
    )
    rows = [IndicatorRowForm(data, instance=i, prefix=f"i{i.pk}") for i in indicators]
    return head, rows


def _detail_context(
    request: HttpRequest, project: BudgetProject, scored: selectors.Scored, **extra: Any
) -> dict[str, Any]:
    user = request_user(request)
    editable = project.is_draft
    head, row_forms = extra.pop("forms", None) or (
        _table_forms(project, scored.indicators) if editable else (None, [])
    )
    results = scored.result.indicators
    return {
        "project": project,
        "scored": scored,
        "result": scored.result,
        "rows": list(
            zip(
                scored.indicators,
                row_forms or [None] * len(results),
                results,
                (scored.actuals[i.pk] for i in scored.indicators),
                strict=True,
            )
        ),
        "head": head,
        "editable": editable,
        "rules": load_rule_set(project.rule_set),
        "weight_total": sum(
            (i.weight for i in scored.indicators), load_rule_set(project.rule_set).budget_weight
        ),
        "errors": [f for f in scored.result.findings if f.severity == ERROR],
        "can_reopen": access.can_reopen(user, project),
        "can_delete": access.can_delete(user, project),
        "bands": load_rule_set(project.rule_set).bands,
        "narrative_sections": _narrative_sections(project, scored),
        "title": f"{project.year}年度 {project.name}",
        "breadcrumbs": _crumbs(project),
        **extra,
    }


def _narrative_sections(project: BudgetProject, scored: selectors.Scored) -> list[tuple[str, str]]:
    """The narrative with its placeholders filled, as the report will print it."""
    from performance.report import NARRATIVE_LABELS, fill, placeholders

    values = placeholders(scored.evaluation, scored.result)
    return [(NARRATIVE_LABELS[key], fill(text, values)) for key, text in project.narrative().items()]


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.access_project(request_user(request), pk)
    scored = selectors.scored_project(project)
    return render(request, "performance/project_detail.html", _detail_context(request, project, scored))


def _preview_evaluation(
    project: BudgetProject, scored: selectors.Scored, head: TableHeadForm, row_forms: list[IndicatorRowForm]
) -> tuple[Evaluation, dict[int, list[str]]]:
    """The evaluation as typed (not saved): valid fields override the stored ones."""
    from performance.engine.values import QUALITATIVE, Value, parse_value

    ev = scored.evaluation
    row_errors: dict[int, list[str]] = {}
    head.is_valid()
    for name in TableHeadForm.FIELDS:
        if name in head.cleaned_data:
            setattr(ev, name, head.cleaned_data[name])  # the head's fields are named as the Evaluation's
    live = metrics.LiveValues()
    for form, engine_ind, indicator in zip(row_forms, ev.indicators, scored.indicators, strict=True):
        form.is_valid()
        data = form.cleaned_data
        row_errors[indicator.pk] = [
            f"{form.fields[f].label}：{e}" for f, errs in form.errors.items() for e in errs
        ]
        for name in ("level1", "level2", "name", "deviation_reason", "applicable"):
            if name in data:
                setattr(engine_ind, name, data[name])
        if "target_text" in data:
            text = data["target_text"].strip()
            engine_ind.target = parse_value(text) if text else Value(QUALITATIVE, None, "", "")
        if "weight" in data:
            engine_ind.weight = data["weight"] or Decimal(0)
        if "declared_score" in data:
            engine_ind.declared_score = data["declared_score"]
        key = data.get("live_metric", indicator.live_metric)
        if key:
            value = live.get(key, metrics.MetricContext(project.year, project.org_id))
            engine_ind.actual = value.text() if value else None
        elif "actual" in data:
            engine_ind.actual = data["actual"].strip() or None
    return ev, row_errors


@login_required
@require_POST
def table_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Score the table as typed, without saving: the running total and findings for htmx."""
    project = access.access_project(request_user(request), pk, write=True)
    scored = selectors.scored_project(project)
    head, row_forms = _table_forms(project, scored.indicators, request.POST)
    evaluation, row_errors = _preview_evaluation(project, scored, head, row_forms)
    result = score_evaluation(evaluation, load_rule_set(project.rule_set))
    weight_total = sum(
        (i.weight for i in evaluation.indicators), load_rule_set(project.rule_set).budget_weight
    )
    return render(
        request,
        "performance/project_detail.html#preview",
        {
            "project": project,
            "result": result,
            "preview": True,
            "weight_total": weight_total,
            "errors": [f for f in result.findings if f.severity == ERROR],
            "computed": [
                (i.pk, r, row_errors.get(i.pk, []), scored.actuals[i.pk])
                for i, r in zip(scored.indicators, result.indicators, strict=True)
            ],
            "head_errors": [f"{head.fields[f].label}：{e}" for f, errs in head.errors.items() for e in errs],
        },
    )


@login_required
@require_POST
def table_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the inline-edited 自评表; the add/delete row buttons save first, then act."""
    user = request_user(request)
    project = access.access_project(user, pk, write=True)
    indicators = list(project.indicators.all())
    head, row_forms = _table_forms(project, indicators, request.POST)
    valid = head.is_valid() & all([f.is_valid() for f in row_forms])
    if valid:
        project_fields = {k: head.cleaned_data[k] for k in head.changed_data if k in TableHeadForm.FIELDS}
        rows = [
            (
                f.instance,
                {k: f.cleaned_data[k] for k in f.changed_data if k in IndicatorRowForm.FIELDS},
                f.cleaned_data.get("version"),
            )
            for f in row_forms
        ]
        rows = [r for r in rows if r[1]]
        try:
            changed = services.table_save(
                actor=user,
                project=project,
                project_fields=project_fields,
                project_version=head.cleaned_data.get("version"),
                rows=rows,
            )
            anchor = ""
            if "add_row" in request.POST:
                level1 = (
                    request.POST["add_row"] if request.POST["add_row"] in Level1.values else Level1.OUTPUT
                )
                created = services.indicator_create(actor=user, project=project, level1=level1)
                anchor = f"#row-{created.pk}"
            elif request.POST.get("delete_row", "").isdigit():
                victim = next((i for i in indicators if i.pk == int(request.POST["delete_row"])), None)
                if victim is not None:
                    services.indicator_delete(actor=user, indicator=victim)
                    messages.success(request, f"已删除指标“{victim.name or '未命名'}”。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            if changed:
                messages.success(request, f"已保存自评表（{changed} 处修改）。")
            return redirect(reverse("performance:project_detail", args=[project.pk]) + anchor)
    else:
        messages.error(request, "自评表有填写错误，未保存，请按标红处修改。")
    project.refresh_from_db()
    scored = selectors.scored_project(project, indicators=indicators)
    return render(
        request,
        "performance/project_detail.html",
        _detail_context(request, project, scored, forms=(head, row_forms)),
        status=200,
    )


# --------------------------------------------------------- import and export


def _read_upload(form: ImportForm) -> tuple[Evaluation, TableMeta, str] | None:
    uploaded = form.cleaned_data["file"]
    if uploaded.size > MAX_BYTES:
        form.add_error(
            "file",
            f"文件过大（{uploaded.size / 1024 / 1024:.1f} MB），不应超过 {MAX_BYTES // 1024 // 1024} MB。",
        )
        return None
    try:
        evaluation, meta = read_table(uploaded.read())
    except InputError as exc:
        form.add_error("file", exc.summary if exc.problems else exc.message)
        form.problems = exc.problems  # type: ignore[attr-defined]
        return None
    return evaluation, meta, uploaded.name


@login_required
def project_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace this draft's table with an imported 自评表 (all or nothing)."""
    user = request_user(request)
    project = access.access_project(user, pk, write=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        read = _read_upload(form)
        if read:
            evaluation, meta, name = read
            try:
                services.project_import_table(
                    actor=user, project=project, evaluation=evaluation, meta=meta, filename=name
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"已导入 {len(evaluation.indicators)} 项指标。")
                return redirect("performance:project_detail", pk=project.pk)
    return render(
        request,
        "performance/import.html",
        {
            "form": form,
            "project": project,
            "problems": getattr(form, "problems", []),
            "title": "导入自评表",
            "breadcrumbs": _crumbs(project, ("导入自评表", None)),
        },
    )


@login_required
def project_import_new(request: HttpRequest) -> HttpResponse:
    """A new project from a 自评表 (name and year from the table)."""
    user = request_user(request)
    require(access.can_create_project(user))
    orgs = access.creatable_orgs(user)
    form = ImportForm(
        request.POST or None, request.FILES or None, orgs=orgs, new_project=True, initial={"org": user.org_id}
    )
    if request.method == "POST" and form.is_valid():
        read = _read_upload(form)
        if read:
            evaluation, meta, name = read
            try:
                project = services.project_create_from_table(
                    actor=user, org=form.cleaned_data["org"], evaluation=evaluation, meta=meta, filename=name
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"已导入“{project.name}”，共 {len(evaluation.indicators)} 项指标。")
                return redirect("performance:project_detail", pk=project.pk)
    return render(
        request,
        "performance/import.html",
        {
            "form": form,
            "problems": getattr(form, "problems", []),
            "title": "导入自评表（新项目）",
            "breadcrumbs": _crumbs(None, ("导入自评表", None)),
        },
    )


def _file_stem(project: BudgetProject) -> str:
    return f"{project.year}年度{project.name}"


@login_required
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    project = access.access_project(user, pk)
    scored = selectors.scored_project(project)
    rules = load_rule_set(project.rule_set)
    data = write_table(
        scored.evaluation,
        scored.result,
        TableMeta(project.implementing_unit),
        budget_weight=rules.budget_weight,
    )
    services.project_exported(actor=user, project=project, fmt="xlsx")
    return file_response(data, f"{_file_stem(project)}项目支出绩效自评表.xlsx", XLSX_MIME)


def _report(project: BudgetProject) -> gongwen.Document:
    scored = selectors.scored_project(project)
    date = timezone.localtime(project.submitted_at).date() if project.submitted_at else timezone.localdate()
    return build_report(
        ReportInput(
            scored.evaluation,
            scored.result,
            load_rule_set(project.rule_set),
            project.narrative(),
            project.implementing_unit,
            date,
        )
    )


@login_required
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    project = access.access_project(user, pk)
    data = gongwen.render_docx(_report(project))
    services.project_exported(actor=user, project=project, fmt="docx")
    return file_response(data, f"{_file_stem(project)}项目绩效自评报告.docx", gongwen.DOCX_MIME)


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    project = access.access_project(user, pk)
    data = gongwen.render_pdf(_report(project))
    services.project_exported(actor=user, project=project, fmt="pdf")
    return file_response(data, f"{_file_stem(project)}项目绩效自评报告.pdf", gongwen.PDF_MIME)


# ------------------------------------------------------------------ workflow


@login_required
@require_POST
def project_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    project = access.access_project(user, pk, write=True)
    try:
        services.project_submit(actor=user, project=project)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已提交自评，实时数据已按当前值冻结。")
    return redirect("performance:project_detail", pk=project.pk)


@login_required
@require_POST
def project_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    project = access.access_project(user, pk)
    access.require_reopen(user, project)
    try:
        services.project_reopen(actor=user, project=project, reason=request.POST.get("reason", "")[:500])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已退回为草稿，可再次修改。")
    return redirect("performance:project_detail", pk=project.pk)


@login_required
@require_POST
def project_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    project = access.access_project(user, pk, write=True)
    require(access.can_delete(user, project))
    services.project_delete(actor=user, project=project)
    messages.success(request, f"已删除项目“{project.name}”。")
    return redirect("performance:project_list")
