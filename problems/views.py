"""Pages of the problem tracker: the list (filters, export), registering a clue
(likely duplicates pointed out as it is typed), a problem with its history and
the steps its viewer may take, 挂牌督办, extensions, and the batch import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.http import AuthedRequest
from audit.services import audit_record
from documents.xlsx import XLSX_MIME, file_response, table_workbook
from orgs.models import Org, OrgType
from orgs.selectors import orgs_in_scope
from problems import access, importing, links, selectors, services, workflow
from problems.forms import (
    ExtensionDecideForm,
    ExtensionRequestForm,
    ImportForm,
    RegisterForm,
    StepForm,
    SuperviseForm,
)
from problems.models import ExtensionRequest, ExtensionStatus, Problem, Severity, Source, SpecialCampaign
from problems.templatetags.problems_tags import STATE_CLASS
from workbench.tables import sorted_page

ROOT = ("问题线索", "/problems/")
SORTS = ("registered_at", "deadline", "state", "org__sort_order", "severity")
EXPORT_LIMIT = 20000


def _attach(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _int(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


def _age(value: str) -> tuple[int, int | None] | None:
    """ "31-90" → (31, 90); "181-" → (181, None)."""
    low, sep, high = value.partition("-")
    if not sep or _int(low) is None or (high and _int(high) is None):
        return None
    return int(low), _int(high)


def _filters(request: AuthedRequest) -> dict[str, Any]:
    """The list's filters from the query string; unknown values are ignored."""
    get = request.GET
    return {
        "state": get.get("state", ""),
        "source": get.get("source", ""),
        "category": get.get("category", "").strip()[:50],
        "org_id": _int(get.get("org")),
        "campaign_id": _int(get.get("campaign")),
        "severity": get.get("severity", ""),
        "supervised": get.get("supervised") == "1",
        "overdue": get.get("overdue") == "1",
        "open_only": get.get("open") == "1",
        "due_within": 7 if get.get("due") == "soon" else None,
        "extension_pending": get.get("extension") == "pending",
        "age": _age(get.get("age", "")),
        "year": _int(get.get("year")),
        "query": get.get("q", "").strip()[:50],
    }


def _filtered(request: AuthedRequest) -> Any:
    user = request.user
    if not access.can_see_module(user):
        raise Http404("页面不存在")
    return selectors.problem_list(access.visible_problems(user), **_filters(request)).defer(
        "description", "source_ref", "source_label"
    )


SOURCE_LABELS = dict(Source.choices)
SEVERITY_LABELS = dict(Severity.choices)


def _label_rows(rows: Any, today: Any) -> None:
    """Labels and flags the row template shows, looked up once (get_FOO_display rebuilds its choices per call)."""
    for p in rows:
        p.overdue = p.is_overdue(today)
        p.source_text = SOURCE_LABELS.get(p.source, p.source)
        p.severity_text = SEVERITY_LABELS.get(p.severity, p.severity)
        p.state_text = workflow.state_label(p.state)
        p.state_class = STATE_CLASS.get(p.state, "text-bg-light")


def _unit_choices(user: Any) -> Any:
    """The units to filter by: the org tree for the office, the user's scope for a unit
    (not "the units that have problems": that would read every problem)."""
    if access.is_office(user):
        return Org.objects.filter(active=True).exclude(type=OrgType.CITY).order_by("path")
    return orgs_in_scope(user).order_by("path")


@login_required
def problem_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    page, sort = sorted_page(request, _filtered(request), allowed=SORTS, default="-registered_at")
    _label_rows(page, timezone.localdate())
    office = access.is_office(user)
    context = {
        "page": page,
        "sort": sort,
        "f": _filters(request),
        "detail_base": reverse("problems:list"),
        "office": office,
        "states": list(workflow.STATE_LABELS.items()),
        "sources": Source.choices,
        "severities": Severity.choices,
        "campaigns": list(SpecialCampaign.objects.values_list("pk", "name")) if office else [],
        "units": list(_unit_choices(user).values_list("pk", "name")),
        "title": "问题线索" if office else "本单位问题线索",
        "breadcrumbs": [("问题线索", None)],
    }
    template = "problems/problem_list.html"
    return render(
        request, f"{template}#problem-table" if request.headers.get("HX-Request") else template, context
    )


