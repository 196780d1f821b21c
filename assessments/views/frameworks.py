"""考评办法: list, create, clone, new version, edit 板块/指标/评分细则, lock,
xlsx import/export, diff between two frameworks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import require
from accounts.http import AuthedRequest
from assessments import access, framework_checks, frameworks_xlsx
from assessments.forms import (
    CloneForm,
    FrameworkForm,
    FrameworkImportForm,
    GroupForm,
    ImportForm,
    IndicatorForm,
    RuleForm,
    SectionForm,
)
from assessments.framework_diff import framework_diff
from assessments.models import Framework, Indicator, IndicatorGroup, Rule, Section
from assessments.selectors import frameworks as framework_selectors
from assessments.services import frameworks as services
from audit.services import audit_record
from documents.xlsx import XLSX_MIME, file_response
from orgs.selectors import assessors, targets
from workbench.tables import sorted_page

LIST_CRUMB = ("考评办法", "/assessments/frameworks/")


def _crumbs(framework: Framework | None = None, *extra: tuple[str, str | None]) -> list:
    crumbs = [LIST_CRUMB]
    if framework is not None:
        crumbs.append((str(framework), reverse("assessments:framework_detail", args=[framework.pk])))
    return [*crumbs, *extra]


def _errors(exc: ValidationError) -> list[str]:
    return exc.messages


@login_required
def framework_list(request: AuthedRequest) -> HttpResponse:
    require(access.can_manage(request.user))
    page, sort = sorted_page(
        request,
        framework_selectors.framework_list(),
        allowed=("year", "name", "status", "version"),
        default="-year",
    )
    context = {
        "page": page,
        "sort": sort,
        "frameworks_for_diff": Framework.objects.order_by("-year", "-version").only(
            "pk", "name", "version", "year"
        ),
        "title": "考评办法",
        "breadcrumbs": [("考评办法", None)],
    }
    return render(request, "assessments/framework_list.html", context)


@login_required
def framework_create(request: AuthedRequest) -> HttpResponse:
    require(access.can_manage(request.user))
    form = FrameworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            framework = services.framework_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已新建考评办法「{framework}」，请添加板块和指标。")
            return redirect("assessments:framework_detail", pk=framework.pk)
    return render(
        request,
        "assessments/form.html",
        {
            "form": form,
            "title": "新建考评办法",
            "breadcrumbs": _crumbs(None, ("新建", None)),
            "cancel": LIST_CRUMB[1],
        },
    )


@login_required
def framework_import_new(request: AuthedRequest) -> HttpResponse:
    require(access.can_manage(request.user))
    form = FrameworkImportForm(request.POST or None, request.FILES or None)
    errors: list = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            structure = frameworks_xlsx.parse(data["file"].read(), assessors=assessors(), targets=targets())
            framework = services.framework_import(
                actor=request.user,
                structure=structure,
                year=data["year"],
                name=data["name"],
                total_score=data["total_score"],
                description=data["description"],
            )
        except frameworks_xlsx.ImportFailed as exc:
            errors = exc.errors
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已导入考评办法「{framework}」。")
            return redirect("assessments:framework_detail", pk=framework.pk)
    return render(
        request,
        "assessments/framework_import.html",
        {
            "form": form,
            "errors": errors,
            "headers": frameworks_xlsx.HEADERS,
            "title": "从 Excel 导入考评办法",
            "breadcrumbs": _crumbs(None, ("导入", None)),
        },
    )


@login_required
def framework_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    framework = access.access_framework(request.user, pk)
    sections = framework_selectors.framework_sections(framework)
    indicators = [i for s in sections for i in s.indicators.all()]
    structure = framework_selectors.framework_structure(framework, sections=sections)
    return render(
        request,
        "assessments/framework_detail.html",
        {
            "framework": framework,
            "sections": sections,
            "indicator_count": len(indicators),
            "rule_count": sum(len(i.rules.all()) for i in indicators),
            "scored_total": services.scored_total(structure),
            "problems": [] if framework.is_locked else services.framework_problems(framework),
            "warnings": [] if framework.is_locked else framework_checks.rule_warnings(structure),
            "versions": Framework.objects.filter(year=framework.year)
            .exclude(pk=framework.pk)
            .order_by("version"),
            "clone_form": CloneForm(
                initial={
                    "year": framework.year + 1,
                    "name": framework.name.replace(str(framework.year), str(framework.year + 1)),
                }
            ),
            "import_form": ImportForm(),
            "title": str(framework),
            "breadcrumbs": _crumbs(framework),
        },
    )


@login_required
def framework_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    framework = access.access_framework(request.user, pk, write=True)
    initial = {f: getattr(framework, f) for f in ("year", "name", "total_score", "description")}
    form = FrameworkForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "year"}
        try:
            services.framework_update(actor=request.user, framework=framework, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("assessments:framework_detail", pk=framework.pk)
    return render(
        request,
        "assessments/form.html",
        {
            "form": form,
            "title": "编辑考评办法",
            "breadcrumbs": _crumbs(framework, ("编辑", None)),
            "cancel": reverse("assessments:framework_detail", args=[framework.pk]),
        },
    )


def _post_action(request: AuthedRequest, framework: Framework, fn, ok: str) -> HttpResponse:
    try:
        result = fn()
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return redirect("assessments:framework_detail", pk=framework.pk)
    messages.success(request, ok)
    target = result if isinstance(result, Framework) else framework
    return redirect("assessments:framework_detail", pk=target.pk)


@login_required
@require_POST
def framework_lock(request: AuthedRequest, pk: int) -> HttpResponse:
    framework = access.access_framework(request.user, pk, write=True)
    return _post_action(
        request,
        framework,
        lambda: services.framework_lock(actor=request.user, framework=framework),
        "考评办法已锁定，可用于年度考评。",
    )


@login_required
@require_POST
def framework_new_version(request: AuthedRequest, pk: int) -> HttpResponse:
    framework = access.access_framework(request.user, pk, write=True)
    return _post_action(
        request,
        framework,
        lambda: services.framework_new_version(actor=request.user, framework=framework),
        "已基于原版本新建草稿版本，修改后请重新锁定。",
    )


@login_required
def framework_clone(request: AuthedRequest, pk: int) -> HttpResponse:
    framework = access.access_framework(request.user, pk, write=True)
    form = CloneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        clone = services.framework_clone(actor=request.user, source=framework, **form.cleaned_data)
        messages.success(request, f"已复制为「{clone}」（草稿），可修改后锁定。")
        return redirect("assessments:framework_detail", pk=clone.pk)
    return render(
        request,
        "assessments/form.html",
        {
            "form": form,
            "title": "复制为新年度",
            "breadcrumbs": _crumbs(framework, ("复制", None)),
            "cancel": reverse("assessments:framework_detail", args=[framework.pk]),
        },
    )


@login_required
@require_POST
def framework_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    framework = access.access_framework(request.user, pk, write=True)
    try:
        services.framework_delete(actor=request.user, framework=framework)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return redirect("assessments:framework_detail", pk=framework.pk)
    messages.success(request, "已删除草稿。")
    return redirect("assessments:framework_list")


@login_required
def framework_export(request: AuthedRequest, pk: int) -> HttpResponse:
    framework = access.access_framework(request.user, pk)
    structure = framework_selectors.framework_structure(framework)
    content = frameworks_xlsx.export_workbook(structure)
    rows = sum(max(1, len(i["rules"])) for s in structure for i in s["indicators"])
    audit_record(
        actor=request.user, action="assessments.framework.exported", target=framework, data={"rows": rows}
    )
    return file_response(content, f"{framework.name}（第{framework.version}版）.xlsx", XLSX_MIME)


@login_required
@require_POST
def framework_import_into(request: AuthedRequest, pk: int) -> HttpResponse:
    """Replace a draft's 板块/指标/细则 with an xlsx (all or nothing)."""
    framework = access.access_framework(request.user, pk, write=True)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要导入的 Excel 文件。")
        return redirect("assessments:framework_detail", pk=framework.pk)
    try:
        structure = frameworks_xlsx.parse(
            form.cleaned_data["file"].read(), assessors=assessors(), targets=targets()
        )
        services.framework_import(actor=request.user, structure=structure, framework=framework)
    except frameworks_xlsx.ImportFailed as exc:
        return render(
            request,
            "assessments/framework_import.html",
            {
                "errors": exc.errors,
                "framework": framework,
                "headers": frameworks_xlsx.HEADERS,
                "title": "导入失败",
                "breadcrumbs": _crumbs(framework, ("导入", None)),
            },
            status=400,
        )
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return redirect("assessments:framework_detail", pk=framework.pk)
    messages.success(request, "已导入，原有板块、指标和细则已被替换。")
    return redirect("assessments:framework_detail", pk=framework.pk)


