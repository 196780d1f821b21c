"""评分: the scoring grid of an assessing unit, the score editor (经办 enters and
submits, 审核 approves or sends back), approval in bulk and the office's reopen."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import require
from accounts.http import AuthedRequest
from accounts.models import User
from assessments import access
from assessments.forms import ReopenForm, ReviewForm, ScoreForm
from assessments.metrics import indicator_figures
from assessments.models import (
    Duty,
    Method,
    Phase,
    RuleKind,
    Score,
    ScoreChange,
    ScoreStatus,
    SelfAssessment,
    SelfAssessmentStatus,
)
from assessments.selectors import campaigns as campaign_selectors
from assessments.selectors import scores as score_selectors
from assessments.services import scores as score_services
from assessments.services.bonus_claims import claims_of_score as bonus_claims_of
from assessments.services.extensions import deadline_problem
from assessments.views.campaigns import campaign_crumbs


@login_required
def scoring(request: AuthedRequest, pk: int) -> HttpResponse:
    """The scoring grid: the unit's indicators × every target (office: all, read-only)."""
    user = request.user
    campaign = access.access_campaign(user, pk)
    require(access.can_manage(user) or access.is_assessor(user))
    indicators = campaign_selectors.campaign_indicators(campaign, access.visible_indicators(user, campaign))
    matrix = campaign_selectors.campaign_matrix(campaign, indicators=indicators)
    status = request.GET.get("status", "")
    rows = []
    for ind in matrix.indicators:
        cells: list[dict[str, Any]] = [
            {
                "target": t,
                "cell": matrix.score_cells.get((t.pk, ind.pk)),
                "self": matrix.self_status.get((t.pk, ind.pk)),
                "applicable": (t.pk, ind.pk) in matrix.pairs,
            }
            for t in matrix.targets
        ]
        if status and not any(c["cell"] and c["cell"]["status"] == status for c in cells):
            continue
        rows.append((ind, cells))
    may_enter = access.is_assessor(user) and access.duty_refusal(user, Duty.ENTER) is None
    may_review = access.is_assessor(user) and access.duty_refusal(user, Duty.REVIEW) is None
    to_review = score_selectors.awaiting_review(user, campaign).count() if may_review else 0
    return render(
        request,
        "assessments/scoring.html",
        {
            "campaign": campaign,
            "matrix": matrix,
            "rows": rows,
            "status": status,
            "statuses": ScoreStatus.choices,
            "to_review": to_review,
            "can_score": (may_enter or may_review) and campaign.phase == Phase.SCORING,
            "duty": Duty.ENTER.label if may_enter else Duty.REVIEW.label if may_review else None,
            "no_duty": access.is_assessor(user) and not (may_enter or may_review),
            "title": f"{campaign.name} · 评分",
            "breadcrumbs": campaign_crumbs(campaign, ("评分", None)),
        },
    )


