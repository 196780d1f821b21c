"""Pages of results, what-if, publication, drill-down, appeals, 整改 and year
over year. Thin views: access → form → service → render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import require
from accounts.http import AuthedRequest
from assessments import access, appeals, publication_docs, results, trends
from assessments import publication as pub
from assessments.forms_results import AnswerForm, AppealForm, DecideForm, WhatIfForm
from assessments.models import (
    Appeal,
    AppealStatus,
    Campaign,
    Phase,
    Publication,
    Rule,
    Score,
    ScoreChange,
    ScoreItem,
    SelfAssessment,
)
from audit.services import audit_record
from documents.xlsx import XLSX_MIME, file_response, table_workbook
from orgs.models import Org
from problems.selectors import lost_points_sent
from workbench.tables import sorted_page


def _crumbs(campaign: Campaign | None = None, *extra: tuple[str, str | None]) -> list:
    crumbs: list[tuple[str, str | None]] = [("考评结果", reverse("assessments:results_index"))]
    if campaign is not None:
        crumbs.append((campaign.name, reverse("assessments:results", args=[campaign.pk])))
    return [*crumbs, *extra]


def _publication(campaign: Campaign) -> Publication | None:
    return (
        Publication.objects.filter(campaign=campaign)
        .select_related("published_by", "published_by__org")
        .first()
    )


def _published(user: Any, pk: int) -> tuple[Campaign, Publication]:
    campaign = access.access_campaign(user, pk)
    publication = _publication(campaign)
    if publication is None:
        raise Http404("考评结果尚未公布")
    return campaign, publication


def _target_in(campaign: Campaign, org_pk: int) -> Org:
    org = campaign.targets.filter(pk=org_pk).first()
    if org is None:
        raise Http404("被考评单位不存在")
    return org


def _may_see_target(user: Any, org: Org) -> None:
    """Office: any target; a target: only itself; others 404."""
    if not (access.can_manage(user) or (access.is_target(user) and user.org_id == org.pk)):
        raise Http404("被考评单位不存在")


# --------------------------------------------------------------------------- results


@login_required
def results_index(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_use_assessments(user))
    qs = (
        access.campaigns_for(user)
        .select_related("framework", "publication")
        .annotate(open_appeals=appeals.open_appeal_count(user))
    )
    page, sort = sorted_page(request, qs, allowed=("year", "name", "phase"), default="-year")
    return render(
        request,
        "assessments/results/index.html",
        {
            "page": page,
            "sort": sort,
            "can_manage": access.can_manage(user),
            "can_trends": access.can_manage(user) or access.is_target(user),
            "title": "考评结果",
            "breadcrumbs": [("考评结果", None)],
        },
    )


@login_required
def results_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """Published: the snapshot's ranking for everyone in the campaign. Before
    that: the live ranking for the office only (nobody else sees other
    targets' scores); a target gets a link to its own scores."""
    user = request.user
    campaign = access.access_campaign(user, pk)
    publication = _publication(campaign)
    context: dict[str, Any] = {
        "campaign": campaign,
        "publication": publication,
        "can_manage": access.can_manage(user),
        "is_target": access.is_target(user),
        "title": f"{campaign.name} · 考评结果",
        "breadcrumbs": _crumbs(campaign),
    }
    if publication is not None:
        complete, own = access.results_reader(user)
        snap = pub.snapshot_for(publication.snapshot, complete=complete, own=own)
        pks = dict(campaign.targets.values_list("code", "pk"))
        context.update(
            rows=[(r, pks.get(r["code"])) for r in snap["ranking"]],
            check=(check := pub.publication_check(publication)),
            verified=check.ok,
            rules_lines=publication_docs.rules_sentences(snap["rules"]),
            own_code=own,
        )
    elif access.can_manage(user):
        inputs = results.campaign_inputs(campaign)
        rules = results.campaign_rules(campaign)
        context.update(
            live=[
                (r, inputs.target_ids[r.code], inputs.scored[r.code])
                for r in results.rank(inputs.inputs, rules)
            ],
            blockers=pub.publish_blockers(campaign),
            rules_lines=publication_docs.rules_sentences(rules.as_json()),
        )
    elif access.is_target(user) and campaign.phase in access.TARGET_SCORE_PHASES:
        context["own_scores_url"] = reverse("assessments:target_scores", args=[campaign.pk, user.org_id])
    return render(request, "assessments/results/results.html", context)


@login_required
def results_what_if(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change weights, thresholds, quota or the bonus cap and see ranks and
    grades move; nothing is saved."""
    user = request.user
    campaign = access.access_campaign(user, pk)
    require(access.can_manage(user))
    base = results.campaign_rules(campaign)
    form = WhatIfForm(request.GET or None, initial=WhatIfForm.initial_from(base))
    rules = form.rules(base) if form.is_bound and form.is_valid() else base
    rows = results.what_if(campaign, rules)
    context = {
        "campaign": campaign,
        "form": form,
        "rows": rows,
        "changed_ranks": sum(1 for r in rows if r.rank_move),
        "changed_grades": sum(1 for r in rows if r.grade_changed),
        "published": campaign.phase == Phase.PUBLISHED,
        "title": f"{campaign.name} · 模拟测算",
        "breadcrumbs": _crumbs(campaign, ("模拟测算", None)),
    }
    if request.headers.get("HX-Request"):
        return render(request, "assessments/results/what_if.html#whatif-table", context)
    return render(request, "assessments/results/what_if.html", context)


@login_required
def results_live_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The office's working ranking (before publication) as xlsx."""
    user = request.user
    campaign = access.access_campaign(user, pk)
    require(access.can_manage(user))
    ranking = results.campaign_ranking(campaign)
    rows = [
        [
            r.rank,
            r.code,
            r.name,
            float(r.total),
            float(r.indicator_total),
            float(r.bonus),
            float(r.deductions),
            None if r.social is None else float(r.social),
            float(r.lost),
            r.grade,
            "是" if r.veto else "否",
        ]
        for r in ranking
    ]
    content = table_workbook([("排名（未公布）", publication_docs.RANKING_HEADERS, rows)])
    filename = f"{campaign.year}年度考评排名（审定稿，未公布）.xlsx"
    audit_record(
        actor=user, action="assessments.results.exported", target=campaign, data={"filename": filename}
    )
    return file_response(content, filename, XLSX_MIME)


@login_required
@require_POST
def results_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = access.access_campaign(user, pk, write=True)
    try:
        publication = pub.campaign_publish(actor=user, campaign=campaign)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("assessments:results", pk=campaign.pk)
    messages.success(request, f"考评结果已公布，快照 SHA-256：{publication.sha256}")
    return redirect("assessments:publication", pk=campaign.pk)


# --------------------------------------------------------------------------- publication


@login_required
def publication_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign, publication = _published(user, pk)
    complete, own = access.results_reader(user)
    snap = pub.snapshot_for(publication.snapshot, complete=complete, own=own)
    targets = {o.code: o for o in campaign.targets.all()}
    feedback = [r for r in snap["ranking"] if complete or r["code"] == own]
    return render(
        request,
        "assessments/results/publication.html",
        {
            "campaign": campaign,
            "publication": publication,
            "snapshot": snap,
            "check": (check := pub.publication_check(publication)),
            "verified": check.ok,
            "feedback": [
                (r, targets.get(r["code"]), len(snap.get("lost", {}).get(r["code"], []))) for r in feedback
            ],
            "can_manage": access.can_manage(user),
            "title": f"{campaign.name} · 结果公布",
            "breadcrumbs": _crumbs(campaign, ("结果公布", None)),
        },
    )


@login_required
def publication_snapshot(request: AuthedRequest, pk: int) -> HttpResponse:
    """The canonical JSON whose SHA-256 is published: anyone may re-hash it."""
    user = request.user
    campaign, publication = _published(user, pk)
    require(access.can_manage(user))
    audit_record(
        actor=user, action="assessments.publication.exported", target=publication, data={"kind": "snapshot"}
    )
    return file_response(
        pub.canonical_json(publication.snapshot), f"{campaign.year}年度考评结果快照.json", "application/json"
    )


@login_required
def publication_file(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    user = request.user
    campaign, publication = _published(user, pk)
    content, name, mime = publication_docs.publication_export(actor=user, publication=publication, kind=kind)
    return file_response(content, name, mime)


@login_required
def feedback_detail(request: AuthedRequest, pk: int, org_pk: int) -> HttpResponse:
    """A target's lost points as published, each with its drill-down and a
    button to send it to the 整改 list."""
    user = request.user
    campaign, publication = _published(user, pk)
    org = _target_in(campaign, org_pk)
    _may_see_target(user, org)
    snap = publication.snapshot
    row = next((r for r in snap["ranking"] if r["code"] == org.code), None)
    if row is None:
        raise Http404("该单位不在公布结果中")
    indicators = pub.indicator_index(publication)
    sent = lost_points_sent(publication.pk, org.code)
    lost = [(e, indicators.get(e["indicator"], {})) for e in pub.published_lost(publication, org.code)]
    return render(
        request,
        "assessments/results/feedback.html",
        {
            "campaign": campaign,
            "publication": publication,
            "org": org,
            "row": row,
            "lost": lost,
            "sent": sent,
            "of": len(snap["ranking"]),
            "title": f"{org.display_name} · 考评结果反馈",
            "breadcrumbs": _crumbs(
                campaign,
                ("结果公布", reverse("assessments:publication", args=[campaign.pk])),
                (org.display_name, None),
            ),
        },
    )


@login_required
def feedback_docx(request: AuthedRequest, pk: int, org_pk: int) -> HttpResponse:
    user = request.user
    campaign, publication = _published(user, pk)
    org = _target_in(campaign, org_pk)
    _may_see_target(user, org)
    if not any(r["code"] == org.code for r in publication.snapshot["ranking"]):
        raise Http404("该单位不在公布结果中")
    content, name, mime = publication_docs.publication_export(
        actor=user, publication=publication, kind="feedback", target_code=org.code
    )
    return file_response(content, name, mime)


@login_required
@require_POST
def feedback_rectify(request: AuthedRequest, pk: int, org_pk: int) -> HttpResponse:
    user = request.user
    campaign, publication = _published(user, pk)
    org = _target_in(campaign, org_pk)
    _may_see_target(user, org)
    code = request.POST.get("indicator", "")
    try:
        item = pub.rectification_create(actor=user, publication=publication, target=org, indicator_code=code)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已将 {code} 列入整改：问题线索 {item.number}，由市委依法治市办交办。")
    return redirect("assessments:feedback", pk=campaign.pk, org_pk=org.pk)


# --------------------------------------------------------------------------- a target's scores and drill-down


@login_required
def target_scores(request: AuthedRequest, pk: int, org_pk: int) -> HttpResponse:
    """One target's approved scores, with appeal buttons in the appeal window.
    Visible to the office and to the target itself (in 结果反馈/申诉复核/公布)."""
    user = request.user
    campaign = access.access_campaign(user, pk)
    org = _target_in(campaign, org_pk)
    if not access.can_see_target_scores(user, campaign, org.pk):
        raise Http404("评分不存在")
    scores = list(
        Score.objects.filter(campaign=campaign, target=org)
        .select_related("indicator", "indicator__section", "assessor_org")
        .prefetch_related(Prefetch("appeals", queryset=Appeal.objects.order_by("-pk")))
        .order_by("indicator__section__order", "indicator__order", "indicator__code")
    )
    window_problem = appeals.appeal_window_problem(campaign)
    window = appeals.appeal_window(campaign)
    return render(
        request,
        "assessments/results/target_scores.html",
        {
            "campaign": campaign,
            "org": org,
            "scores": scores,
            "total": sum((s.score or 0) for s in scores if s.status == "approved"),
            "can_appeal": access.is_target(user) and user.org_id == org.pk and window_problem is None,
            "window": window,
            "window_problem": window_problem,
            "title": f"{org.display_name} · 得分明细",
            "breadcrumbs": _crumbs(campaign, (org.display_name, None)),
        },
    )


@login_required
def score_drilldown(request: AuthedRequest, score_pk: int) -> HttpResponse:
    """rule → deduction → reason → evidence → who scored, who reviewed → appeal."""
    user = request.user
    score = access.access_score(user, score_pk)
    items = list(ScoreItem.objects.filter(score=score).select_related("rule").order_by("pk"))
    rules = list(Rule.objects.filter(indicator=score.indicator).order_by("order", "code"))
    applied = {i.rule_id for i in items}
    self_assessment = (
        SelfAssessment.objects.filter(
            campaign_id=score.campaign_id, target_id=score.target_id, indicator_id=score.indicator_id
        )
        .prefetch_related("evidence")
        .first()
    )
    if access.is_assessor(user) and self_assessment and self_assessment.status != "submitted":
        self_assessment = None  # assessors see submitted self-assessments only
    history = list(
        ScoreChange.objects.filter(score=score).select_related("changed_by").order_by("changed_at", "pk")
    )
    score_appeals = list(
        Appeal.objects.filter(score=score)
        .select_related("created_by", "answered_by", "decided_by")
        .prefetch_related("evidence")
        .order_by("pk")
    )
    return render(
        request,
        "assessments/results/score_drilldown.html",
        {
            "score": score,
            "campaign": score.campaign,
            "indicator": score.indicator,
            "items": items,
            "rules": rules,
            "applied": applied,
            "self_assessment": self_assessment,
            "history": history,
            "appeals": score_appeals,
            "lost": (score.indicator.max_score - score.score) if score.score is not None else None,
            "can_appeal": appeals.can_appeal(user, score)
            and appeals.appeal_window_problem(score.campaign) is None
            and not score_appeals
            and score.status == "approved"
            and score.score is not None
            and score.score < score.indicator.max_score,
            "title": f"{score.target.display_name} · {score.indicator.code} 得分溯源",
            "breadcrumbs": _crumbs(
                score.campaign, (f"{score.target.display_name} {score.indicator.code}", None)
            ),
        },
    )


# --------------------------------------------------------------------------- appeals


@login_required
def appeal_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_use_assessments(user))
    qs = appeals.appeals_for(user)
    status = request.GET.get("status", "")
    if status in AppealStatus.values:
        qs = qs.filter(status=status)
    page, sort = sorted_page(
        request, qs, allowed=("created_at", "status", "target__code", "campaign__year"), default="-created_at"
    )
    return render(
        request,
        "assessments/results/appeal_list.html",
        {
            "page": page,
            "sort": sort,
            "status": status,
            "statuses": AppealStatus.choices,
            "title": "申诉复核",
            "breadcrumbs": [("申诉复核", None)],
        },
    )


def _upload_all(user: Any, files: list[Any]) -> list[Any]:
    from attachments.services import attachment_create

    return [attachment_create(actor=user, uploaded_file=f, org=user.org) for f in files]


@login_required
def appeal_create(request: AuthedRequest, score_pk: int) -> HttpResponse:
    user = request.user
    score = access.access_score(user, score_pk)
    if not appeals.can_appeal(user, score):
        raise PermissionDenied("只有被考评单位本单位可以对本单位的得分提出申诉。")
    problem = appeals.appeal_window_problem(score.campaign)
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and problem is None and form.is_valid():
        try:
            with transaction.atomic():
                files = _upload_all(user, form.cleaned_data["evidence"])
                appeal = appeals.appeal_create(
                    actor=user, score=score, reason=form.cleaned_data["reason"], evidence=files
                )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, "申诉已提交，等待考评单位答复。")
            return redirect("assessments:appeal_detail", pk=appeal.pk)
    if problem and request.method == "POST":
        form.add_error(None, problem)
    return render(
        request,
        "assessments/results/appeal_form.html",
        {
            "form": form,
            "score": score,
            "problem": problem,
            "window": appeals.appeal_window(score.campaign),
            "title": "提出申诉",
            "breadcrumbs": _crumbs(score.campaign, (f"{score.indicator.code} 申诉", None)),
        },
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )


def _appeal_context(user: Any, appeal: Appeal, **extra: Any) -> dict[str, Any]:
    appeal = (
        Appeal.objects.select_related(
            "campaign",
            "target",
            "score",
            "score__indicator",
            "score__indicator__section",
            "created_by",
            "answered_by",
            "decided_by",
        )
        .prefetch_related("evidence", "score__indicator__assessors")
        .get(pk=appeal.pk)
    )
    can_answer = appeals.can_answer(user, appeal) and appeal.status == AppealStatus.SUBMITTED
    can_decide = access.can_manage(user) and appeal.status == AppealStatus.ANSWERED
    return {
        "appeal": appeal,
        "campaign": appeal.campaign,
        "can_answer": can_answer,
        "can_decide": can_decide,
        "answer_form": extra.pop("answer_form", None) or (AnswerForm() if can_answer else None),
        "decide_form": extra.pop("decide_form", None) or (DecideForm() if can_decide else None),
        "title": f"申诉：{appeal.target.display_name} {appeal.score.indicator.code}",
        "breadcrumbs": [
            ("申诉复核", reverse("assessments:appeal_list")),
            (f"{appeal.target.display_name} {appeal.score.indicator.code}", None),
        ],
        **extra,
    }


@login_required
def appeal_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    appeal = appeals.access_appeal(request.user, pk)
    return render(request, "assessments/results/appeal_detail.html", _appeal_context(request.user, appeal))


@login_required
@require_POST
def appeal_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    appeal = appeals.access_appeal(user, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            appeals.appeal_answer(actor=user, appeal=appeal, answer=form.cleaned_data["answer"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "已答复申诉，等待依法治办裁决。")
            return redirect("assessments:appeal_detail", pk=appeal.pk)
    return render(
        request,
        "assessments/results/appeal_detail.html",
        _appeal_context(user, appeal, answer_form=form),
        status=400,
    )


@login_required
@require_POST
def appeal_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    appeal = appeals.access_appeal(user, pk)
    require(access.can_manage(user))
    form = DecideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            appeals.appeal_decide(
                actor=user,
                appeal=appeal,
                decision=data["decision"],
                decided_score=appeals.parse_points(data["decided_score"]),
                note=data["decision_note"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, "申诉已裁决。")
            return redirect("assessments:appeal_detail", pk=appeal.pk)
    return render(
        request,
        "assessments/results/appeal_detail.html",
        _appeal_context(user, appeal, decide_form=form),
        status=400,
    )


# --------------------------------------------------------------------------- 整改


@login_required
def rectification_list(request: AuthedRequest) -> HttpResponse:
    """The former 整改清单 is the problem tracker now: its lost points (source 考评失分)."""
    require(access.can_manage(request.user) or access.is_target(request.user))
    status = {"open": "&open=1", "done": "&state=closed"}.get(request.GET.get("status", ""), "")
    return redirect(f"{reverse('problems:list')}?source=assessment{status}")


@login_required
@require_POST
def rectification_done(request: AuthedRequest, pk: int) -> HttpResponse:
    """Superseded: 整改 is done step by step in the problem tracker."""
    require(access.can_manage(request.user) or access.is_target(request.user))
    messages.info(request, "整改清单已并入问题线索，请在问题页面办理整改、验收和销号。")
    return redirect(f"{reverse('problems:list')}?source=assessment")


# --------------------------------------------------------------------------- year over year


def _trend_target(user: Any, code: str | None, choices: list[tuple[str, str]]) -> str | None:
    if access.is_target(user):
        return user.org.code
    require(access.can_manage(user))
    codes = [c for c, _ in choices]
    return code if code in codes else (codes[0] if codes else None)


def _trend(request: AuthedRequest) -> tuple[trends.Trend | None, list[tuple[str, str]]]:
    publications = trends.published_by_year()
    choices = trends.targets_published(publications)
    code = _trend_target(request.user, request.GET.get("target"), choices)
    return (trends.target_trend(code, publications) if code else None), choices


@login_required
def trends_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_manage(user) or access.is_target(user))
    trend, choices = _trend(request)
    context: dict[str, Any] = {
        "trend": trend,
        "choices": choices,
        "can_choose": access.can_manage(user),
        "title": "历年对比",
        "breadcrumbs": [("考评结果", reverse("assessments:results_index")), ("历年对比", None)],
    }
    if trend is not None:
        context.update(
            total_table=trends.total_table(trend),
            section_table=trends.series_table(trend, trend.sections, "板块"),
            indicator_table=trends.series_table(trend, trend.indicators, "指标"),
        )
    return render(request, "assessments/results/trends.html", context)


CHARTS = {
    "total": trends.total_chart,
    "sections": trends.sections_chart,
    "indicators": trends.indicators_chart,
}


@login_required
def trends_chart(request: AuthedRequest, kind: str) -> HttpResponse:
    user = request.user
    require(access.can_manage(user) or access.is_target(user))
    if kind not in CHARTS:
        raise Http404("图表不存在")
    trend, _ = _trend(request)
    if trend is None:
        return JsonResponse({"title": {"text": "暂无已公布的考评结果", "left": "center"}})
    return JsonResponse(CHARTS[kind](trend), json_dumps_params={"ensure_ascii": False})


@login_required
def trends_xlsx(request: AuthedRequest, kind: str) -> HttpResponse:
    user = request.user
    require(access.can_manage(user) or access.is_target(user))
    trend, _ = _trend(request)
    if trend is None or kind not in CHARTS:
        raise Http404("暂无数据")
    tables = {
        "total": ("历年总分", *trends.total_table(trend)),
        "sections": ("各板块得分", *trends.series_table(trend, trend.sections, "板块")),
        "indicators": ("各指标得分", *trends.series_table(trend, trend.indicators, "指标")),
    }
    title, headers, rows = tables[kind]
    filename = f"{trend.name}历年考评对比（{title}）.xlsx"
    audit_record(
        actor=user,
        action="assessments.trends.exported",
        target_repr=trend.name,
        data={"target": trend.code, "kind": kind, "filename": filename},
    )
    return file_response(table_workbook([(title, headers, trends.xlsx_rows(rows))]), filename, XLSX_MIME)
