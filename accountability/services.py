"""Writes of 述、评、督、考、责. Each is atomic, checks its rule, writes its own
audit entry in the same transaction, and raises ValidationError (Chinese) or
PermissionDenied with nothing saved when refused."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accountability import access, linkage, selectors, states
from accountability.models import (
    AccountabilityAction,
    Figure,
    Finding,
    IndicatorFigureLink,
    InspectionPlan,
    InspectionRecord,
    Rating,
    ShufaReport,
    ShufaRound,
)
from accounts import roles
from attachments.services import attachment_create
from audit.services import audit_record
from fazhi.errors import StaleEdit
from orgs.models import Org

MAX_BODY = 20000


def _now(now: datetime.datetime | None) -> datetime.datetime:
    """`now` lets the demo replay a past year through the same rules."""
    return now or timezone.now()


def _require_office(actor: Any, what: str) -> None:
    if not access.is_office(actor):
        raise PermissionDenied(f"只有市委依法治市办可以{what}。")


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: "请写明理由。"})
    return reason[:500]


def _transition(next_fn: Any, state: str, event: str) -> str:
    try:
        return str(next_fn(state, event))
    except states.TransitionRefused as exc:
        raise ValidationError(str(exc)) from exc


# ------------------------------------------------------------------ 述


@transaction.atomic
def shufa_round_create(
    *,
    actor: Any,
    year: int,
    title: str,
    deadline: datetime.date,
    template: str,
    now: datetime.datetime | None = None,
) -> ShufaRound:
    """Open the year's 述法 round (one per year)."""
    _require_office(actor, "开展述法工作")
    errors: dict[str, str] = {}
    if ShufaRound.objects.filter(year=year).exists():
        errors["year"] = f"{year}年的述法工作已开展，不能重复创建。"
    if not (template or "").strip():
        errors["template"] = "请填写述法报告模板（含第一责任人职责要点）。"
    if deadline < timezone.localdate(_now(now)):
        errors["deadline"] = "提交截止日期不能早于今天。"
    if errors:
        raise ValidationError(errors)
    shufa_round = ShufaRound.objects.create(
        year=year,
        title=title.strip() or f"{year}年度述法",
        deadline=deadline,
        template=template,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="accountability.round.created",
        target=shufa_round,
        data={"year": year, "deadline": deadline},
    )
    return shufa_round


@transaction.atomic
def shufa_round_reviewers_set(
    *, actor: Any, shufa_round: ShufaRound, reviewers: Iterable[Any], draw: Any = None
) -> list[Any]:
    """Set the round's reviewers: users chosen by the office (committee members,
    representatives) plus the experts seated by an executed `shufa` draw."""
    _require_office(actor, "选定评议人")
    chosen = {u.pk: u for u in reviewers}
    if draw is not None:
        from experts.models import DrawStatus, Purpose
        from experts.selectors import panel_members

        if draw.purpose_code != Purpose.SHUFA or draw.status != DrawStatus.EXECUTED:
            raise ValidationError({"draw": "请选择已执行的“述法评议”专家抽取。"})
        for member in panel_members(draw):
            if member.user is not None:
                chosen[member.user.pk] = member.user
    leaders = [u for u in chosen.values() if u.has_role(roles.LEADER)]
    if leaders:
        raise ValidationError({"reviewers": "述法对象（领导干部）不能担任评议人。"})
    if not all(access.is_business(u) for u in chosen.values()):
        raise ValidationError({"reviewers": "评议人须为在用的业务账号，不能是系统、安全、审计管理员。"})
    shufa_round.reviewers.set(list(chosen.values()))
    if draw is not None:
        shufa_round.draw = draw
        shufa_round.save(update_fields=["draw"])
    audit_record(
        actor=actor,
        action="accountability.round.reviewers_set",
        target=shufa_round,
        data={"reviewers": sorted(chosen), "draw": draw.pk if draw else None},
    )
    return list(chosen.values())


@transaction.atomic
def shufa_round_close(
    *, actor: Any, shufa_round: ShufaRound, now: datetime.datetime | None = None
) -> ShufaRound:
    """End the year's 述法 round: no more reports, returns or ratings; its results stand."""
    _require_office(actor, "结束述法工作")
    shufa_round = ShufaRound.objects.select_for_update().get(pk=shufa_round.pk)
    if shufa_round.is_closed:
        raise ValidationError(f"{shufa_round.year}年的述法工作已于 {_when(shufa_round.closed_at)} 结束。")
    shufa_round.closed_at = _now(now)
    shufa_round.closed_by = actor
    shufa_round.save(update_fields=["closed_at", "closed_by"])
    counts = {state: shufa_round.reports.filter(state=state).count() for state in states.REPORT_LABELS}
    audit_record(
        actor=actor, action="accountability.round.closed", target=shufa_round, data={"reports": counts}
    )
    return shufa_round


