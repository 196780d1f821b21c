"""Pages of 迎检: the office's frameworks, indicators, gaps and results; the
units' tasks (see views_tasks.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.http import AuthedRequest
from audit.services import audit_record
from documents.xlsx import XLSX_MIME, file_response, table_workbook
from provincial import access, exports, scoring, selectors, services
from provincial.forms import AssignForm, FrameworkEditForm, FrameworkImportForm, ResultForm
from workbench.tables import sorted_page

ROOT = ("迎检", "/provincial/")


def _require_office(user: object) -> None:
    if not access.is_office(user):  # type: ignore[arg-type]
        raise Http404("页面不存在")


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    if access.is_office(request.user):
        return redirect("provincial:framework_list")
    if access.can_see_module(request.user):
        return redirect("provincial:task_list")
    raise Http404("页面不存在")


@login_required
def framework_list(request: AuthedRequest) -> HttpResponse:
    _require_office(request.user)
    page, sort = sorted_page(
        request, selectors.frameworks(), allowed=("year", "name", "imported_at"), default="-year"
    )
    return render(
        request,
        "provincial/framework_list.html",
        {
            "page": page,
            "sort": sort,
            "results": list(selectors.results()[:6]),
            "title": "法治广东建设考评迎检",
            "breadcrumbs": [("迎检", None)],
        },
    )


@login_required
def framework_import(request: AuthedRequest) -> HttpResponse:
    _require_office(request.user)
    form = FrameworkImportForm(request.POST or None, request.FILES or None)
    import_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            framework = services.framework_import(
                actor=request.user,
                year=data["year"],
                name=data["name"],
                source_note=data["source_note"],
                declared_total=data["total"],
                content=data["file"].read(),
                filename=data["file"].name,
            )
        except services.ImportFailed as exc:
            import_errors = [str(e) for e in exc.errors]
        else:
            messages.success(
                request,
                f"已导入 {framework.year} 年度指标体系，共 {framework.indicators.count()} 项指标，"
                f"总分 {framework.total} 分。",
            )
            return redirect("provincial:framework_detail", pk=framework.pk)
    return render(
        request,
        "provincial/framework_import.html",
        {
            "form": form,
            "import_errors": import_errors,
            "title": "导入省考评指标体系",
            "breadcrumbs": [ROOT, ("导入指标体系", None)],
        },
    )


@login_required
def framework_template(request: AuthedRequest) -> HttpResponse:
    _require_office(request.user)
    return file_response(exports.template_workbook(), "法治广东建设考评指标导入模板.xlsx", XLSX_MIME)


@login_required
def framework_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    framework = access.access_framework(request.user, pk)
    overview = selectors.overview(framework, today=timezone.localdate())
    return render(
        request,
        "provincial/framework_detail.html",
        {
            "framework": framework,
            "overview": overview,
            "title": f"{framework.year}年度 {framework.name}",
            "breadcrumbs": [ROOT, (f"{framework.year}年度指标体系", None)],
        },
    )


@login_required
def framework_gaps(request: AuthedRequest, pk: int) -> HttpResponse:
    framework = access.access_framework(request.user, pk)
    overview = selectors.overview(framework, today=timezone.localdate())
    return render(
        request,
        "provincial/framework_gaps.html",
        {
            "framework": framework,
            "overview": overview,
            "title": f"{framework.year}年度迎检缺口",
            "breadcrumbs": [
                ROOT,
                (f"{framework.year}年度指标体系", f"/provincial/frameworks/{framework.pk}/"),
                ("缺口", None),
            ],
        },
    )


@login_required
def framework_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    framework = access.access_framework(request.user, pk)
    form = FrameworkEditForm(request.POST or None, instance=framework)
    if request.method == "POST" and form.is_valid():
        services.framework_update(
            actor=request.user,
            framework=framework,
            name=form.cleaned_data["name"],
            source_note=form.cleaned_data["source_note"],
        )
        messages.success(request, "已保存。")
        return redirect("provincial:framework_detail", pk=framework.pk)
    return render(
        request,
        "provincial/form.html",
        {
            "form": form,
            "title": "编辑指标体系",
            "cancel": f"/provincial/frameworks/{framework.pk}/",
            "breadcrumbs": [
                ROOT,
                (f"{framework.year}年度指标体系", f"/provincial/frameworks/{framework.pk}/"),
                ("编辑", None),
            ],
        },
    )


@login_required
@require_POST
def framework_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    framework = access.access_framework(request.user, pk)
    try:
        services.framework_delete(actor=request.user, framework=framework)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("provincial:framework_detail", pk=framework.pk)
    messages.success(request, f"已删除 {framework.year} 年度指标体系。")
    return redirect("provincial:framework_list")


@login_required
def framework_export(request: AuthedRequest, pk: int) -> HttpResponse:
    """The indicators in the import format (so the file can be imported again),
    with the task breakdown and expected scores on a second sheet."""
    framework = access.access_framework(request.user, pk)
    overview = selectors.overview(framework, today=timezone.localdate())
    content = exports.framework_workbook(overview)
    audit_record(
        actor=request.user,
        action="provincial.framework.exported",
        target=framework,
        data={"indicators": len(overview.rows), "tasks": overview.task_count},
    )
    return file_response(content, f"{framework.year}年度法治广东建设考评指标及任务分解.xlsx", XLSX_MIME)


@login_required
def indicator_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The indicator with its tasks; the office splits it into tasks for units here."""
    indicator = access.access_indicator(request.user, pk)
    form = AssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.tasks_assign(
                actor=request.user,
                indicator=indicator,
                orgs=list(data["orgs"]),
                deadline=data["deadline"],
                description=data["description"],
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(
                request, f"已分派 {len(created)} 项任务：{'、'.join(t.org.display_name for t in created)}。"
            )
            return redirect("provincial:indicator_detail", pk=indicator.pk)
    tasks = list(selectors.tasks().filter(indicator=indicator).order_by("org__sort_order", "org__code"))
    taken = {t.org_id for t in tasks}
    chosen = {str(v) for v in (form["orgs"].value() or [])}
    units = [(org, org.pk in taken, str(org.pk) in chosen) for org in form.units()]
    expected = scoring.indicator_expected(indicator.max_score, [selectors.task_score(t) for t in tasks])
    framework = indicator.framework
    return render(
        request,
        "provincial/indicator_detail.html",
        {
            "indicator": indicator,
            "tasks": tasks,
            "form": form,
            "expected": expected,
            "assessor_units": [u for u in units if u[0].is_assessor],
            "other_units": [u for u in units if not u[0].is_assessor],
            "today": timezone.localdate(),
            "title": f"{indicator.code} {indicator.name}",
            "breadcrumbs": [
                ROOT,
                (f"{framework.year}年度指标体系", f"/provincial/frameworks/{framework.pk}/"),
                (f"指标 {indicator.code}", None),
            ],
        },
    )


def _attach(form: object, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)  # type: ignore[attr-defined]
    else:
        form.add_error(None, exc)  # type: ignore[attr-defined]


@login_required
def result_list(request: AuthedRequest) -> HttpResponse:
    """The grades the province gave the city, year by year; the office records a new one here."""
    _require_office(request.user)
    form = ResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.result_record(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, f"已登记 {result.year} 年度法治广东建设考评结果：{result.grade}。")
            return redirect("provincial:result_list")
    rows = list(selectors.results())
    return render(
        request,
        "provincial/result_list.html",
        {
            "rows": rows,
            "form": form,
            "title": "法治广东建设考评结果",
            "breadcrumbs": [ROOT, ("历年考评结果", None)],
        },
    )


@login_required
def result_export(request: AuthedRequest) -> HttpResponse:
    _require_office(request.user)
    rows = [[r.year, r.grade, r.score if r.score is not None else "", r.note] for r in selectors.results()]
    audit_record(actor=request.user, action="provincial.result.exported", data={"rows": len(rows)})
    content = table_workbook([("历年考评结果", ["考评年度", "等次", "得分", "说明"], rows)])
    return file_response(content, "法治广东建设考评历年结果.xlsx", XLSX_MIME)


@login_required
@require_POST
def framework_package(request: AuthedRequest, pk: int) -> HttpResponse:
    """Start building the evidence package (zip + 目录.docx) as a background job
    and show its progress; the file is downloaded from the job when done."""
    from jobs.services import job_start
    from provincial.tasks import build_evidence_package

    framework = access.access_framework(request.user, pk)
    job = job_start(
        actor=request.user,
        kind="provincial.evidence_package",
        task=build_evidence_package,
        title=f"导出 {framework.year} 年度法治广东建设考评佐证材料包",
        params={"framework": framework.pk},
    )
    return redirect("jobs:detail", pk=job.pk)
