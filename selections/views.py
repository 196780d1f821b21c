"""Internal pages of the 惠民实事 selection: the office runs editions (phases,
rules, screening, panel, votes, objections, publication); units nominate and
report on their projects; experts score the nominations assigned to them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.http import AuthedRequest
from documents.xlsx import XLSX_MIME, table_workbook
from selections import access, aggregate, documents, forms, phases, screening, selectors, services
from selections import panel as panel_module
from selections.models import Decision, Edition, Objection, Phase, Screening, Vote

ROOT = ("惠民实事", "/selections/")


def attach(form: Any, exc: ValidationError) -> None:
    """A service's ValidationError onto the form (per field where it names one)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _crumbs(edition: Edition | None = None, *extra: tuple[str, str | None]) -> list:
    crumbs: list = [ROOT]
    if edition is not None:
        crumbs.append((edition.name, reverse("selections:edition_detail", args=[edition.pk])))
    return [*crumbs, *extra]


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if access.is_office(user):
        return redirect("selections:edition_list")
    if access.is_expert(user):
        return redirect("selections:my_reviews")
    if access.is_unit_user(user):
        return redirect("selections:edition_list")
    raise Http404("页面不存在")


@login_required
def edition_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not access.can_see_module(user) or access.is_expert(user):
        raise Http404("页面不存在")
    office = access.is_office(user)
    own: list[Any] = []
    projects: list[Any] = []
    if not office:
        own = list(
            selectors.nominations_of_org(user.org_id)
            .select_related("edition")
            .order_by("-edition__year", "number")
        )
        projects = list(selectors.tracked_projects(org_id=user.org_id))
    return render(
        request,
        "selections/edition_list.html",
        {
            "editions": list(selectors.editions()),
            "office": office,
            "own": own,
            "projects": projects,
            "title": "十大法治惠民实事项目评选",
            "breadcrumbs": [("惠民实事", None)],
        },
    )


@login_required
def edition_create(request: AuthedRequest) -> HttpResponse:
    access.require_office(request.user)
    form = forms.EditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            edition = services.edition_create(
                actor=request.user,
                year=data["year"],
                ordinal=data["ordinal"],
                name=data["name"],
                description=data["description"],
                deadlines=form.deadlines(),
                tracking_year=data["tracking_year"],
                indicator_code=data["indicator_code"],
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, f"已创建「{edition.name}」，现处于征集阶段。")
            return redirect("selections:edition_detail", pk=edition.pk)
    return render(
        request,
        "selections/form.html",
        {
            "form": form,
            "title": "新建评选",
            "cancel": reverse("selections:edition_list"),
            "breadcrumbs": _crumbs(None, ("新建评选", None)),
        },
        status=400 if form.errors else 200,
    )