def _when(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _check_open(shufa_round: ShufaRound) -> None:
    if shufa_round.is_closed:
        raise ValidationError(f"{shufa_round.year}年的述法工作已结束，不能再提交、退回或评议述法报告。")


def _check_deadline(shufa_round: ShufaRound, now: datetime.datetime | None) -> None:
    _check_open(shufa_round)
    if timezone.localdate(_now(now)) > shufa_round.deadline:
        raise ValidationError(
            f"已过提交截止日期（{shufa_round.deadline:%Y-%m-%d}），不能再提交或修改述法报告。"
        )


def _check_evidence(actor: Any, evidence: Sequence[Any]) -> None:
    for attachment in evidence:
        if attachment.org_id != actor.org_id:
            raise ValidationError({"evidence": "佐证材料须为本单位上传的文件。"})


@transaction.atomic
def shufa_report_save(
    *,
    actor: Any,
    shufa_round: ShufaRound,
    body: str,
    evidence: Sequence[Any] | None = None,
    uploads: Sequence[Any] = (),
    now: datetime.datetime | None = None,
) -> ShufaReport:
    """The leader writes or edits its own report (draft or returned), before the
    deadline. `evidence` replaces the attached files; `uploads` are new files,
    checked and stored by the attachments service and added."""
    if not actor.has_role(roles.LEADER) or actor.org_id is None:
        raise PermissionDenied("只有领导干部本人可以填写述法报告。")
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "请填写述法报告正文。"})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": f"述法报告正文不能超过 {MAX_BODY} 字。"})
    _check_deadline(shufa_round, now)
    report = ShufaReport.objects.select_for_update().filter(round=shufa_round, leader=actor).first()
    if report is None:
        report = ShufaReport(round=shufa_round, leader=actor, org_id=actor.org_id, body=body)
    else:
        _transition(states.report_next, report.state, "edit")
        report.body = body
    report.save()
    if evidence is not None:
        _check_evidence(actor, evidence)
        report.evidence.set(evidence)
    for uploaded in uploads:
        report.evidence.add(attachment_create(actor=actor, uploaded_file=uploaded, org=actor.org))
    audit_record(
        actor=actor,
        action="accountability.report.saved",
        target=report,
        data={"length": len(body), "evidence": [str(a.pk) for a in report.evidence.all()]},
    )
    return report


@transaction.atomic
def shufa_report_submit(
    *, actor: Any, report: ShufaReport, now: datetime.datetime | None = None
) -> ShufaReport:
    report = ShufaReport.objects.select_for_update().select_related("round").get(pk=report.pk)
    if report.leader_id != actor.pk:
        raise PermissionDenied("只能提交本人的述法报告。")
    state = _transition(states.report_next, report.state, "submit")
    _check_deadline(report.round, now)
    report.state = state
    report.submitted_at = _now(now)
    report.return_reason = ""
    report.save(update_fields=["state", "submitted_at", "return_reason", "updated_at"])
    audit_record(actor=actor, action="accountability.report.submitted", target=report)
    return report


@transaction.atomic
def shufa_report_return(*, actor: Any, report: ShufaReport, reason: str) -> ShufaReport:
    _require_office(actor, "退回述法报告")
    reason = _reason(reason)
    report = ShufaReport.objects.select_for_update().select_related("round").get(pk=report.pk)
    _check_open(report.round)
    report.state = _transition(states.report_next, report.state, "return")
    report.return_reason = reason
    report.save(update_fields=["state", "return_reason", "updated_at"])
    audit_record(actor=actor, action="accountability.report.returned", target=report, data={"reason": reason})
    return report


# ------------------------------------------------------------------ 评


@transaction.atomic
def rating_save(*, actor: Any, report: ShufaReport, grade: str, score: Any, comment: str = "") -> Rating:
    """A reviewer of the round rates a submitted report (again: its rating is replaced, audited)."""
    if not access.is_reviewer(actor, report.round):
        raise PermissionDenied("您不是本年度述法评议人。")
    _check_open(report.round)
    if report.state != states.SUBMITTED:
        raise ValidationError("述法报告尚未提交（或已退回），不能评议。")
    errors: dict[str, str] = {}
    if grade not in linkage.GRADES:
        errors["grade"] = "请选择满意、基本满意或不满意。"
    try:
        score = int(str(score))
    except (TypeError, ValueError):
        score = -1
    if not 0 <= score <= 100:
        errors["score"] = "评分须为 0 到 100 之间的整数。"
    if errors:
        raise ValidationError(errors)
    rating, created = Rating.objects.update_or_create(
        report=report,
        reviewer=actor,
        defaults={"grade": grade, "score": score, "comment": (comment or "")[:2000]},
    )
    audit_record(
        actor=actor,
        action="accountability.rating.saved",
        target=rating,
        data={"report": report.pk, "grade": grade, "score": score, "created": created},
    )
    return rating


