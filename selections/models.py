"""十大法治惠民实事项目评选: an edition, its nominations, the expert review, the
public vote, the composite ranking with its 公示 and publication, and the tracking
of the ten selected projects through the following year."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from selections import aggregate, phases


def _default_weights() -> dict[str, str]:
    return {code: str(w) for code, w in aggregate.default_weights().items()}


def _default_deadlines() -> dict[str, str]:
    return {}


class Phase(models.TextChoices):
    COLLECT = phases.COLLECT, "征集"
    SCREEN = phases.SCREEN, "资格审查"
    REVIEW = phases.REVIEW, "专家评审"
    VOTE = phases.VOTE, "公众投票"
    RANK = phases.RANK, "综合排名"
    PUBLICITY = phases.PUBLICITY, "公示"
    PUBLISHED = phases.PUBLISHED, "公布"
    TRACKING = phases.TRACKING, "跟踪"


SCORE: dict[str, Any] = {"max_digits": 4, "decimal_places": 1}
WEIGHT: dict[str, Any] = {"max_digits": 5, "decimal_places": 4}
RESULT: dict[str, Any] = {"max_digits": 8, "decimal_places": 4}


class Edition(models.Model):
    """届: one year's selection, e.g. 2023年 第二届."""

    year = models.PositiveSmallIntegerField("评选年度")
    ordinal = models.PositiveSmallIntegerField("届次", unique=True)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("评选说明", blank=True)
    phase = models.CharField("阶段", max_length=16, choices=Phase.choices, default=Phase.COLLECT)
    deadlines = models.JSONField("各阶段截止日期", default=_default_deadlines, blank=True)
    criteria_weights = models.JSONField("评审标准权重", default=_default_weights)
    expert_weight = models.DecimalField("专家评审权重", default=aggregate.DEFAULT_EXPERT_WEIGHT, **WEIGHT)
    public_weight = models.DecimalField("公众投票权重", default=aggregate.DEFAULT_PUBLIC_WEIGHT, **WEIGHT)
    shortlist_size = models.PositiveSmallIntegerField("入围公众投票项目数", default=20)
    top_n = models.PositiveSmallIntegerField("评出项目数", default=10)
    disagreement_threshold = models.DecimalField(
        "专家分歧阈值", default=aggregate.DEFAULT_DISAGREEMENT, max_digits=4, decimal_places=2
    )
    rules_frozen_at = models.DateTimeField("规则冻结时间", null=True, blank=True)
    tracking_year = models.PositiveSmallIntegerField("落实年度", null=True, blank=True)
    indicator_code = models.CharField(
        "纳入考评指标编号",
        max_length=20,
        blank=True,
        help_text="落实年度法治江门建设考评中读取完成情况的指标编号",
    )
    results = models.JSONField("公布结果", null=True, blank=True, editable=False)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["-year", "-ordinal"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expert_weight__gte=0) & Q(public_weight__gte=0), name="selections_weights_gte_0"
            ),
        ]
        verbose_name = "评选届次"
        verbose_name_plural = "评选届次"

    def __str__(self) -> str:
        return self.name

    @property
    def weights(self) -> dict[str, Decimal]:
        return {code: Decimal(str(self.criteria_weights.get(code, "0"))) for code in aggregate.CRITERIA_CODES}

    @property
    def rules_frozen(self) -> bool:
        return self.rules_frozen_at is not None

    def deadline(self, phase: str) -> str:
        return str(self.deadlines.get(phase, "") or "")


