"""Writes of the 惠民实事 selection. Each is atomic and writes its own audit entry
(except single public votes: each vote row is its own record, see `vote_cast`)."""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from accounts import roles
from audit.services import audit_record, diff, snapshot
from orgs.models import Org
from selections import aggregate, phases, screening, selectors, voters
from selections.models import (
    Decision,
    Edition,
    MemberStatus,
    Milestone,
    Nomination,
    Objection,
    PanelMember,
    Phase,
    PhaseChange,
    ProgressReport,
    Review,
    Screening,
    Source,
    Vote,
    VoteCode,
)

EDITION_FIELDS = ("year", "ordinal", "name", "description", "deadlines", "tracking_year", "indicator_code")
RULE_FIELDS = (
    "criteria_weights",
    "expert_weight",
    "public_weight",
    "shortlist_size",
    "top_n",
    "disagreement_threshold",
)
NOMINATION_FIELDS = (
    "title",
    "nominating_unit",
    "org_id",
    "source",
    "description",
    "beneficiaries",
    "budget",
    "timeline",
    "screening",
    "screening_reason",
    "responsible_org_id",
)
MAX_FILES = 5


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def clean_text(text: str, *, limit: int | None = None) -> str:
    """Text as typed, without control characters (kept as text: templates escape it)."""
    kept = "".join(
        c
        for c in unicodedata.normalize("NFC", text or "")
        if c in "\n\t" or unicodedata.category(c)[0] != "C"
    ).strip()
    return kept[:limit] if limit else kept


def deadline_passed(edition: Edition, phase: str, now: datetime.datetime | None = None) -> bool:
    """A phase's deadline is the end of its day, local time; no deadline never passes."""
    raw = edition.deadline(phase)
    if not raw:
        return False
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        return False
    return timezone.localtime(_now(now)).date() > day