# ------------------------------------------------------------------ 督


@transaction.atomic
def inspection_plan_create(
    *,
    actor: Any,
    year: int,
    topic: str,
    start_on: datetime.date,
    end_on: datetime.date,
    targets: Sequence[Org],
    team: Sequence[Any],
) -> InspectionPlan:
    _require_office(actor, "制定督察计划")
    errors = _plan_errors(topic, start_on, end_on, targets, team)
    if errors:
        raise ValidationError(errors)
    plan = InspectionPlan.objects.create(
        year=year, topic=topic.strip(), start_on=start_on, end_on=end_on, created_by=actor
    )
    plan.targets.set(targets)
    plan.team.set(team)
    audit_record(
        actor=actor,
        action="accountability.inspection.planned",
        target=plan,
        data={"targets": [o.pk for o in targets], "team": [u.pk for u in team]},
    )
    return plan


@transaction.atomic
def inspection_plan_update(
    *,
    actor: Any,
    plan: InspectionPlan,
    expected_version: int,
    topic: str,
    start_on: datetime.date,
    end_on: datetime.date,
    targets: Sequence[Org],
    team: Sequence[Any],
) -> InspectionPlan:
    """Edit a plan (topic, dates, targets, team) on the version the user read. A target
    with records or findings stays, and the dates keep every record inside them."""
    _require_office(actor, "修改督察计划")
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.version != expected_version:
        raise StaleEdit("督察计划已被他人修改，请刷新后重新编辑。")
    errors = _plan_errors(topic, start_on, end_on, targets, team)
    kept = {o.pk for o in targets}
    worked = set(plan.records.values_list("target_id", flat=True)) | set(
        plan.findings.values_list("target_id", flat=True)
    )
    if worked - kept:
        names = "、".join(
            Org.objects.filter(pk__in=worked - kept).order_by("code").values_list("name", flat=True)
        )
        errors.setdefault("targets", f"{names}已有督察记录或发现问题，不能移出督察对象。")
    outside = plan.records.exclude(visited_on__range=(start_on, end_on)).order_by("visited_on").first()
    if outside is not None and "end_on" not in errors:
        errors["start_on"] = f"已有 {outside.visited_on:%Y-%m-%d} 的督察记录，起止日期须包含它。"
    if errors:
        raise ValidationError(errors)
    before = _plan_state(plan)
    plan.topic, plan.start_on, plan.end_on = topic.strip(), start_on, end_on
    plan.version += 1
    plan.save(update_fields=["topic", "start_on", "end_on", "version"])
    plan.targets.set(targets)
    plan.team.set(team)
    after = _plan_state(plan)
    audit_record(
        actor=actor,
        action="accountability.inspection.updated",
        target=plan,
        data={k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]},
    )
    return plan