@login_required
def framework_diff_view(request: AuthedRequest) -> HttpResponse:
    require(access.can_manage(request.user))
    choices = list(Framework.objects.order_by("-year", "-version"))
    by_pk = {f.pk: f for f in choices}

    def pick(name: str, fallback: int) -> Framework | None:
        try:
            return by_pk.get(int(request.GET.get(name, "")))
        except ValueError:
            return by_pk.get(choices[fallback].pk) if len(choices) > fallback else None

    new, old = pick("b", 0), pick("a", 1)
    result = None
    if old and new:
        result = framework_diff(
            framework_selectors.framework_structure(old), framework_selectors.framework_structure(new)
        )
    return render(
        request,
        "assessments/framework_diff.html",
        {
            "choices": choices,
            "old": old,
            "new": new,
            "diff": result,
            "title": "考评办法对比",
            "breadcrumbs": _crumbs(None, ("对比", None)),
        },
    )


# --------------------------------------------------------------------------- sections, indicators, rules


def _section_of(user, framework: Framework, section_pk: int) -> Section:
    return get_object_or_404(Section, pk=section_pk, framework=framework)


def _form_page(request: AuthedRequest, framework: Framework, form, title: str, **extra) -> HttpResponse:
    return render(
        request,
        "assessments/form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": _crumbs(framework, (title, None)),
            "cancel": reverse("assessments:framework_detail", args=[framework.pk]),
            **extra,
        },
    )