class PhaseChange(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(max_length=16, choices=Phase.choices)
    to_phase = models.CharField(max_length=16, choices=Phase.choices)
    note = models.CharField("说明", max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_phase_display()} → {self.get_to_phase_display()}"


class Source(models.TextChoices):
    UNIT = "unit", "单位推荐"
    PUBLIC = "public", "群众推荐"


class Screening(models.TextChoices):
    PENDING = "pending", "待审查"
    ELIGIBLE = "eligible", "符合条件"
    INELIGIBLE = "ineligible", "不符合条件"


class Nomination(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="nominations")
    number = models.PositiveIntegerField("序号")
    source = models.CharField("来源", max_length=8, choices=Source.choices)
    title = models.CharField("项目名称", max_length=100)
    nominating_unit = models.CharField("推荐单位（人）", max_length=100)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name="推荐单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="huimin_nominations",
    )
    description = models.TextField("项目内容")
    beneficiaries = models.CharField("受益群体", max_length=200)
    budget = models.DecimalField("预算（万元）", max_digits=12, decimal_places=2, null=True, blank=True)
    timeline = models.CharField("实施周期", max_length=200)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    attachments = models.ManyToManyField(
        "attachments.Attachment", blank=True, related_name="huimin_nominations"
    )
    lookup_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    screening = models.CharField(
        "资格审查", max_length=12, choices=Screening.choices, default=Screening.PENDING
    )
    screening_reason = models.CharField("审查意见", max_length=500, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    screened_at = models.DateTimeField("审查时间", null=True, blank=True)
    expert_score = models.DecimalField("专家评分", null=True, blank=True, **RESULT)
    disagreement = models.BooleanField("专家分歧较大", default=False)
    shortlisted = models.BooleanField("入围公众投票", default=False)
    votes_valid = models.PositiveIntegerField("有效票数", default=0)
    public_score = models.DecimalField("公众得分", null=True, blank=True, **RESULT)
    composite = models.DecimalField("综合得分", null=True, blank=True, **RESULT)
    rank = models.PositiveSmallIntegerField("排名", null=True, blank=True)
    selected = models.BooleanField("入选十大", default=False)
    responsible_org = models.ForeignKey(
        "orgs.Org",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="huimin_projects",
    )

    class Meta:
        ordering = ["edition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="selections_nomination_number_unique"),
            models.CheckConstraint(
                condition=Q(budget__gte=0) | Q(budget__isnull=True), name="selections_budget_gte_0"
            ),
        ]
        indexes = [
            models.Index(fields=["edition", "screening"]),
            models.Index(fields=["edition", "selected"]),
        ]
        verbose_name = "推荐项目"
        verbose_name_plural = "推荐项目"

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def code(self) -> str:
        return f"{self.edition.year}-{self.number:03d}"

    @property
    def public_nominator(self) -> str:
        """What public pages show: a unit's name, never a resident's."""
        return self.nominating_unit if self.source == Source.UNIT else "群众推荐"


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "在组"
    DECLINED = "declined", "已回避/谢绝"


class PanelMember(models.Model):
    """An expert on the edition's review panel (the seam to the expert pool's draws)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="huimin_panels")
    employer_org = models.ForeignKey(
        "orgs.Org", verbose_name="工作单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    conflict_org_ids = models.JSONField("申报回避单位", default=list, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    status = models.CharField(
        "状态", max_length=10, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["edition", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "user"], name="selections_panel_member_unique"),
        ]
        verbose_name = "评审专家"
        verbose_name_plural = "评审专家"

    def __str__(self) -> str:
        return f"{self.edition} · {self.user}"

    def conflicts(self) -> set[int]:
        ids = {int(i) for i in self.conflict_org_ids or []}
        if self.employer_org_id:
            ids.add(self.employer_org_id)
        return ids


class Review(models.Model):
    """One expert's review of one nomination: the five scores and a comment."""

    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="reviews")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="reviews")
    legality = models.DecimalField("法治性", null=True, blank=True, **SCORE)
    mass = models.DecimalField("群众性", null=True, blank=True, **SCORE)
    inclusive = models.DecimalField("普惠性", null=True, blank=True, **SCORE)
    feasibility = models.DecimalField("可行性", null=True, blank=True, **SCORE)
    innovation = models.DecimalField("创新性", null=True, blank=True, **SCORE)
    total = models.DecimalField("加权得分", null=True, blank=True, **RESULT)
    comment = models.TextField("评审意见", blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["nomination__number", "member__order"]
        constraints = [
            models.UniqueConstraint(fields=["member", "nomination"], name="selections_review_unique"),
            *[
                models.CheckConstraint(
                    condition=(Q(**{f"{c}__gte": 0}) & Q(**{f"{c}__lte": 10})) | Q(**{f"{c}__isnull": True}),
                    name=f"selections_review_{c}_0_10",
                )
                for c in aggregate.CRITERIA_CODES
            ],
        ]
        verbose_name = "专家评审"
        verbose_name_plural = "专家评审"

    def __str__(self) -> str:
        return f"{self.nomination} · {self.member.user}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    def scores(self) -> dict[str, Decimal | None]:
        return {c: getattr(self, c) for c in aggregate.CRITERIA_CODES}


class VoteCode(models.Model):
    """A one-time voting code given out by the office; only its keyed hash is kept."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="vote_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    batch = models.PositiveIntegerField("批次")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["edition", "batch"])]

    def __str__(self) -> str:
        return f"投票码（第 {self.batch} 批）"


class Decision(models.TextChoices):
    NONE = "", "—"
    VALID = "valid", "有效"
    INVALID = "invalid", "无效"


class Vote(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="votes")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="votes")
    voter_key = models.CharField(max_length=80)
    method = models.CharField(max_length=8)  # code | phone
    day = models.DateField()
    cast_at = models.DateTimeField()
    address = models.CharField(max_length=64, blank=True)
    subnet = models.CharField(max_length=64, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    doubtful = models.BooleanField(default=False)
    reasons = models.JSONField(default=list, blank=True)
    decision = models.CharField(max_length=8, choices=Decision.choices, default=Decision.NONE, blank=True)
    decision_reason = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cast_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "voter_key", "day"], name="selections_one_vote_per_day"
            ),
        ]
        indexes = [
            models.Index(fields=["edition", "cast_at"]),
            models.Index(fields=["edition", "address", "cast_at"]),
            models.Index(fields=["edition", "subnet", "cast_at"]),
            models.Index(fields=["edition", "fingerprint", "day"]),
            models.Index(fields=["edition", "doubtful", "decision"]),
        ]

    def __str__(self) -> str:
        return f"选票 {self.pk}"

    @property
    def counts(self) -> bool:
        return (not self.doubtful and self.decision != Decision.INVALID) or self.decision == Decision.VALID


class Objection(models.Model):
    """异议 raised during the 公示 period, answered by the office."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="objections")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="objections")
    text = models.TextField("异议内容")
    contact = models.CharField("联系方式", max_length=50, blank=True)
    address = models.CharField(max_length=64, blank=True)
    lookup_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField("提出时间", auto_now_add=True)
    upheld = models.BooleanField("异议成立", null=True, blank=True)
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"异议 {self.pk}"


class Milestone(models.Model):
    project = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("节点", max_length=200)
    due = models.DateField("计划完成日期")
    done_on = models.DateField("实际完成日期", null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["project", "due", "order", "pk"]
        indexes = [models.Index(fields=["done_on", "due"])]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    project = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="progress_reports")
    text = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField("完成进度（%）")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_on = models.DateField("报告日期")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reported_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="selections_progress_percent_lte_100")
        ]

    def __str__(self) -> str:
        return f"{self.reported_on} {self.percent}%"