@login_required
def edition_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    edition = access.access_edition(request.user, pk, write=True)
    initial = {
        "name": edition.name,
        "description": edition.description,
        "tracking_year": edition.tracking_year,
        "indicator_code": edition.indicator_code,
        **{f"deadline_{p}": edition.deadline(p) for p in phases.ORDER},
    }
    form = forms.EditionForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.edition_update(
                actor=request.user,
                edition=edition,
                name=data["name"],
                description=data["description"],
                deadlines=form.deadlines(),
                tracking_year=data["tracking_year"],
                indicator_code=data["indicator_code"],
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("selections:edition_detail", pk=edition.pk)
    return render(
        request,
        "selections/form.html",
        {
            "form": form,
            "title": f"修改：{edition.name}",
            "cancel": reverse("selections:edition_detail", args=[edition.pk]),
            "breadcrumbs": _crumbs(edition, ("修改", None)),
        },
        status=400 if form.errors else 200,
    )


@login_required
def edition_rules(request: AuthedRequest, pk: int) -> HttpResponse:
    edition = access.access_edition(request.user, pk, write=True)
    initial = {
        "expert_weight": edition.expert_weight,
        "public_weight": edition.public_weight,
        "shortlist_size": edition.shortlist_size,
        "top_n": edition.top_n,
        "disagreement_threshold": edition.disagreement_threshold,
        **{f"w_{c}": w for c, w in edition.weights.items()},
    }
    form = forms.RulesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.edition_rules_update(
                actor=request.user,
                edition=edition,
                criteria_weights=form.weights(),
                expert_weight=data["expert_weight"],
                public_weight=data["public_weight"],
                shortlist_size=data["shortlist_size"],
                top_n=data["top_n"],
                disagreement_threshold=data["disagreement_threshold"],
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "已保存评选规则。")
            return redirect("selections:edition_detail", pk=edition.pk)
    return render(
        request,
        "selections/form.html",
        {
            "form": form,
            "title": f"评选规则：{edition.name}",
            "note": "公众投票开始后规则冻结，不能再修改。"
            if not edition.rules_frozen
            else "规则已于公众投票开始时冻结。",
            "cancel": reverse("selections:edition_detail", args=[edition.pk]),
            "breadcrumbs": _crumbs(edition, ("评选规则", None)),
        },
        status=400 if form.errors else 200,
    )


def _edition_page(request: AuthedRequest, edition: Edition, status: int = 200, **extra: Any) -> HttpResponse:
    user = request.user
    office = access.is_office(user)
    context: dict[str, Any] = {
        "edition": edition,
        "office": office,
        "phases": [
            {
                "code": p,
                "label": phases.LABELS[p],
                "deadline": edition.deadline(p),
                "current": p == edition.phase,
                "done": phases.index(p) < phases.index(edition.phase),
            }
            for p in phases.ORDER
        ],
        "criteria": [(label, edition.weights[code]) for code, label in aggregate.CRITERIA],
        "title": edition.name,
        "breadcrumbs": _crumbs(None, (edition.name, None)),
        "can_nominate": edition.phase == Phase.COLLECT and access.is_unit_user(user),
        **extra,
    }
    if office:
        status_filter = request.GET.get("screening", "")
        qs = selectors.nominations(edition).annotate(
            review_count=Count("reviews", distinct=True),
            submitted_count=Count("reviews", filter=Q(reviews__submitted_at__isnull=False), distinct=True),
        )
        if status_filter in Screening.values:
            qs = qs.filter(screening=status_filter)
        context.update(
            {
                "nominations": list(qs),
                "screening_filter": status_filter,
                "screenings": Screening.choices,
                "next_phase": phases.next_phase(edition.phase),
                "next_label": phases.LABELS.get(phases.next_phase(edition.phase) or "", ""),
                "problems": services.advance_problems(edition),
                "advance_form": extra.get("advance_form")
                or forms.AdvanceForm(initial={"to_phase": phases.next_phase(edition.phase)}),
                "history": list(edition.phase_changes.select_related("changed_by")),
                "panel_size": edition.panel.count(),
                "panel_draw": panel_module.current_draw(edition),
                "can_draw": edition.phase in panel_module.DRAW_PHASES,
            }
        )
    else:
        context["nominations"] = list(selectors.nominations(edition).filter(org_id=user.org_id or 0))
    return render(request, "selections/edition_detail.html", context, status=status)


@login_required
def edition_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    if access.is_expert(user):
        raise Http404("评选不存在")
    return _edition_page(request, access.access_edition(user, pk))


@login_required
@require_POST
def edition_advance(request: AuthedRequest, pk: int) -> HttpResponse:
    edition = access.access_edition(request.user, pk, write=True)
    form = forms.AdvanceForm(request.POST)
    if form.is_valid():
        try:
            edition = services.edition_advance(
                actor=request.user,
                edition=edition,
                to_phase=form.cleaned_data["to_phase"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, f"评选已进入「{edition.get_phase_display()}」阶段。")
            return redirect("selections:edition_detail", pk=edition.pk)
    return _edition_page(request, edition, status=400, advance_form=form)


@login_required
def nominate(request: AuthedRequest, pk: int) -> HttpResponse:
    """A unit's nomination (the public's is under /public/huimin/)."""
    user = request.user
    edition = access.access_edition(user, pk)
    if not access.is_unit_user(user):
        raise Http404("页面不存在")
    form = forms.NominationForm(
        request.POST or None,
        request.FILES or None,
        initial={"nominating_unit": user.org.name if user.org else ""},
    )
    form.fields["nominating_unit"].required = False  # defaults to the unit's name
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        files = data.pop("files") or []
        try:
            nomination, _ = services.nomination_submit(
                actor=user, edition=edition, org=user.org, files=files, **data
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, f"已提交推荐项目「{nomination.title}」（{nomination.number}号）。")
            return redirect("selections:nomination_detail", pk=nomination.pk)
    return render(
        request,
        "selections/nominate.html",
        {
            "form": form,
            "edition": edition,
            "closed": edition.phase != Phase.COLLECT,
            "title": f"推荐项目：{edition.name}",
            "breadcrumbs": _crumbs(edition, ("推荐项目", None)),
        },
        status=400 if form.errors else 200,
    )


def _nomination_page(
    request: AuthedRequest, nomination: Any, status: int = 200, **extra: Any
) -> HttpResponse:
    user = request.user
    office = access.is_office(user)
    edition = nomination.edition
    reviews = (
        list(nomination.reviews.select_related("member__user").order_by("member__order")) if office else []
    )
    totals = [r.total for r in reviews if r.submitted and r.total is not None]
    context = {
        "n": nomination,
        "edition": edition,
        "office": office,
        "attachments": list(nomination.attachments.all()),
        "reviews": reviews,
        "criteria": aggregate.CRITERIA,
        "live_expert": aggregate.trimmed_mean(totals) if totals else None,
        "screen_form": extra.get("screen_form")
        or (forms.ScreenForm() if office and edition.phase == Phase.SCREEN else None),
        "responsible_form": extra.get("responsible_form")
        or (
            forms.ResponsibleForm(initial={"org": nomination.responsible_org_id})
            if office and nomination.selected
            else None
        ),
        "title": f"{nomination.number}号 {nomination.title}",
        "breadcrumbs": _crumbs(edition, (f"{nomination.number}号", None)),
    }
    return render(request, "selections/nomination_detail.html", context, status=status)


@login_required
def nomination_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _nomination_page(request, access.access_nomination(request.user, pk))


@login_required
@require_POST
def nomination_screen(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = access.access_nomination(request.user, pk, write=True)
    form = forms.ScreenForm(request.POST)
    if form.is_valid():
        try:
            services.nomination_screen(actor=request.user, nomination=nomination, **form.cleaned_data)
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, f"已审查 {nomination.number}号「{nomination.title}」。")
            following = (
                selectors.nominations(nomination.edition)
                .filter(screening=Screening.PENDING, number__gt=nomination.number)
                .order_by("number")
                .first()
            )
            if following is not None:
                return redirect("selections:nomination_detail", pk=following.pk)
            return redirect("selections:edition_detail", pk=nomination.edition_id)
    return _nomination_page(request, nomination, status=400, screen_form=form)


@login_required
@require_POST
def nomination_responsible(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = access.access_nomination(request.user, pk, write=True)
    form = forms.ResponsibleForm(request.POST)
    if form.is_valid():
        try:
            services.nomination_set_responsible(
                actor=request.user, nomination=nomination, org=form.cleaned_data["org"]
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "已确定责任单位。")
            return redirect("selections:nomination_detail", pk=nomination.pk)
    return _nomination_page(request, nomination, status=400, responsible_form=form)


# --------------------------------------------------------------------- panel


@login_required
def panel(request: AuthedRequest, pk: int) -> HttpResponse:
    """The review panel. Experts come from the expert pool's draw; until that module
    is connected the office puts them on the panel here (`panel.panel_assign`)."""
    edition = access.access_edition(request.user, pk, write=True)
    form = forms.PanelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            panel_module.panel_assign(
                actor=request.user,
                edition=edition,
                members=[(data["user"], data["employer_org"], [o.pk for o in data["conflict_orgs"]])],
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, f"已将专家「{data['user']}」加入评审专家组。")
            return redirect("selections:panel", pk=edition.pk)
    members = list(
        edition.panel.select_related("user", "employer_org").annotate(
            review_count=Count("reviews", distinct=True),
            submitted_count=Count("reviews", filter=Q(reviews__submitted_at__isnull=False), distinct=True),
        )
    )
    return render(
        request,
        "selections/panel.html",
        {
            "edition": edition,
            "members": members,
            "form": form,
            "can_assign": not phases.at_or_after(edition.phase, phases.VOTE),
            "can_draw": edition.phase in panel_module.DRAW_PHASES,
            "draw": panel_module.current_draw(edition),
            "title": f"评审专家组：{edition.name}",
            "breadcrumbs": _crumbs(edition, ("评审专家组", None)),
        },
        status=400 if form.errors else 200,
    )


@login_required
def panel_draw(request: AuthedRequest, pk: int) -> HttpResponse:
    """从专家库抽取评审专家组: prepare the pool's draw (commitment published), then
    execute it here; the seated experts join the panel in the same transaction."""
    edition = access.access_edition(request.user, pk, write=True)
    form = forms.PanelDrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draw = panel_module.panel_draw(
                actor=request.user,
                edition=edition,
                size=data["size"],
                backups=data["backups"],
                required_fields=data["required_fields"],
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, f"已生成抽取 #{draw.pk} 并公布承诺值，请核对后执行抽取。")
            return redirect("selections:panel", pk=edition.pk)
    return render(
        request,
        "selections/form.html",
        {
            "form": form,
            "note": "提交后冻结候选名单（已在组的专家、与全部推荐项目存在利益冲突的专家不进入名单；须有登录账号）并公布承诺值；执行抽取时公开种子，任何人可据此复算。",
            "cancel": reverse("selections:panel", args=[edition.pk]),
            "title": f"从专家库抽取评审专家组：{edition.name}",
            "breadcrumbs": _crumbs(
                edition, ("评审专家组", reverse("selections:panel", args=[edition.pk])), ("抽取", None)
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def panel_draw_execute(request: AuthedRequest, pk: int) -> HttpResponse:
    edition = access.access_edition(request.user, pk, write=True)
    draw = panel_module.current_draw(edition)
    if draw is None:
        messages.error(request, "本届没有待执行的抽取，请先从专家库抽取评审专家组。")
        return redirect("selections:panel", pk=edition.pk)
    try:
        draw = panel_module.panel_draw_execute(actor=request.user, edition=edition, draw=draw)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"抽取 #{draw.pk} 已执行，抽中的专家已加入评审专家组。")
    return redirect("selections:panel", pk=edition.pk)


# ------------------------------------------------------------------- reviews


@login_required
def my_reviews(request: AuthedRequest) -> HttpResponse:
    if not access.is_expert(request.user):
        raise Http404("页面不存在")
    reviews = list(selectors.reviews_for(request.user))
    return render(
        request,
        "selections/my_reviews.html",
        {"reviews": reviews, "title": "我的评审", "breadcrumbs": _crumbs(None, ("我的评审", None))},
    )


@login_required
def review_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    review = access.access_review(request.user, pk, write=request.method == "POST")
    nomination = review.nomination
    edition = nomination.edition
    own = review.member.user_id == request.user.pk
    editable = own and not review.submitted and edition.phase == Phase.REVIEW
    initial = {**review.scores(), "comment": review.comment}
    form = forms.ReviewForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            submit = request.POST.get("action") == "submit"
            try:
                services.review_save(
                    actor=request.user,
                    review=review,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                    submit=submit,
                )
            except ValidationError as exc:
                attach(form, exc)
            else:
                messages.success(request, "已提交评审。" if submit else "已保存评分（尚未提交）。")
                if submit:
                    return redirect("selections:my_reviews")
                return redirect("selections:review_detail", pk=review.pk)
        status = 400
    return render(
        request,
        "selections/review_detail.html",
        {
            "review": review,
            "n": nomination,
            "edition": edition,
            "form": form,
            "editable": editable,
            "attachments": list(nomination.attachments.all()),
            "criteria": [(code, label, edition.weights[code]) for code, label in aggregate.CRITERIA],
            "title": f"评审：{nomination.number}号 {nomination.title}",
            "breadcrumbs": [
                ROOT,
                ("我的评审", reverse("selections:my_reviews")),
                (f"{nomination.number}号", None),
            ],
        },
        status=status,
    )


# --------------------------------------------------------------------- votes


@login_required
def votes(request: AuthedRequest, pk: int) -> HttpResponse:
    edition = access.access_edition(request.user, pk, write=True)
    show = request.GET.get("show", "pending")
    qs = Vote.objects.filter(edition=edition, doubtful=True).select_related("nomination", "decided_by")
    if show == "pending":
        qs = qs.filter(decision=Decision.NONE)
    doubtful = list(qs.order_by("cast_at", "pk")[:500])
    return render(
        request,
        "selections/votes.html",
        {
            "edition": edition,
            "stats": selectors.vote_stats(edition),
            "doubtful": doubtful,
            "show": show,
            "reason_text": {
                code: screening.DEFAULT_RULES.message(code)
                for code in (
                    screening.ADDRESS_BURST,
                    screening.SUBNET_BURST,
                    screening.SAME_DEVICE,
                    screening.NIGHT,
                )
            },
            "decide_form": forms.DecideForm(),
            "codes_form": forms.CodesForm(),
            "shortlist": list(selectors.nominations(edition).filter(shortlisted=True).order_by("number")),
            "batches": list(
                edition.vote_codes.values("batch")
                .annotate(n=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False)))
                .order_by("batch")
            ),
            "can_decide": edition.phase in (Phase.VOTE, Phase.RANK),
            "title": f"公众投票：{edition.name}",
            "breadcrumbs": _crumbs(edition, ("公众投票", None)),
        },
    )


@login_required
@require_POST
def votes_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    edition = access.access_edition(request.user, pk, write=True)
    form = forms.DecideForm(request.POST)
    ids = [int(v) for v in request.POST.getlist("vote") if v.isdigit()]
    if form.is_valid():
        try:
            count = services.votes_decide(
                actor=request.user,
                edition=edition,
                vote_ids=ids,
                valid=form.cleaned_data["valid"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request, f"已认定 {count} 张存疑选票为{'有效' if form.cleaned_data['valid'] else '无效'}。"
            )
    else:
        messages.error(request, "请选择认定结论并填写认定理由。")
    return redirect("selections:votes", pk=edition.pk)


@login_required
@require_POST
def votes_rescreen(request: AuthedRequest, pk: int) -> HttpResponse:
    edition = access.access_edition(request.user, pk, write=True)
    newly = services.votes_rescreen(actor=request.user, edition=edition)
    messages.success(request, f"已重新检测全部选票，新增存疑选票 {newly} 张。")
    return redirect("selections:votes", pk=edition.pk)


@login_required
@require_POST
def vote_codes(request: AuthedRequest, pk: int) -> HttpResponse:
    """Generate a batch of one-time codes and download them (they are shown only this once)."""
    edition = access.access_edition(request.user, pk, write=True)
    form = forms.CodesForm(request.POST)
    if not form.is_valid():
        messages.error(request, "生成数量须在 1 至 5000 之间。")
        return redirect("selections:votes", pk=edition.pk)
    try:
        codes = services.vote_codes_generate(
            actor=request.user, edition=edition, count=form.cleaned_data["count"]
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("selections:votes", pk=edition.pk)
    content = table_workbook([("投票码", ["序号", "投票码"], [[i, c] for i, c in enumerate(codes, start=1)])])
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = (
        f'attachment; filename="vote-codes-{edition.year}-{timezone.now():%Y%m%d%H%M%S}.xlsx"'
    )
    return response


# ---------------------------------------------------------------- objections


@login_required
def objections(request: AuthedRequest, pk: int) -> HttpResponse:
    edition = access.access_edition(request.user, pk, write=True)
    forms_by_id: dict[int, Any] = {}
    if request.method == "POST":
        objection = Objection.objects.filter(edition=edition, pk=request.POST.get("objection") or 0).first()
        if objection is None:
            raise Http404("异议不存在")
        form = forms.AnswerForm(request.POST, prefix=f"o{objection.pk}")
        if form.is_valid():
            try:
                services.objection_answer(actor=request.user, objection=objection, **form.cleaned_data)
            except ValidationError as exc:
                attach(form, exc)
            else:
                messages.success(request, "已答复异议。")
                return redirect("selections:objections", pk=edition.pk)
        forms_by_id[objection.pk] = form
    rows = [
        (o, forms_by_id.get(o.pk) or forms.AnswerForm(prefix=f"o{o.pk}"))
        for o in Objection.objects.filter(edition=edition).select_related("nomination", "answered_by")
    ]
    return render(
        request,
        "selections/objections.html",
        {
            "edition": edition,
            "rows": rows,
            "can_answer": edition.phase == Phase.PUBLICITY,
            "title": f"公示异议：{edition.name}",
            "breadcrumbs": _crumbs(edition, ("公示异议", None)),
        },
        status=400 if forms_by_id else 200,
    )


@login_required
def notice_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    edition = access.access_edition(request.user, pk, write=True)
    return documents.notice_response(edition, actor=request.user)


# ------------------------------------------------------------------ tracking


@login_required
def project_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    office = access.is_office(user)
    if not (office or access.is_unit_user(user)):
        raise Http404("页面不存在")
    qs = selectors.tracked_projects(org_id=None if office else user.org_id)
    overdue = request.GET.get("overdue") == "1"
    today = timezone.localdate()
    if overdue:
        qs = qs.filter(milestones__done_on__isnull=True, milestones__due__lt=today).distinct()
    return render(
        request,
        "selections/project_list.html",
        {
            "projects": list(qs),
            "overdue": overdue,
            "overdue_ids": set(selectors.overdue_milestones(today).values_list("project_id", flat=True)),
            "office": office,
            "title": "惠民实事项目跟踪",
            "breadcrumbs": _crumbs(None, ("项目跟踪", None)),
        },
    )


def _project_page(request: AuthedRequest, project: Any, status: int = 200, **extra: Any) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "selections/project_detail.html",
        {
            "p": project,
            "milestones": list(project.milestones.all()),
            "reports": list(project.progress_reports.select_related("reported_by")),
            "today": today,
            "milestone_form": extra.get("milestone_form") or forms.MilestoneForm(),
            "progress_form": extra.get("progress_form") or forms.ProgressForm(),
            "done_form": forms.DoneForm(initial={"done_on": today}),
            "title": f"{project.title}",
            "breadcrumbs": _crumbs(
                None, ("项目跟踪", reverse("selections:project_list")), (project.title, None)
            ),
        },
        status=status,
    )


@login_required
def project_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _project_page(request, access.access_project(request.user, pk))


@login_required
@require_POST
def milestone_add(request: AuthedRequest, pk: int) -> HttpResponse:
    project = access.access_project(request.user, pk, report=True)
    form = forms.MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_add(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "已添加节点。")
            return redirect("selections:project_detail", pk=project.pk)
    return _project_page(request, project, status=400, milestone_form=form)


@login_required
@require_POST
def milestone_done(request: AuthedRequest, pk: int) -> HttpResponse:
    milestone = access.access_milestone(request.user, pk)
    form = forms.DoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_complete(
                actor=request.user, milestone=milestone, done_on=form.cleaned_data["done_on"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已标记节点「{milestone.title}」完成。")
    else:
        messages.error(request, "请输入有效的完成日期。")
    return redirect("selections:project_detail", pk=milestone.project_id)


@login_required
@require_POST
def progress_add(request: AuthedRequest, pk: int) -> HttpResponse:
    project = access.access_project(request.user, pk, report=True)
    form = forms.ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.progress_report(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "已报告进展。")
            return redirect("selections:project_detail", pk=project.pk)
    return _project_page(request, project, status=400, progress_form=form)