def _plan_errors(
    topic: str, start_on: datetime.date, end_on: datetime.date, targets: Sequence[Org], team: Sequence[Any]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (topic or "").strip():
        errors["topic"] = "请填写督察主题。"
    if end_on < start_on:
        errors["end_on"] = "结束日期不能早于开始日期。"
    if not targets:
        errors["targets"] = "请选择督察对象。"
    if not team:
        errors["team"] = "请选择督察组成员。"
    elif not all(access.is_business(u) for u in team):
        errors["team"] = "督察组成员须为在用的业务账号，不能是系统、安全、审计管理员或领导干部。"
    return errors


def _plan_state(plan: InspectionPlan) -> dict[str, Any]:
    return {
        "topic": plan.topic,
        "start_on": plan.start_on.isoformat(),
        "end_on": plan.end_on.isoformat(),
        "targets": sorted(plan.targets.values_list("pk", flat=True)),
        "team": sorted(plan.team.values_list("pk", flat=True)),
    }


def _require_team(actor: Any, plan: InspectionPlan) -> None:
    if not (access.is_office(actor) or plan.team.filter(pk=actor.pk).exists()):
        raise PermissionDenied("只有市委依法治市办或督察组成员可以记录督察情况。")


def _require_target(plan: InspectionPlan, target: Org) -> None:
    if not plan.targets.filter(pk=target.pk).exists():
        raise ValidationError({"target": "该单位不是本次督察的对象。"})


@transaction.atomic
def inspection_record_create(
    *, actor: Any, plan: InspectionPlan, target: Org, visited_on: datetime.date, notes: str
) -> InspectionRecord:
    _require_team(actor, plan)
    _require_target(plan, target)
    if not (notes or "").strip():
        raise ValidationError({"notes": "请填写督察情况。"})
    if not plan.start_on <= visited_on <= plan.end_on:
        raise ValidationError({"visited_on": "督察日期须在计划的起止日期之内。"})
    record = InspectionRecord.objects.create(
        plan=plan, target=target, visited_on=visited_on, notes=notes.strip(), recorded_by=actor
    )
    audit_record(
        actor=actor, action="accountability.inspection.recorded", target=record, data={"plan": plan.pk}
    )
    return record


def plan_deletable(plan: InspectionPlan) -> bool:
    """A 督察 plan may be deleted while nothing was recorded or found under it."""
    return not plan.records.exists() and not plan.findings.exists()


def record_deletable(actor: Any, record: InspectionRecord) -> bool:
    """A 督察 record may be deleted by the office or the one who wrote it, while
    no finding refers to it (its findings read once: prefetched for a plan's page)."""
    return (access.is_office(actor) or record.recorded_by_id == actor.pk) and not record.findings.all()


@transaction.atomic
def inspection_plan_delete(*, actor: Any, plan: InspectionPlan) -> None:
    """Delete a plan made by mistake. A plan with records or findings stays:
    findings are in the problem ledger, where a mistaken one is 不予立案."""
    _require_office(actor, "删除督察计划")
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan_deletable(plan):
        raise ValidationError("该督察计划已有督察记录或发现问题，不能删除。")
    audit_record(
        actor=actor,
        action="accountability.plan.deleted",
        target=plan,
        data={
            "year": plan.year,
            "topic": plan.topic,
            "targets": sorted(plan.targets.values_list("pk", flat=True)),
        },
    )
    plan.delete()


@transaction.atomic
def inspection_record_delete(*, actor: Any, record: InspectionRecord) -> None:
    """Delete a 督察 record written by mistake (the office or its author), unless a finding refers to it."""
    record = InspectionRecord.objects.select_for_update().get(pk=record.pk)
    if not (access.is_office(actor) or record.recorded_by_id == actor.pk):
        raise PermissionDenied("只有市委依法治市办或记录人可以删除督察记录。")
    if not record_deletable(actor, record):
        raise ValidationError("该督察记录下已登记发现问题，不能删除。")
    audit_record(
        actor=actor,
        action="accountability.inspection.record_deleted",
        target=record,
        data={
            "plan": record.plan_id,
            "target": record.target_id,
            "visited_on": record.visited_on.isoformat(),
        },
    )
    record.delete()


@transaction.atomic
def finding_create(
    *,
    actor: Any,
    plan: InspectionPlan,
    target: Org,
    text: str,
    severity: str,
    deadline: datetime.date,
    record: InspectionRecord | None = None,
) -> Finding:
    """A 督察 finding with its rectification deadline (opened as a problem by problems_link)."""
    _require_team(actor, plan)
    _require_target(plan, target)
    errors: dict[str, str] = {}
    if not (text or "").strip():
        errors["text"] = "请填写发现的问题。"
    if severity not in linkage.SEVERITY_POINTS:
        errors["severity"] = "请选择严重程度。"
    if deadline < plan.start_on:
        errors["deadline"] = "整改期限不能早于督察开始日期。"
    if record is not None and (record.plan_id != plan.pk or record.target_id != target.pk):
        errors["record"] = "督察记录与计划或对象不符。"
    if errors:
        raise ValidationError(errors)
    finding = Finding.objects.create(
        plan=plan,
        record=record,
        target=target,
        text=text.strip(),
        severity=severity,
        deadline=deadline,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="accountability.finding.created",
        target=finding,
        data={"plan": plan.pk, "target": target.pk, "severity": severity, "deadline": deadline},
    )
    return finding


@transaction.atomic
def finding_rectified(*, actor: Any, finding: Finding, rectified_on: datetime.date) -> Finding:
    _require_office(actor, "确认整改完成")
    if rectified_on > timezone.localdate():
        raise ValidationError({"rectified_on": "整改完成日期不能晚于今天。"})
    finding.rectified_on = rectified_on
    finding.save(update_fields=["rectified_on"])
    audit_record(
        actor=actor, action="accountability.finding.rectified", target=finding, data={"on": rectified_on}
    )
    return finding


# ------------------------------------------------------------------ 考


def campaign_indicators(year: int) -> Any:
    """The indicators of the year's campaigns, the ones a figure can be linked to."""
    from assessments.models import Indicator

    return (
        Indicator.objects.filter(section__framework__campaigns__year=year)
        .select_related("section")
        .order_by("section__order", "section__code", "order", "code")
        .distinct()
    )


@transaction.atomic
def indicator_figure_link(*, actor: Any, year: int, indicator_code: str, figure: str) -> IndicatorFigureLink:
    """Let the year's campaign indicator `indicator_code` read a 述、评、督 figure: the
    assessors scoring it see each target's figure and its source (and, for 督察, the
    deduction proposed by linkage.finding_deduction)."""
    _require_office(actor, "设置指标关联的述评督数据")
    errors: dict[str, str] = {}
    indicator_code = (indicator_code or "").strip()
    if figure not in Figure.values:
        errors["figure"] = "请选择述法、评议或督察数据。"
    if not campaign_indicators(year).filter(code=indicator_code).exists():
        errors["indicator_code"] = f"{year}年的考评中没有编号为“{indicator_code}”的指标。"
    elif IndicatorFigureLink.objects.filter(year=year, indicator_code=indicator_code, figure=figure).exists():
        errors["figure"] = "该指标已关联这项数据。"
    if errors:
        raise ValidationError(errors)
    link = IndicatorFigureLink.objects.create(
        year=year, indicator_code=indicator_code, figure=figure, created_by=actor
    )
    audit_record(
        actor=actor,
        action="accountability.indicator_figure.linked",
        target=link,
        data={"year": year, "indicator": indicator_code, "figure": figure},
    )
    return link


@transaction.atomic
def indicator_figure_unlink(*, actor: Any, link: IndicatorFigureLink) -> None:
    _require_office(actor, "取消指标关联的述评督数据")
    data = {"year": link.year, "indicator": link.indicator_code, "figure": link.figure}
    audit_record(actor=actor, action="accountability.indicator_figure.unlinked", target=link, data=data)
    link.delete()


# ------------------------------------------------------------------ 责


@transaction.atomic
def actions_propose(*, actor: Any, year: int) -> list[AccountabilityAction]:
    """Run the 责 rules for every leader with a report and every org with a
    finding or a grade this year; create the proposals not made before."""
    _require_office(actor, "生成问责建议")
    created = []
    for subject in selectors.accountability_subjects(year):
        for proposal in linkage.propose_actions(subject.facts):
            action, made = AccountabilityAction.objects.get_or_create(
                year=year,
                org=subject.org,
                leader=subject.leader,
                kind=proposal.kind,
                defaults={"basis": proposal.reason},
            )
            if made:
                created.append(action)
    audit_record(
        actor=actor,
        action="accountability.actions.proposed",
        target_repr=f"{year}年问责建议",
        data={"year": year, "created": [a.pk for a in created]},
    )
    return created


@transaction.atomic
def action_decide(
    *,
    actor: Any,
    action: AccountabilityAction,
    confirm: bool,
    reason: str,
    now: datetime.datetime | None = None,
) -> AccountabilityAction:
    _require_office(actor, "确认或驳回问责建议")
    reason = _reason(reason)
    action = AccountabilityAction.objects.select_for_update().get(pk=action.pk)
    action.state = _transition(states.action_next, action.state, "confirm" if confirm else "dismiss")
    action.decision_reason = reason
    action.decided_by = actor
    action.decided_at = _now(now)
    action.save(update_fields=["state", "decision_reason", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="accountability.action.confirmed" if confirm else "accountability.action.dismissed",
        target=action,
        data={"reason": reason},
    )
    return action


@transaction.atomic
def action_follow_up(
    *,
    actor: Any,
    action: AccountabilityAction,
    note: str,
    done: bool = False,
    now: datetime.datetime | None = None,
) -> AccountabilityAction:
    """Record how a confirmed action was carried out; `done` closes it."""
    _require_office(actor, "记录问责跟进情况")
    note = _reason(note, "note")
    action = AccountabilityAction.objects.select_for_update().get(pk=action.pk)
    action.state = _transition(states.action_next, action.state, "complete" if done else "follow_up")
    stamp = timezone.localtime(_now(now)).strftime("%Y-%m-%d %H:%M")
    action.follow_up = f"{action.follow_up}\n{stamp} {note}".strip()
    if done:
        action.done_at = _now(now)
    action.save(update_fields=["state", "follow_up", "done_at"])
    audit_record(
        actor=actor,
        action="accountability.action.done" if done else "accountability.action.followed_up",
        target=action,
        data={"note": note},
    )
    return action