@login_required
def problem_export(request: AuthedRequest) -> HttpResponse:
    """The filtered list as xlsx (at most EXPORT_LIMIT rows), audited."""
    rows = _filtered(request).order_by("-registered_at", "-pk")[:EXPORT_LIMIT]
    today = timezone.localdate()
    headers = [
        "编号",
        "来源",
        "问题类别",
        "问题标题",
        "责任单位",
        "严重程度",
        "挂牌督办",
        "状态",
        "登记日期",
        "办理期限",
        "是否逾期",
        "专项整治",
    ]
    data = [
        [
            p.number, p.get_source_display(), p.category, p.title, p.org.name, p.get_severity_display(),
            "是" if p.supervised else "", p.state_label, timezone.localdate(p.registered_at), p.deadline,
            "逾期" if p.is_overdue(today) else "", p.campaign.name if p.campaign else "",
        ]
        for p in rows
    ]  # fmt: skip
    filename = f"问题线索（{today:%Y-%m-%d}）.xlsx"
    audit_record(
        actor=request.user,
        action="problems.problem.exported",
        target_repr=filename,
        data={"rows": len(data), "filters": {k: v for k, v in _filters(request).items() if v}},
    )
    return file_response(table_workbook([("问题线索", headers, data)]), filename, XLSX_MIME)


# --------------------------------------------------------------------------- register