@login_required
def section_form(request: AuthedRequest, pk: int, section_pk: int | None = None) -> HttpResponse:
    framework = access.access_framework(request.user, pk, write=True)
    section = _section_of(request.user, framework, section_pk) if section_pk else None
    initial = {"order": framework.sections.count() + 1} if section is None else None
    form = SectionForm(request.POST or None, instance=section, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if section is None:
                services.section_create(actor=request.user, framework=framework, **form.cleaned_data)
            else:
                services.section_update(actor=request.user, section=section, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "板块已保存。")
            return redirect("assessments:framework_detail", pk=framework.pk)
    return _form_page(request, framework, form, "新建板块" if section is None else f"编辑板块 {section.name}")


@login_required
@require_POST
def section_delete(request: AuthedRequest, pk: int, section_pk: int) -> HttpResponse:
    framework = access.access_framework(request.user, pk, write=True)
    section = _section_of(request.user, framework, section_pk)
    return _post_action(
        request,
        framework,
        lambda: services.section_delete(actor=request.user, section=section),
        f"已删除板块「{section.name}」及其指标。",
    )


@login_required
def group_form(
    request: AuthedRequest, pk: int, section_pk: int | None = None, group_pk: int | None = None
) -> HttpResponse:
    """二级指标: create one in a section, or edit one."""
    framework = access.access_framework(request.user, pk, write=True)
    group = get_object_or_404(IndicatorGroup, pk=group_pk, section__framework=framework) if group_pk else None
    section = group.section if group else _section_of(request.user, framework, section_pk or 0)
    initial = {"order": section.groups.count() + 1} if group is None else None
    form = GroupForm(request.POST or None, instance=group, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if group is None:
                services.group_create(actor=request.user, section=section, **form.cleaned_data)
            else:
                services.group_update(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "二级指标已保存。")
            return redirect("assessments:framework_detail", pk=framework.pk)
    title = f"{section.name}：新建二级指标" if group is None else f"编辑二级指标 {group}"
    return _form_page(request, framework, form, title)


@login_required
@require_POST
def group_delete(request: AuthedRequest, pk: int, group_pk: int) -> HttpResponse:
    framework = access.access_framework(request.user, pk, write=True)
    group = get_object_or_404(IndicatorGroup, pk=group_pk, section__framework=framework)
    return _post_action(
        request,
        framework,
        lambda: services.group_delete(actor=request.user, group=group),
        f"已删除二级指标「{group.name}」，其下指标保留在板块中。",
    )


def _indicator_of(framework: Framework, indicator_pk: int) -> Indicator:
    indicator = (
        Indicator.objects.select_related("section")
        .filter(pk=indicator_pk, section__framework=framework)
        .first()
    )
    if indicator is None:
        raise Http404("指标不存在")
    return indicator


@login_required
def indicator_form(request: AuthedRequest, pk: int, indicator_pk: int | None = None) -> HttpResponse:
    framework = access.access_framework(request.user, pk, write=True)
    indicator = _indicator_of(framework, indicator_pk) if indicator_pk else None
    initial = {}
    if indicator is None:
        section_id = request.GET.get("section")
        initial = {"section": section_id, "method": "deduct"}
    form = IndicatorForm(request.POST or None, instance=indicator, initial=initial, framework=framework)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        assessor_list, applies = data.pop("assessors"), data.pop("applies_to")
        section = data.pop("section")
        try:
            if indicator is None:
                indicator = services.indicator_create(
                    actor=request.user, section=section, assessors=assessor_list, applies_to=applies, **data
                )
            else:
                services.indicator_update(
                    actor=request.user,
                    indicator=indicator,
                    section=section,
                    assessors=assessor_list,
                    applies_to=applies,
                    **data,
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"指标 {indicator.code} 已保存。")
            return redirect("assessments:indicator_edit", pk=framework.pk, indicator_pk=indicator.pk)
    rules = list(indicator.rules.all()) if indicator else []
    return render(
        request,
        "assessments/indicator_form.html",
        {
            "form": form,
            "framework": framework,
            "indicator": indicator,
            "rules": rules,
            "rule_form": RuleForm(
                initial={"code": f"{indicator.code}-{len(rules) + 1}", "order": len(rules) + 1}
            )
            if indicator
            else None,
            "title": "新建指标" if indicator is None else f"指标 {indicator.code}",
            "breadcrumbs": _crumbs(
                framework, ("新建指标" if indicator is None else f"指标 {indicator.code}", None)
            ),
        },
    )


@login_required
@require_POST
def indicator_delete(request: AuthedRequest, pk: int, indicator_pk: int) -> HttpResponse:
    framework = access.access_framework(request.user, pk, write=True)
    indicator = _indicator_of(framework, indicator_pk)
    return _post_action(
        request,
        framework,
        lambda: services.indicator_delete(actor=request.user, indicator=indicator),
        f"已删除指标 {indicator.code}。",
    )


@login_required
def rule_form(request: AuthedRequest, pk: int, indicator_pk: int, rule_pk: int | None = None) -> HttpResponse:
    framework = access.access_framework(request.user, pk, write=True)
    indicator = _indicator_of(framework, indicator_pk)
    rule = get_object_or_404(Rule, pk=rule_pk, indicator=indicator) if rule_pk else None
    form = RuleForm(request.POST or None, instance=rule)
    back = reverse("assessments:indicator_edit", args=[framework.pk, indicator.pk])
    if request.method == "POST" and form.is_valid():
        try:
            if rule is None:
                services.rule_create(actor=request.user, indicator=indicator, **form.cleaned_data)
            else:
                services.rule_update(actor=request.user, rule=rule, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "评分细则已保存。")
            return redirect(back)
    title = "新增评分细则" if rule is None else f"编辑细则 {rule.code}"
    return render(
        request,
        "assessments/form.html",
        {
            "form": form,
            "title": title,
            "cancel": back,
            "breadcrumbs": _crumbs(framework, (f"指标 {indicator.code}", back), (title, None)),
        },
    )


@login_required
@require_POST
def rule_delete(request: AuthedRequest, pk: int, indicator_pk: int, rule_pk: int) -> HttpResponse:
    framework = access.access_framework(request.user, pk, write=True)
    indicator = _indicator_of(framework, indicator_pk)
    rule = get_object_or_404(Rule, pk=rule_pk, indicator=indicator)
    try:
        services.rule_delete(actor=request.user, rule=rule)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(request, f"已删除细则 {rule.code}。")
    return redirect("assessments:indicator_edit", pk=framework.pk, indicator_pk=indicator.pk)