def _score_context(request: AuthedRequest, score: Score, **extra) -> dict:
    user = request.user
    indicator = score.indicator
    rules = list(indicator.rules.all())
    chosen = {i.rule_id: i for i in score.items.all()}
    rule_rows: list[dict[str, Any]] = []
    for rule in rules:
        item = chosen.get(rule.pk)
        count: Any = item.count if item is not None else 0
        if rule.kind == RuleKind.DISCRETIONARY and item is not None:
            count = item.points  # the 酌情扣分 input is the points chosen, not a count
        rule_rows.append({"rule": rule, "item": item, "count": count, "reason": item.reason if item else ""})
    sa = SelfAssessment.objects.filter(
        campaign=score.campaign_id, target=score.target_id, indicator=indicator
    ).first()
    scoring_open = score.campaign.phase == Phase.SCORING
    entry = score_services.entry_problem(user, score)
    can_reopen = access.can_manage(user) and scoring_open and score.status == ScoreStatus.APPROVED
    figures = indicator_figures(score.indicator, score.target, score.campaign.year)
    applied = _apply_proposal(request, figures, rule_rows, editable=entry is None)
    return {
        "score": score,
        "indicator": indicator,
        "rule_rows": rule_rows,
        "grade_rules": [r for r in rule_rows if r["rule"].kind == RuleKind.GRADE],
        "sa": sa if sa and sa.status == SelfAssessmentStatus.SUBMITTED else None,
        "evidence": list(sa.evidence.all()) if sa and sa.status == SelfAssessmentStatus.SUBMITTED else [],
        "bonus_claims": bonus_claims_of(score) if indicator.method == Method.BONUS else [],
        "changes": ScoreChange.objects.filter(score=score)
        .select_related("changed_by")
        .order_by("-changed_at", "-pk"),
        "can_edit": entry is None,
        "can_review": score_services.review_problem(user, score) is None,
        "can_reopen": can_reopen,
        "locked_for_clerk": isinstance(entry, score_services.ScoreLocked),
        # the 考评评分 deadline passed for this unit (no 延期): said, not just buttons gone
        "deadline_note": deadline_problem(score.campaign, user.org_id, Phase.SCORING)
        if access.is_assessor(user) and scoring_open
        else None,
        "own_entry": score.entered_by_id == user.pk,
        "review_form": ReviewForm(initial={"version": score.version}),
        "reopen_form": extra.pop("reopen_form", None) or ReopenForm(initial={"version": score.version}),
        "live_figures": figures,
        "proposal_applied": applied,
        "title": f"评分 · {score.target.display_name} · {indicator.code}",
        "breadcrumbs": campaign_crumbs(
            score.campaign,
            ("评分", reverse("assessments:scoring", args=[score.campaign_id])),
            (f"{score.target.display_name} {indicator.code}", None),
        ),
        **extra,
    }


def _apply_proposal(
    request: AuthedRequest, figures: list[dict[str, Any]], rule_rows: list[dict[str, Any]], *, editable: bool
) -> dict[str, Any] | None:
    """A figure may propose an item (a rule and a count, e.g. the 督察 deduction). The
    editor offers it; `?proposal=<n>` fills it into the form, unsaved, for the assessor
    to check and save — a proposal is never written by itself."""
    rows = {row["rule"].pk: row for row in rule_rows}
    for n, figure in enumerate(figures):
        proposal = figure.get("proposal")
        if proposal:
            proposal["number"] = n if proposal.get("rule_id") in rows else None
    chosen = request.GET.get("proposal", "")
    if not editable or not chosen.isdigit() or int(chosen) >= len(figures):
        return None
    proposal = figures[int(chosen)].get("proposal")
    if not proposal or proposal["number"] is None:
        return None
    row = rows[proposal["rule_id"]]
    row["count"], row["reason"] = proposal["count"], proposal["reason"]
    return proposal


def _score_response(request: AuthedRequest, score: Score, **extra) -> HttpResponse:
    context = _score_context(request, score, **extra)
    if request.headers.get("HX-Request"):
        return render(request, "assessments/score_editor.html#editor", context)
    return render(request, "assessments/score_editor.html", context)


def _save(user: User, score: Score, form: ScoreForm) -> tuple[list[str], bool]:
    """(errors, whether they are a stale edit) of saving the editor's form."""
    if not form.is_valid():
        return form.problems(), False
    data = form.cleaned_data
    try:
        score_services.score_save(
            actor=user,
            score=score,
            expected_version=data["version"],
            items=form.items(),
            base=data["base"],
            reason=data["reason"],
            evidence_note=data["evidence_note"],
            submit=data["action"] == "submit",
        )
    except score_services.ScoreConflict as exc:
        return exc.messages, True
    except ValidationError as exc:
        return exc.messages, False
    return [], False