@login_required
def problem_register(request: AuthedRequest) -> HttpResponse:
    access.require_office(request.user)
    form = RegisterForm(request.POST or None, duplicates_url=reverse("problems:duplicates"))
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.problem_register(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            found = selectors.duplicates_of(problem)
            messages.success(request, f"已登记问题 {problem.number}。")
            if found:
                messages.warning(request, f"发现 {len(found)} 条可能重复的问题，请在下方核对。")
            return redirect("problems:detail", pk=problem.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": "登记问题线索", "breadcrumbs": [ROOT, ("登记问题线索", None)]}
    return render(request, "problems/problem_form.html", context, status=status)


@login_required
def problem_duplicates(request: AuthedRequest) -> HttpResponse:
    """Partial: problems of the chosen unit with a similar title (a warning, never a refusal)."""
    access.require_office(request.user)
    org_pk = _int(request.GET.get("org"))
    org = Org.objects.filter(pk=org_pk).first() if org_pk is not None else None
    title = request.GET.get("title", "").strip()[:200]
    found = selectors.likely_duplicates(org=org, title=title) if org and len(title) >= 4 else []
    return render(request, "problems/problem_form.html#duplicates", {"duplicates": found})


# --------------------------------------------------------------------------- a problem


def _detail_context(request: AuthedRequest, problem: Problem, **forms: Any) -> dict[str, Any]:
    user = request.user
    role = access.role_for(user, problem)
    today = timezone.localdate()
    extensions = list(
        problem.extensions.select_related("requested_by", "decided_by").order_by("requested_at")
    )
    pending = next((e for e in extensions if e.status == ExtensionStatus.PENDING), None)
    failed = forms.get("step_form")
    steps = [
        (
            t,
            failed
            if failed is not None and failed.step.action == t.action
            else StepForm(t, initial={"org": problem.org_id}),
        )
        for t in workflow.allowed_actions(problem.state, role or "")
    ]
    office, unit = role == workflow.OFFICE, role == workflow.UNIT
    return {
        "problem": problem,
        "role": role,
        "overdue": problem.is_overdue(today),
        "events": list(selectors.history(problem)),
        "extensions": extensions,
        "pending": pending,
        "steps": steps,
        "error": forms.get("error", ""),
        "supervise_form": forms.get("supervise_form")
        or (SuperviseForm() if office and problem.is_open else None),
        "extension_form": forms.get("extension_form")
        or (
            ExtensionRequestForm()
            if unit and problem.state in workflow.UNIT_WORKING and not pending
            else None
        ),
        "decide_form": forms.get("decide_form") or (ExtensionDecideForm() if office and pending else None),
        "duplicates": selectors.duplicates_of(problem) if problem.is_open else [],
        "source_url": links.source_url(problem),
        "title": f"{problem.number} {problem.title}",
        "breadcrumbs": [ROOT, (problem.number, None)],
    }


def _detail(request: AuthedRequest, problem: Problem, status: int = 200, **forms: Any) -> HttpResponse:
    return render(
        request, "problems/problem_detail.html", _detail_context(request, problem, **forms), status=status
    )


@login_required
def problem_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, access.access_problem(request.user, pk))


@login_required
@require_POST
def problem_act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    """One step of the flow; the service decides whether this user may take it now."""
    problem = access.access_problem(request.user, pk)
    step = workflow.TRANSITIONS.get(action)
    if step is None:
        raise Http404("没有该操作")
    form = StepForm(step, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        duplicate = _int(str(data.get("duplicate_of") or ""))
        try:
            services.problem_transition(
                actor=request.user,
                problem=problem,
                action=action,
                note=data.get("note", ""),
                deadline=data.get("deadline"),
                org=data.get("org"),
                duplicate_of=access.visible_problems(request.user).filter(pk=duplicate).first()
                if duplicate
                else None,
                files=request.FILES.getlist("files"),
            )
        except services.OutOfOrder as exc:
            return _detail(request, problem, status=409, error="；".join(exc.messages))
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, f"已{step.label}。")
            return redirect("problems:detail", pk=problem.pk)
    return _detail(request, problem, status=400, step_form=form)


@login_required
@require_POST
def problem_supervise(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = access.access_problem(request.user, pk)
    access.require_role(request.user, problem, workflow.OFFICE, "挂牌督办")
    form = SuperviseForm(request.POST)
    on = request.POST.get("on") == "1"
    if form.is_valid():
        try:
            services.problem_supervise(
                actor=request.user, problem=problem, on=on, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            return _detail(request, problem, status=409, error="；".join(exc.messages))
        messages.success(request, "已挂牌督办。" if on else "已取消挂牌督办。")
        return redirect("problems:detail", pk=problem.pk)
    return _detail(request, problem, status=400, supervise_form=form)


@login_required
@require_POST
def extension_request(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = access.access_problem(request.user, pk)
    access.require_role(request.user, problem, workflow.UNIT, "申请延期")
    form = ExtensionRequestForm(request.POST)
    if form.is_valid():
        try:
            services.extension_request(actor=request.user, problem=problem, **form.cleaned_data)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, "延期申请已提交，等待市委依法治市办审批。")
            return redirect("problems:detail", pk=problem.pk)
    return _detail(request, problem, status=400, extension_form=form)


@login_required
@require_POST
def extension_decide(request: AuthedRequest, pk: int, ext: int) -> HttpResponse:
    problem = access.access_problem(request.user, pk)
    access.require_role(request.user, problem, workflow.OFFICE, "审批延期申请")
    extension = ExtensionRequest.objects.filter(pk=ext, problem=problem).first()
    if extension is None:
        raise Http404("延期申请不存在")
    form = ExtensionDecideForm(request.POST)
    if form.is_valid():
        grant = form.cleaned_data["decision"] == "grant"
        try:
            services.extension_decide(
                actor=request.user, extension=extension, grant=grant,
                deadline=form.cleaned_data["deadline"], note=form.cleaned_data["note"],
            )  # fmt: skip
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, "已同意延期。" if grant else "已答复：不同意延期。")
            return redirect("problems:detail", pk=problem.pk)
    return _detail(request, problem, status=400, decide_form=form)


# --------------------------------------------------------------------------- import


@login_required
def problem_import(request: AuthedRequest) -> HttpResponse:
    """All or nothing; every bad row with its row and column."""
    access.require_office(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.problems_import(
                actor=request.user, content=data["file"].read(), default_source=data["source"],
                campaign=data["campaign"], filename=data["file"].name,
            )  # fmt: skip
        except services.ImportFailed as exc:
            errors = [str(e) for e in exc.errors]
        else:
            messages.success(request, f"已导入 {len(result.problems)} 条问题线索。")
            for warning in result.warnings[:20]:
                messages.warning(request, f"可能重复：{warning}")
            return redirect(f"{reverse('problems:list')}?state=registered")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "errors": errors, "title": "导入问题线索", "breadcrumbs": [ROOT, ("导入", None)]}
    return render(request, "problems/import.html", context, status=status)


@login_required
def import_template(request: AuthedRequest) -> HttpResponse:
    access.require_office(request.user)
    example = [
        "某路段违规设卡查车",
        "群众反映……",
        "蓬江区",
        "逐利执法",
        "12345转办",
        "一般",
        "2023-05-01",
        "2023-06-30",
        "否",
    ]
    content = table_workbook([("问题线索", importing.TEMPLATE_HEADERS, [example])])
    return file_response(content, "问题线索导入模板.xlsx", XLSX_MIME)