def _check_deadlines(deadlines: dict[str, Any]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    previous: tuple[str, datetime.date] | None = None
    for phase in phases.ORDER:
        value = deadlines.get(phase)
        if not value:
            continue
        day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
        if previous and day < previous[1]:
            raise ValidationError(
                {
                    "deadlines": f"「{phases.LABELS[phase]}」的截止日期 {day:%Y-%m-%d} 早于"
                    f"「{phases.LABELS[previous[0]]}」的截止日期 {previous[1]:%Y-%m-%d}。"
                }
            )
        cleaned[phase] = day.isoformat()
        previous = (phase, day)
    return cleaned


# ------------------------------------------------------------------ editions


@transaction.atomic
def edition_create(
    *,
    actor: Any,
    year: int,
    ordinal: int,
    name: str,
    description: str = "",
    deadlines: dict[str, Any] | None = None,
    tracking_year: int | None = None,
    indicator_code: str = "",
) -> Edition:
    if Edition.objects.filter(ordinal=ordinal).exists():
        raise ValidationError({"ordinal": f"第{ordinal}届评选已经存在。"})
    edition = Edition(
        year=year,
        ordinal=ordinal,
        name=clean_text(name, limit=100),
        description=clean_text(description),
        deadlines=_check_deadlines(deadlines or {}),
        tracking_year=tracking_year if tracking_year is not None else year + 1,
        indicator_code=indicator_code.strip(),
        created_by=_user(actor),
    )
    edition.save()
    audit_record(
        actor=actor,
        action="selections.edition.created",
        target=edition,
        after=snapshot(edition, EDITION_FIELDS),
    )
    return edition


@transaction.atomic
def edition_update(
    *,
    actor: Any,
    edition: Edition,
    name: str,
    description: str,
    deadlines: dict[str, Any],
    tracking_year: int | None,
    indicator_code: str,
) -> Edition:
    before = snapshot(edition, EDITION_FIELDS)
    edition.name = clean_text(name, limit=100)
    edition.description = clean_text(description)
    edition.deadlines = _check_deadlines(deadlines)
    edition.tracking_year = tracking_year
    edition.indicator_code = indicator_code.strip()
    edition.save()
    old, new = diff(before, snapshot(edition, EDITION_FIELDS))
    if new:
        audit_record(actor=actor, action="selections.edition.updated", target=edition, before=old, after=new)
    return edition


@transaction.atomic
def edition_rules_update(
    *,
    actor: Any,
    edition: Edition,
    criteria_weights: dict[str, Decimal],
    expert_weight: Decimal,
    public_weight: Decimal,
    shortlist_size: int,
    top_n: int,
    disagreement_threshold: Decimal,
) -> Edition:
    """The scoring rules; refused once voting has started (the rules are frozen then)."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if edition.rules_frozen:
        raise ValidationError("公众投票开始后评选规则已冻结，不能再修改权重、入围数量或评出数量。")
    problems = aggregate.weight_problems(criteria_weights)
    if problems:
        raise ValidationError({"criteria_weights": problems})
    if expert_weight < 0 or public_weight < 0 or expert_weight + public_weight != 1:
        raise ValidationError({"expert_weight": "专家评审权重与公众投票权重须为非负数且相加等于 1。"})
    if top_n < 1 or shortlist_size < top_n:
        raise ValidationError(
            {"shortlist_size": "入围公众投票的项目数不能少于评出项目数，评出项目数至少为 1。"}
        )
    before = snapshot(edition, RULE_FIELDS)
    edition.criteria_weights = {code: str(criteria_weights[code]) for code in aggregate.CRITERIA_CODES}
    edition.expert_weight, edition.public_weight = expert_weight, public_weight
    edition.shortlist_size, edition.top_n = shortlist_size, top_n
    edition.disagreement_threshold = disagreement_threshold
    edition.save()
    old, new = diff(before, snapshot(edition, RULE_FIELDS))
    if new:
        audit_record(
            actor=actor, action="selections.edition.rules_updated", target=edition, before=old, after=new
        )
    return edition


def _problems_entering_screen(edition: Edition, nominations: Any) -> list[str]:
    return [] if nominations.exists() else ["尚未收到任何推荐项目。"]


def _problems_entering_review(edition: Edition, nominations: Any) -> list[str]:
    problems = []
    pending = nominations.filter(screening=Screening.PENDING).count()
    if pending:
        problems.append(f"尚有 {pending} 个推荐项目未完成资格审查。")
    if not nominations.filter(screening=Screening.ELIGIBLE).exists():
        problems.append("没有符合条件的推荐项目。")
    if not edition.panel.filter(status=MemberStatus.ACTIVE).exists():
        problems.append("尚未组成评审专家组（从咨询专家库抽取专家）。")
    return problems


def _problems_entering_vote(edition: Edition, nominations: Any) -> list[str]:
    problems = []
    unsubmitted = Review.objects.filter(nomination__edition=edition, submitted_at__isnull=True).count()
    if unsubmitted:
        problems.append(f"尚有 {unsubmitted} 份专家评审未提交。")
    unreviewed = (
        nominations.filter(screening=Screening.ELIGIBLE)
        .annotate(n=Count("reviews"))
        .filter(n=0)
        .values_list("number", flat=True)
    )
    if unreviewed:
        problems.append(f"以下推荐项目没有评审专家：{'、'.join(f'{n}号' for n in unreviewed)}。")
    return problems


def _problems_entering_publicity(edition: Edition, nominations: Any) -> list[str]:
    pending_votes = Vote.objects.filter(edition=edition, doubtful=True, decision=Decision.NONE).count()
    return [f"尚有 {pending_votes} 张存疑选票未作出认定。"] if pending_votes else []


def _problems_entering_published(edition: Edition, nominations: Any) -> list[str]:
    open_objections = Objection.objects.filter(edition=edition, answered_at__isnull=True).count()
    return [f"尚有 {open_objections} 条公示异议未答复。"] if open_objections else []


def _problems_entering_tracking(edition: Edition, nominations: Any) -> list[str]:
    missing = nominations.filter(selected=True, responsible_org__isnull=True).values_list("number", flat=True)
    if not missing:
        return []
    return [f"以下入选项目未确定责任单位：{'、'.join(f'{n}号' for n in missing)}。"]


# What must hold before an edition enters a phase (a phase not named has no condition).
_ENTRY_PROBLEMS = {
    phases.SCREEN: _problems_entering_screen,
    phases.REVIEW: _problems_entering_review,
    phases.VOTE: _problems_entering_vote,
    phases.PUBLICITY: _problems_entering_publicity,
    phases.PUBLISHED: _problems_entering_published,
    phases.TRACKING: _problems_entering_tracking,
}


def advance_problems(edition: Edition) -> list[str]:
    """What stops the edition from moving to its next phase (empty: it may move)."""
    target = phases.next_phase(edition.phase)
    if target is None:
        return ["评选已处于最后阶段（跟踪）。"]
    check = _ENTRY_PROBLEMS.get(target)
    return check(edition, Nomination.objects.filter(edition=edition)) if check else []


@transaction.atomic
def edition_advance(
    *, actor: Any, edition: Edition, to_phase: str, note: str = "", now: datetime.datetime | None = None
) -> Edition:
    """Move the edition to the next phase, doing what that phase begins with:
    review assigns the panel; vote fixes the expert scores and the shortlist and
    freezes the rules; rank re-screens every vote; publicity ranks and selects the
    top N; publication freezes the results."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    try:
        phases.check(edition.phase, to_phase)
    except phases.TransitionRefused as exc:
        raise ValidationError(str(exc)) from None
    problems = advance_problems(edition)
    if problems:
        raise ValidationError(problems)
    moment = _now(now)
    data: dict[str, Any] = {}
    if to_phase == phases.REVIEW:
        data["reviews"] = _assign_reviews(edition)
    elif to_phase == phases.VOTE:
        data["shortlist"] = _fix_expert_scores(edition)
        edition.rules_frozen_at = moment
    elif to_phase == phases.RANK:
        data["doubtful"] = _rescreen(edition)
    elif to_phase == phases.PUBLICITY:
        data["selected"] = _rank(edition)
    elif to_phase == phases.PUBLISHED:
        edition.results = selectors.results_snapshot(edition)
        edition.published_at = moment
    source = edition.phase
    edition.phase = to_phase
    edition.save()
    PhaseChange.objects.create(
        edition=edition,
        from_phase=source,
        to_phase=to_phase,
        note=clean_text(note, limit=300),
        changed_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="selections.edition.advanced",
        target=edition,
        before={"phase": source},
        after={"phase": to_phase},
        data={"note": note, **data},
    )
    return edition


def _assign_reviews(edition: Edition) -> int:
    """Each eligible nomination to each active panel member, except where the
    member's employer or a declared conflict is the nomination's unit."""
    created = 0
    eligible = list(Nomination.objects.filter(edition=edition, screening=Screening.ELIGIBLE))
    members = list(edition.panel.filter(status=MemberStatus.ACTIVE))
    existing = set(
        Review.objects.filter(nomination__edition=edition).values_list("member_id", "nomination_id")
    )
    rows = []
    for member in members:
        for nomination in eligible:
            if (member.pk, nomination.pk) in existing or selectors.conflicted(member, nomination):
                continue
            rows.append(Review(member=member, nomination=nomination))
    Review.objects.bulk_create(rows)
    created += len(rows)
    uncovered = [n.number for n in eligible if not any(not selectors.conflicted(m, n) for m in members)]
    if uncovered:
        raise ValidationError(
            f"以下推荐项目与全部评审专家存在利益冲突，无法分配评审：{'、'.join(f'{n}号' for n in uncovered)}。请增补专家。"
        )
    return created


def _fix_expert_scores(edition: Edition) -> list[int]:
    eligible = list(Nomination.objects.filter(edition=edition, screening=Screening.ELIGIBLE))
    totals: dict[int, list[Decimal]] = {n.pk: [] for n in eligible}
    for nomination_id, total in Review.objects.filter(
        nomination__edition=edition, submitted_at__isnull=False
    ).values_list("nomination_id", "total"):
        if total is not None:
            totals[nomination_id].append(total)
    for n in eligible:
        n.expert_score = aggregate.trimmed_mean(totals[n.pk])
        n.disagreement = aggregate.disagreement(totals[n.pk], edition.disagreement_threshold)
    eligible.sort(key=lambda n: (-(n.expert_score or 0), n.number))
    for position, n in enumerate(eligible):
        n.shortlisted = position < edition.shortlist_size
    Nomination.objects.bulk_update(eligible, ["expert_score", "disagreement", "shortlisted"])
    return [n.number for n in eligible if n.shortlisted]


def _rank(edition: Edition) -> list[int]:
    shortlisted = list(Nomination.objects.filter(edition=edition, shortlisted=True))
    counts = selectors.valid_vote_counts(edition)
    ranked = aggregate.rank(
        [aggregate.Entry(n.pk, n.number, n.expert_score, counts.get(n.pk, 0)) for n in shortlisted],
        expert_weight=edition.expert_weight,
        public_weight=edition.public_weight,
    )
    by_pk = {n.pk: n for n in shortlisted}
    for row in ranked:
        n = by_pk[row.key]
        n.votes_valid, n.public_score, n.composite, n.rank = row.votes, row.public, row.composite, row.rank
        n.selected = row.rank <= edition.top_n
        if n.selected and n.responsible_org_id is None and n.source == Source.UNIT:
            n.responsible_org_id = n.org_id
    Nomination.objects.bulk_update(
        shortlisted, ["votes_valid", "public_score", "composite", "rank", "selected", "responsible_org"]
    )
    return [by_pk[r.key].number for r in ranked if r.rank <= edition.top_n]


# --------------------------------------------------------------- nominations


def _store_files(actor: Any, nomination: Nomination, files: Sequence[Any]) -> None:
    from attachments.services import attachment_create

    if len(files) > MAX_FILES:
        raise ValidationError({"files": f"最多上传 {MAX_FILES} 个附件。"})
    owner = nomination.org or Org.objects.filter(code=settings.SELECTIONS_FILES_ORG).first()
    if owner is None:
        owner = Org.objects.filter(parent__isnull=True).order_by("pk").first()
    if owner is None:
        raise ValidationError({"files": "系统尚未配置组织机构，暂不能接收附件。"})
    for upload in files:
        try:
            nomination.attachments.add(attachment_create(actor=actor, uploaded_file=upload, org=owner))
        except ValidationError as exc:
            raise ValidationError(
                {"files": f"「{getattr(upload, 'name', '')}」：{'；'.join(exc.messages)}"}
            ) from None


@transaction.atomic
def nomination_submit(
    *,
    actor: Any,
    edition: Edition,
    title: str,
    nominating_unit: str,
    description: str,
    beneficiaries: str,
    timeline: str,
    budget: Decimal | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    org: Org | None = None,
    files: Sequence[Any] = (),
    now: datetime.datetime | None = None,
) -> tuple[Nomination, str]:
    """A nomination from a unit (actor a user, `org` its unit) or the public
    (actor None). Returns it with the public lookup code (shown once; kept hashed)."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if edition.phase != Phase.COLLECT or deadline_passed(edition, phases.COLLECT, now):
        raise ValidationError("本届评选的项目征集已经结束，不能再提交推荐。")
    if budget is not None and (not budget.is_finite() or budget < 0):
        raise ValidationError({"budget": "预算须为不小于 0 的数字（单位：万元）。"})
    title = clean_text(title, limit=100)
    if not title:
        raise ValidationError({"title": "请填写项目名称。"})
    number = (edition.nominations.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    code = voters.new_code()
    nomination = Nomination.objects.create(
        edition=edition,
        number=number,
        source=Source.UNIT if org is not None else Source.PUBLIC,
        title=title,
        nominating_unit=clean_text(nominating_unit, limit=100) or (org.name if org else ""),
        org=org,
        description=clean_text(description),
        beneficiaries=clean_text(beneficiaries, limit=200),
        budget=budget,
        timeline=clean_text(timeline, limit=200),
        contact_name=clean_text(contact_name, limit=50),
        contact_phone=clean_text(contact_phone, limit=20),
        lookup_hash=voters.lookup_hash(code),
        submitted_by=_user(actor),
    )
    _store_files(actor, nomination, files)
    audit_record(
        actor=actor,
        action="selections.nomination.submitted",
        target=nomination,
        after=snapshot(nomination, NOMINATION_FIELDS),
        data={"attachments": [str(a.pk) for a in nomination.attachments.all()]},
        actor_name="" if _user(actor) else "公众",
    )
    return nomination, code


@transaction.atomic
def nomination_screen(*, actor: Any, nomination: Nomination, eligible: bool, reason: str) -> Nomination:
    """资格审查: the reason is shown to the nominator (required when not eligible)."""
    nomination = Nomination.objects.select_for_update().select_related("edition").get(pk=nomination.pk)
    if nomination.edition.phase != Phase.SCREEN:
        raise ValidationError("只有在资格审查阶段才能审查推荐项目。")
    reason = clean_text(reason, limit=500)
    if not eligible and not reason:
        raise ValidationError({"reason": "认定不符合条件时必须填写理由（推荐人可以看到）。"})
    before = snapshot(nomination, NOMINATION_FIELDS)
    nomination.screening = Screening.ELIGIBLE if eligible else Screening.INELIGIBLE
    nomination.screening_reason = reason
    nomination.screened_by = _user(actor)
    nomination.screened_at = timezone.now()
    nomination.save()
    old, new = diff(before, snapshot(nomination, NOMINATION_FIELDS))
    audit_record(
        actor=actor, action="selections.nomination.screened", target=nomination, before=old, after=new
    )
    return nomination


@transaction.atomic
def nomination_set_responsible(*, actor: Any, nomination: Nomination, org: Org) -> Nomination:
    if not nomination.selected:
        raise ValidationError("只有入选项目需要确定责任单位。")
    before = snapshot(nomination, NOMINATION_FIELDS)
    nomination.responsible_org = org
    nomination.save(update_fields=["responsible_org"])
    old, new = diff(before, snapshot(nomination, NOMINATION_FIELDS))
    if new:
        audit_record(
            actor=actor,
            action="selections.nomination.responsible_set",
            target=nomination,
            before=old,
            after=new,
        )
    return nomination


# --------------------------------------------------------------------- panel


@transaction.atomic
def panel_assign(
    *, actor: Any, edition: Edition, members: Iterable[tuple[Any, Org | None, Sequence[int]]]
) -> list[PanelMember]:
    """Put experts on the edition's review panel: (user, employer org, declared
    conflict org ids) each. The expert pool's draw calls this with the drawn
    panel; the conflicts are kept with the member, and no review of a nomination
    from its employer or a declared conflict is ever assigned to it."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if phases.at_or_after(edition.phase, phases.VOTE):
        raise ValidationError("专家评审已经结束，不能再调整评审专家组。")
    order = (edition.panel.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    added: list[PanelMember] = []
    for user, employer, conflicts in members:
        if getattr(user, "role_id", None) != roles.EXPERT or not user.is_active:
            raise ValidationError(f"「{user}」不是在用的专家账号，不能加入评审专家组。")
        if edition.panel.filter(user=user).exists():
            raise ValidationError(f"专家「{user}」已在本届评审专家组中。")
        member = PanelMember.objects.create(
            edition=edition,
            user=user,
            employer_org=employer,
            conflict_org_ids=sorted({int(i) for i in conflicts}),
            order=order,
            assigned_by=_user(actor),
        )
        order += 1
        added.append(member)
        audit_record(
            actor=actor,
            action="selections.panel.assigned",
            target=member,
            after={
                "edition_id": edition.pk,
                "user_id": user.pk,
                "employer_org_id": employer.pk if employer else None,
                "conflict_org_ids": member.conflict_org_ids,
            },
        )
    if edition.phase == Phase.REVIEW:
        _assign_reviews(edition)
    return added


@transaction.atomic
def review_save(
    *,
    actor: Any,
    review: Review,
    scores: dict[str, Decimal | None],
    comment: str,
    submit: bool = False,
    now: datetime.datetime | None = None,
) -> Review:
    """An expert saves (or submits) its scores: each criterion 0–10; a submitted
    review no longer changes."""
    review = (
        Review.objects.select_for_update().select_related("member", "nomination__edition").get(pk=review.pk)
    )
    edition = review.nomination.edition
    if review.member.user_id != getattr(actor, "pk", None):
        raise ValidationError("只能填写分配给自己的评审。")
    if edition.phase != Phase.REVIEW or deadline_passed(edition, phases.REVIEW, now):
        raise ValidationError("专家评审阶段已经结束，不能再修改评分。")
    if review.submitted:
        raise ValidationError("该评审已经提交，不能再修改。")
    try:
        scores = {
            c: (None if scores.get(c) is None else Decimal(str(scores[c]))) for c in aggregate.CRITERIA_CODES
        }
    except ArithmeticError:
        raise ValidationError("评分须为 0 到 10 之间的数字。") from None
    problems = aggregate.score_problems(scores)
    if submit and problems:
        raise ValidationError(problems)
    out_of_range = {c: m for c, m in problems.items() if scores.get(c) is not None}
    if out_of_range:
        raise ValidationError(out_of_range)
    before = snapshot(review, (*aggregate.CRITERIA_CODES, "comment", "submitted_at"))
    for code in aggregate.CRITERIA_CODES:
        setattr(review, code, scores.get(code))
    review.comment = clean_text(comment, limit=2000)
    complete = not problems
    review.total = aggregate.expert_total(scores, edition.weights) if complete else None  # type: ignore[arg-type]
    if submit:
        review.submitted_at = _now(now)
    review.save()
    old, new = diff(before, snapshot(review, (*aggregate.CRITERIA_CODES, "comment", "submitted_at")))
    audit_record(
        actor=actor,
        action="selections.review.submitted" if submit else "selections.review.saved",
        target=review,
        before=old,
        after=new,
    )
    return review


# --------------------------------------------------------------------- votes


@transaction.atomic
def vote_codes_generate(*, actor: Any, edition: Edition, count: int) -> list[str]:
    """A batch of one-time voting codes; returned once in clear, kept as keyed hashes."""
    if not 1 <= count <= 5000:
        raise ValidationError({"count": "每批可生成 1 至 5000 个投票码。"})
    edition = Edition.objects.get(pk=edition.pk)
    if phases.at_or_after(edition.phase, phases.RANK):
        raise ValidationError("公众投票已经结束，不能再生成投票码。")
    batch = (edition.vote_codes.order_by("-batch").values_list("batch", flat=True).first() or 0) + 1
    codes = [voters.new_code() for _ in range(count)]
    VoteCode.objects.bulk_create(
        [
            VoteCode(edition=edition, code_hash=voters.code_hash(c), batch=batch, created_by=_user(actor))
            for c in codes
        ]
    )
    audit_record(
        actor=actor,
        action="selections.vote_codes.generated",
        target=edition,
        data={"batch": batch, "count": count},
    )
    return codes


class VoteRefused(ValidationError):
    """A vote not taken; `code` says why (closed, replayed, duplicate, …)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, code=code)
        self.reason = code


def vote_cast(
    *,
    edition: Edition,
    nomination_id: int,
    method: str,
    credential: str,
    address: str,
    fingerprint: str = "",
    now: datetime.datetime | None = None,
    rules: screening.Rules = screening.DEFAULT_RULES,
) -> Vote:
    """One public vote. A code is spent atomically (UPDATE … WHERE used_at IS NULL),
    so a replayed code is refused however many requests race; the unique
    (edition, voter, day) constraint keeps one vote per voter per day. A vote that
    looks suspicious is stored marked doubtful with its reasons, never dropped.

    Single votes are not written to the audit log (each row records its own
    time, address and fingerprint); the office's decisions on them are."""
    moment = _now(now)
    edition = Edition.objects.get(pk=edition.pk)
    if edition.phase != Phase.VOTE or deadline_passed(edition, phases.VOTE, moment):
        raise VoteRefused("公众投票已经结束（或尚未开始），本次投票未被接受。", "closed")
    nomination = Nomination.objects.filter(pk=nomination_id, edition=edition, shortlisted=True).first()
    if nomination is None:
        raise VoteRefused("所选项目不在本届公众投票的入围名单中。", "not_shortlisted")
    day = timezone.localtime(moment).date()
    if method == "code":
        voter_key = "code:" + voters.code_hash(credential)
    elif method == "phone":
        if not voters.PHONE.match(voters.normalise_phone(credential)):
            raise VoteRefused("请输入 11 位手机号码。", "bad_phone")
        voter_key = "phone:" + voters.phone_hash(credential)
    else:
        raise VoteRefused("请选择验证方式。", "bad_method")
    sub = screening.subnet(address)
    # Reads first, outside the write transaction (SQLite takes its write lock at BEGIN),
    # each bounded by its threshold so a long burst costs no more than a short one. A
    # vote racing these reads may be missed here; closing the vote re-screens them all.
    window_start = moment - rules.window
    recent = Vote.objects.filter(edition=edition, cast_at__gte=window_start)
    same_address = recent.filter(address=address[:64]).values("pk")[: rules.address_burst].count()
    same_subnet = recent.filter(subnet=sub[:64]).values("pk")[: rules.subnet_burst].count()
    device_voters = (
        Vote.objects.filter(edition=edition, fingerprint=fingerprint[:64], day=day)
        .exclude(voter_key=voter_key)
        .values("voter_key")
        .distinct()[: rules.device_voters]
        .count()
        if fingerprint
        else 0
    )
    reasons = screening.reasons_at_cast(
        timezone.localtime(moment),
        same_address=same_address + 1,
        same_subnet=same_subnet + 1,
        device_voters=device_voters + 1 if fingerprint else 0,
        rules=rules,
    )
    try:
        with transaction.atomic():
            if method == "code":
                digest = voter_key.removeprefix("code:")
                spent = VoteCode.objects.filter(
                    edition=edition, code_hash=digest, used_at__isnull=True
                ).update(used_at=moment)
                if not spent:
                    used = VoteCode.objects.filter(edition=edition, code_hash=digest).exists()
                    raise VoteRefused(
                        "该投票码已经使用过，每个投票码只能投票一次。"
                        if used
                        else "投票码无效，请核对后重新输入。",
                        "code_used" if used else "code_invalid",
                    )
            return Vote.objects.create(
                edition=edition,
                nomination=nomination,
                voter_key=voter_key,
                method=method,
                day=day,
                cast_at=moment,
                address=address[:64],
                subnet=sub[:64],
                fingerprint=fingerprint[:64],
                doubtful=bool(reasons),
                reasons=reasons,
            )
    except IntegrityError:
        raise VoteRefused("您今天已经投过票了，每人每天只能投一票，请明天再来。", "duplicate") from None


def _rescreen(edition: Edition, rules: screening.Rules = screening.DEFAULT_RULES) -> int:
    """Apply the rules to every vote of the edition; adds reasons, never removes
    one and never touches a decision. Returns how many votes became doubtful."""
    votes = list(Vote.objects.filter(edition=edition))
    found = screening.screen_all(
        [
            screening.VoteSignal(v.pk, timezone.localtime(v.cast_at), v.address, v.fingerprint, v.voter_key)
            for v in votes
        ],
        rules,
    )
    changed = []
    newly = 0
    for vote in votes:
        merged = list(dict.fromkeys([*vote.reasons, *found[vote.pk]]))
        if merged != vote.reasons:
            newly += not vote.doubtful
            vote.reasons, vote.doubtful = merged, True
            changed.append(vote)
    Vote.objects.bulk_update(changed, ["reasons", "doubtful"], batch_size=500)
    return newly


@transaction.atomic
def votes_rescreen(*, actor: Any, edition: Edition) -> int:
    newly = _rescreen(edition)
    audit_record(
        actor=actor, action="selections.votes.rescreened", target=edition, data={"newly_doubtful": newly}
    )
    return newly


@transaction.atomic
def votes_decide(*, actor: Any, edition: Edition, vote_ids: Sequence[int], valid: bool, reason: str) -> int:
    """The office's decision on doubtful votes (one or many), with its reason."""
    reason = clean_text(reason, limit=300)
    if not reason:
        raise ValidationError({"reason": "请填写认定理由。"})
    edition = Edition.objects.get(pk=edition.pk)
    if edition.phase not in (Phase.VOTE, Phase.RANK):
        raise ValidationError("只有在公众投票或综合排名阶段才能认定存疑选票。")
    votes = Vote.objects.select_for_update().filter(edition=edition, doubtful=True, pk__in=list(vote_ids))
    ids = list(votes.values_list("pk", flat=True))
    if not ids:
        raise ValidationError("请选择要认定的存疑选票。")
    decision = Decision.VALID if valid else Decision.INVALID
    Vote.objects.filter(pk__in=ids).update(
        decision=decision, decision_reason=reason, decided_by=_user(actor), decided_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="selections.votes.decided",
        target=edition,
        data={"votes": ids, "decision": decision.value, "reason": reason},
    )
    return len(ids)


# ------------------------------------------------------------------ 公示 / 异议


@transaction.atomic
def objection_submit(
    *,
    edition: Edition,
    nomination_id: int,
    text: str,
    contact: str = "",
    address: str = "",
    now: datetime.datetime | None = None,
) -> tuple[Objection, str]:
    edition = Edition.objects.get(pk=edition.pk)
    if edition.phase != Phase.PUBLICITY or deadline_passed(edition, phases.PUBLICITY, now):
        raise ValidationError("公示期已经结束（或尚未开始），不能再提出异议。")
    nomination = Nomination.objects.filter(pk=nomination_id, edition=edition, selected=True).first()
    if nomination is None:
        raise ValidationError({"nomination": "请选择公示名单中的项目。"})
    text = clean_text(text, limit=2000)
    if len(text) < 10:
        raise ValidationError({"text": "请具体说明异议的事实和理由（至少 10 个字）。"})
    code = voters.new_code()
    objection = Objection.objects.create(
        edition=edition,
        nomination=nomination,
        text=text,
        contact=clean_text(contact, limit=50),
        address=address[:64],
        lookup_hash=voters.lookup_hash(code),
    )
    audit_record(
        actor=None,
        actor_name="公众",
        action="selections.objection.submitted",
        target=objection,
        after={"nomination_id": nomination.pk, "text": text},
    )
    return objection, code


@transaction.atomic
def objection_answer(*, actor: Any, objection: Objection, upheld: bool, answer: str) -> Objection:
    """The office answers an objection. An upheld one takes the nomination out of
    the ten; the best-ranked shortlisted nomination not yet selected takes its place."""
    objection = (
        Objection.objects.select_for_update().select_related("edition", "nomination").get(pk=objection.pk)
    )
    if objection.edition.phase != Phase.PUBLICITY:
        raise ValidationError("只有在公示阶段才能答复异议。")
    if objection.answered_at is not None:
        raise ValidationError("该异议已经答复。")
    answer = clean_text(answer, limit=2000)
    if not answer:
        raise ValidationError({"answer": "请填写答复意见（提出人可以看到）。"})
    objection.upheld, objection.answer = upheld, answer
    objection.answered_by, objection.answered_at = _user(actor), timezone.now()
    objection.save()
    data: dict[str, Any] = {}
    nomination = objection.nomination
    if upheld and nomination.selected:
        nomination.selected = False
        nomination.save(update_fields=["selected"])
        successor = (
            Nomination.objects.filter(
                edition=objection.edition, shortlisted=True, selected=False, rank__isnull=False
            )
            .exclude(pk=nomination.pk)
            .exclude(objections__upheld=True)
            .order_by("rank")
            .first()
        )
        if successor is not None:
            successor.selected = True
            if successor.responsible_org_id is None and successor.source == Source.UNIT:
                successor.responsible_org_id = successor.org_id
            successor.save(update_fields=["selected", "responsible_org"])
            data["successor"] = successor.pk
        data["removed"] = nomination.pk
    audit_record(
        actor=actor,
        action="selections.objection.answered",
        target=objection,
        after={"upheld": upheld, "answer": answer},
        data=data,
    )
    return objection


# ------------------------------------------------------------------ tracking


def _require_tracking(project: Nomination) -> None:
    if not project.selected or project.edition.phase not in (Phase.PUBLISHED, Phase.TRACKING):
        raise ValidationError("只有已公布的入选项目才能跟踪落实情况。")


@transaction.atomic
def milestone_add(*, actor: Any, project: Nomination, title: str, due: datetime.date) -> Milestone:
    _require_tracking(project)
    title = clean_text(title, limit=200)
    if not title:
        raise ValidationError({"title": "请填写节点名称。"})
    milestone = Milestone.objects.create(
        project=project, title=title, due=due, order=project.milestones.count() + 1
    )
    audit_record(
        actor=actor,
        action="selections.milestone.added",
        target=milestone,
        after=snapshot(milestone, ("title", "due")),
    )
    return milestone


@transaction.atomic
def milestone_complete(*, actor: Any, milestone: Milestone, done_on: datetime.date) -> Milestone:
    _require_tracking(milestone.project)
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "完成日期不能晚于今天。"})
    before = snapshot(milestone, ("done_on",))
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    audit_record(
        actor=actor,
        action="selections.milestone.completed",
        target=milestone,
        before=before,
        after=snapshot(milestone, ("done_on",)),
    )
    return milestone


@transaction.atomic
def progress_report(
    *, actor: Any, project: Nomination, text: str, percent: int, reported_on: datetime.date | None = None
) -> ProgressReport:
    _require_tracking(project)
    text = clean_text(text, limit=4000)
    if not text:
        raise ValidationError({"text": "请填写进展情况。"})
    if not 0 <= percent <= 100:
        raise ValidationError({"percent": "完成进度须在 0 到 100 之间。"})
    report = ProgressReport.objects.create(
        project=project,
        text=text,
        percent=percent,
        reported_by=_user(actor),
        reported_on=reported_on or timezone.localdate(),
    )
    audit_record(
        actor=actor,
        action="selections.progress.reported",
        target=report,
        after={"project_id": project.pk, "percent": percent, "text": text},
    )
    return report