@login_required
def score_detail(request: AuthedRequest, score_pk: int) -> HttpResponse:
    """The score editor: read by whoever may see the score, saved by its unit's 经办."""
    user = request.user
    score = access.access_score(user, score_pk, write=request.method == "POST")
    if request.method != "POST":
        return _score_response(request, score)
    errors, conflict = _save(user, score, ScoreForm(request.POST, rules=score.indicator.rules.all()))
    score.refresh_from_db()
    if errors:
        return _score_response(request, score, errors=errors, conflict=conflict)
    done = "已保存并提交审核。" if score.status == ScoreStatus.SUBMITTED else "已保存草稿。"
    if not request.headers.get("HX-Request"):
        messages.success(request, done)
        return redirect("assessments:score_detail", score_pk=score.pk)
    return _score_response(request, score, saved=done, oob_cell=True)


@login_required
@require_POST
def score_review(request: AuthedRequest, score_pk: int, decision: str) -> HttpResponse:
    user = request.user
    score = access.access_score(user, score_pk, write=True)
    form = ReviewForm(request.POST)
    errors: list[str] = []
    conflict = False
    if not form.is_valid():
        errors = ["表单已过期，请刷新后重试。"]
    else:
        try:
            if decision == "approve":
                score_services.score_approve(
                    actor=user,
                    score=score,
                    expected_version=form.cleaned_data["version"],
                    note=form.cleaned_data["note"],
                )
            else:
                score_services.score_reject(
                    actor=user,
                    score=score,
                    expected_version=form.cleaned_data["version"],
                    note=form.cleaned_data["note"],
                )
        except score_services.ScoreConflict as exc:
            errors, conflict = exc.messages, True
        except ValidationError as exc:
            errors = exc.messages
        except PermissionDenied as exc:
            errors = [str(exc)]
    score.refresh_from_db()
    if errors:
        return _score_response(request, score, errors=errors, conflict=conflict)
    done = "审核通过，评分已生效。" if decision == "approve" else "已退回经办人修改。"
    if not request.headers.get("HX-Request"):
        messages.success(request, done)
        return redirect("assessments:score_detail", score_pk=score.pk)
    return _score_response(request, score, saved=done, oob_cell=True)


@login_required
@require_POST
def scoring_approve_all(request: AuthedRequest, pk: int) -> HttpResponse:
    """审核 approves, in one go, every score of its unit that someone else submitted."""
    user = request.user
    campaign = access.access_campaign(user, pk)
    require(access.is_assessor(user))
    refusal = access.duty_refusal(user, Duty.REVIEW)
    if refusal:
        raise PermissionDenied(refusal)
    pending = list(
        score_selectors.awaiting_review(user, campaign).select_related("campaign", "target", "indicator")
    )
    done, skipped = score_services.score_approve_many(actor=user, scores=pending)
    if done:
        messages.success(request, f"已审核通过 {done} 项评分。")
    for message in skipped[:5]:
        messages.warning(request, message)
    if not done and not skipped:
        messages.info(request, "没有待您审核的评分（经办人不能审核自己填写的评分）。")
    return redirect("assessments:scoring", pk=campaign.pk)


@login_required
@require_POST
def score_reopen(request: AuthedRequest, score_pk: int) -> HttpResponse:
    """The office sends an approved score back to its 经办, with a reason."""
    user = request.user
    score = access.access_score(user, score_pk)
    form = ReopenForm(request.POST)
    errors: list[str] = []
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    else:
        try:
            score_services.score_reopen(
                actor=user,
                score=score,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except score_services.ScoreConflict as exc:
            errors = exc.messages
        except ValidationError as exc:
            errors = exc.messages
    score.refresh_from_db()
    if errors:
        return _score_response(request, score, errors=errors, reopen_form=form)
    done = "已重新打开，评分退回经办修改，修改后须重新审核。"
    if not request.headers.get("HX-Request"):
        messages.success(request, done)
        return redirect("assessments:score_detail", score_pk=score.pk)
    return _score_response(request, score, saved=done)
