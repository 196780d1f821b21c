"""法治建设考评: frameworks (板块 → 指标 → 评分细则), campaigns, self-assessments,
scores with their two-person review and history, social evaluation, appeals and
the published snapshot. Points are Decimal(7, 2) everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

POINTS: dict[str, Any] = {"max_digits": 7, "decimal_places": 2}


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    LOCKED = "locked", "已锁定"


class Method(models.TextChoices):
    DEDUCT = "deduct", "扣分制"
    BONUS = "bonus", "加分"
    GRADE = "grade", "等级制"
    VETO = "veto", "一票否决"


class RuleKind(models.TextChoices):
    DEDUCT = "deduct", "扣分"
    ADD = "add", "加分"
    GRADE = "grade", "等级"
    VETO = "veto", "否决"
    # a range of points the assessor chooses within, with a reason (酌情扣分)
    DISCRETIONARY = "discretionary", "酌情扣分"
    # the indicator's full points when the requirement is met (全额)
    FULL = "full", "全额"


class SectionKind(models.TextChoices):
    STANDARD = "standard", "常规板块"
    # 附加项（加、扣分）: points added or taken inside or outside the total
    BONUS = "bonus", "附加项"
    # a satisfaction survey on its own scale, converted into the section's points
    SURVEY = "survey", "满意度测评"


class RuleScope(models.TextChoices):
    INDICATOR = "indicator", "本指标"
    # stated once for the whole group ("以上各项……"); stored on the group's first indicator
    GROUP = "group", "本组各项"


class Phase(models.TextChoices):
    DEPLOY = "deploy", "部署"
    SELF_ASSESS = "self_assess", "自评填报"
    SCORING = "scoring", "考评评分"
    FEEDBACK = "feedback", "结果反馈"
    APPEAL = "appeal", "申诉复核"
    # 审定 is the final review of the results before publication, not 审核 (a
    # unit's review of a score, Duty.REVIEW); its stored and API value stays
    # "review", as it was published.
    FINAL_REVIEW = "review", "审定"
    PUBLISHED = "published", "公布"


PHASE_ORDER: list[str] = [p.value for p in Phase]


def default_grade_rules() -> dict:
    return {
        "thresholds": {"优秀": 90, "良好": 80, "一般": 60},
        "excellent_quota": None,
        "tie_break": ["total_desc", "veto_asc", "deductions_asc", "code_asc"],
    }


class Framework(models.Model):
    """考评办法及标准 of one year. Locked frameworks are immutable; edit a new version."""

    year = models.PositiveSmallIntegerField("年度")
    version = models.PositiveSmallIntegerField("版本", default=1)
    name = models.CharField("名称", max_length=200)
    description = models.TextField("说明", blank=True)
    total_score = models.DecimalField("总分", default=Decimal("100"), **POINTS)
    status = models.CharField(
        "状态", max_length=16, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    cloned_from = models.ForeignKey(
        "self", verbose_name="复制自", null=True, blank=True, on_delete=models.SET_NULL, related_name="clones"
    )
    locked_at = models.DateTimeField("锁定时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = "考评办法"
        verbose_name_plural = "考评办法"
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="assessments_framework_year_version")
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）" if self.version > 1 else self.name

    @property
    def is_locked(self) -> bool:
        return self.status == FrameworkStatus.LOCKED


class Section(models.Model):
    """板块 (一级指标)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField("编号", max_length=20)
    name = models.CharField("名称", max_length=100)
    order = models.PositiveSmallIntegerField("排序", default=0)
    # the section's subtotal as published (checked against its indicators at lock); null: not stated
    points = models.DecimalField("板块分值", null=True, blank=True, **POINTS)
    kind = models.CharField(
        "板块类型", max_length=16, choices=SectionKind.choices, default=SectionKind.STANDARD
    )
    # False: a 附加项 section added to / taken from the total beyond its full marks
    in_total = models.BooleanField("计入总分", default=True)
    # a survey section's own scale (e.g. 100), converted into `points`
    survey_scale = models.DecimalField("测评满分", null=True, blank=True, **POINTS)

    class Meta:
        ordering = ["order", "code", "pk"]
        verbose_name = "板块"
        verbose_name_plural = "板块"
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="assessments_section_code")]

    def __str__(self) -> str:
        return self.name


class IndicatorGroup(models.Model):
    """二级指标: an optional level between a section and its indicators, with its own subtotal."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField("编号", max_length=20, blank=True)
    name = models.CharField("名称", max_length=200)
    points = models.DecimalField("分值", null=True, blank=True, **POINTS)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["order", "code", "pk"]
        verbose_name = "二级指标"
        verbose_name_plural = "二级指标"

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class Indicator(models.Model):
    """指标."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="indicators")
    group = models.ForeignKey(
        IndicatorGroup,
        verbose_name="二级指标",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    # 负面清单: deductions past the indicator's points are taken from the total;
    # False is 扣完为止 (the indicator floors at 0)
    overflow = models.BooleanField("负面清单（扣分可超出分值）", default=False)
    # evidence marked required must be attached before a self-assessment is submitted
    evidence_mandatory = models.BooleanField("佐证材料必须上传", default=False)
    code = models.CharField("编号", max_length=20)
    name = models.CharField("指标名称", max_length=200)
    max_score = models.DecimalField("分值", **POINTS)
    method = models.CharField("评分方式", max_length=16, choices=Method.choices, default=Method.DEDUCT)
    bonus_cap = models.DecimalField("加分上限", null=True, blank=True, **POINTS)
    evidence_required = models.TextField("佐证材料要求", blank=True)
    description = models.TextField("考评内容", blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    assessors = models.ManyToManyField(
        "orgs.Org", verbose_name="考评单位", related_name="assessed_indicators", blank=True
    )
    applies_to = models.ManyToManyField(
        "orgs.Org",
        verbose_name="适用被考评单位",
        related_name="applicable_indicators",
        blank=True,
        help_text="留空表示适用于全部被考评单位",
    )

    class Meta:
        ordering = ["section__order", "order", "code", "pk"]
        verbose_name = "指标"
        verbose_name_plural = "指标"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def framework(self) -> Framework:
        return self.section.framework

    @property
    def framework_id(self) -> int:
        return self.section.framework_id


# What the office edits of an indicator and of a rule, in the form's order: the
# one list the services, the forms, the API and the framework's plain data share.
INDICATOR_FIELDS = (
    "code",
    "name",
    "max_score",
    "method",
    "bonus_cap",
    "description",
    "evidence_required",
    "evidence_mandatory",
    "order",
    "overflow",
)
RULE_FIELDS = ("code", "text", "kind", "points", "max_points", "min_points", "scope", "veto_result", "order")
SECTION_FIELDS = ("code", "name", "order", "points", "kind", "in_total", "survey_scale")
GROUP_FIELDS = ("code", "name", "points", "order")


class Rule(models.Model):
    """评分细则: one deduction / addition / grade / veto item of an indicator."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="rules")
    code = models.CharField("编号", max_length=30)
    text = models.TextField("细则内容")
    kind = models.CharField("类型", max_length=16, choices=RuleKind.choices, default=RuleKind.DEDUCT)
    points = models.DecimalField("每次分值", default=Decimal("0"), **POINTS)
    max_points = models.DecimalField("累计上限", null=True, blank=True, **POINTS)
    # 酌情扣分: the lower end of the range (max_points is the upper end)
    min_points = models.DecimalField("酌情扣分下限", null=True, blank=True, **POINTS)
    scope = models.CharField(
        "适用范围", max_length=16, choices=RuleScope.choices, default=RuleScope.INDICATOR
    )
    # 一票否决's result as the table words it ("不合格", "当年目标未完成"); blank: 不合格
    veto_result = models.CharField("否决结果表述", max_length=50, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["order", "code", "pk"]
        verbose_name = "评分细则"
        verbose_name_plural = "评分细则"

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"


class Campaign(models.Model):
    """年度考评."""

    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("名称", max_length=200)
    framework = models.ForeignKey(
        Framework, verbose_name="考评办法", on_delete=models.PROTECT, related_name="campaigns"
    )
    targets = models.ManyToManyField("orgs.Org", verbose_name="被考评单位", related_name="target_campaigns")
    assessors = models.ManyToManyField("orgs.Org", verbose_name="考评单位", related_name="assessor_campaigns")
    phase = models.CharField("阶段", max_length=16, choices=Phase.choices, default=Phase.DEPLOY)
    social_weight = models.DecimalField("社会评议权重", max_digits=4, decimal_places=3, default=Decimal("0"))
    bonus_cap = models.DecimalField("加分上限", default=Decimal("5"), **POINTS)
    grade_rules = models.JSONField("等次规则", default=default_grade_rules)
    remind_days = models.PositiveSmallIntegerField("截止前提醒天数", default=3)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = "年度考评"
        verbose_name_plural = "年度考评"

    def __str__(self) -> str:
        return self.name

    @property
    def phase_index(self) -> int:
        return PHASE_ORDER.index(self.phase)

    @property
    def is_published(self) -> bool:
        return self.phase == Phase.PUBLISHED


class UnitClass(models.Model):
    """分类考评: a class of targets (市直单位, 县区) with its own full marks; its
    members are graded on 折算百分制 (their points × 100 / their full marks)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="unit_classes")
    name = models.CharField("类别名称", max_length=50)
    full_marks = models.DecimalField("满分", **POINTS)
    members = models.ManyToManyField("orgs.Org", verbose_name="本类被考评单位", related_name="+", blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["campaign", "order", "pk"]
        verbose_name = "考评类别"
        verbose_name_plural = "考评类别"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="assessments_unitclass_name"),
            models.CheckConstraint(condition=Q(full_marks__gt=0), name="assessments_unitclass_full_marks"),
        ]

    def __str__(self) -> str:
        return self.name


class PhaseDeadline(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deadlines")
    phase = models.CharField("阶段", max_length=16, choices=Phase.choices)
    starts_on = models.DateField("开始日期", null=True, blank=True)
    due_on = models.DateField("截止日期")

    class Meta:
        ordering = ["campaign", "due_on", "pk"]
        verbose_name = "阶段时限"
        verbose_name_plural = "阶段时限"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "phase"], name="assessments_deadline_phase")
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} {self.due_on}"


class PhaseChange(models.Model):
    """History of phase moves (who advanced, what was still missing)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(max_length=16, choices=Phase.choices)
    to_phase = models.CharField(max_length=16, choices=Phase.choices)
    missing = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_phase} → {self.to_phase}"


class SelfAssessmentStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "退回修改"


class SelfAssessment(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="self_assessments")
    target = models.ForeignKey(
        "orgs.Org", verbose_name="被考评单位", on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="self_assessments")
    self_score = models.DecimalField("自评分", null=True, blank=True, **POINTS)
    narrative = models.TextField("自评说明", blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=SelfAssessmentStatus.choices, default=SelfAssessmentStatus.DRAFT
    )
    return_reason = models.TextField("退回原因", blank=True)
    evidence = models.ManyToManyField(
        "attachments.Attachment", verbose_name="佐证材料", blank=True, related_name="+"
    )
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["campaign", "target", "indicator"]
        verbose_name = "自评"
        verbose_name_plural = "自评"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "target", "indicator"], name="assessments_self_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.indicator.code}"


class ScoreStatus(models.TextChoices):
    DRAFT = "draft", "经办填写"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已审核生效"


class Score(models.Model):
    """One target × indicator score by the responsible assessing unit. Only approved scores count."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="scores")
    target = models.ForeignKey(
        "orgs.Org", verbose_name="被考评单位", on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="scores")
    score = models.DecimalField("得分", null=True, blank=True, **POINTS)
    base = models.DecimalField("等级制基础分", null=True, blank=True, **POINTS)
    veto = models.BooleanField("一票否决", default=False)
    status = models.CharField("状态", max_length=16, choices=ScoreStatus.choices, default=ScoreStatus.DRAFT)
    reason = models.TextField("扣分理由", blank=True)
    evidence_note = models.TextField("查阅佐证", blank=True)
    assessor_org = models.ForeignKey(
        "orgs.Org", verbose_name="评分单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField("填写时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.TextField("审核意见", blank=True)
    version = models.PositiveIntegerField("版本", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["campaign", "target", "indicator"]
        verbose_name = "评分"
        verbose_name_plural = "评分"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "target", "indicator"], name="assessments_score_unique"
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="assessments_score_status"),
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.indicator.code}: {self.score}"


class TargetTotal(models.Model):
    """Per campaign target, what its approved scores add up to: Σ points in
    hundredths, how many approved scores, how many of them 一票否决. Kept by
    the database's own triggers on the score table (migration 0010), in the
    same transaction as every write of a score whatever makes it (save,
    queryset update, bulk insert, cascade, raw SQL, a restore), so the live
    ranking reads one row per target instead of aggregating every score.
    The application never writes it; `selectors.results.totals_drift` checks
    it against the scores and `manage.py score_totals --rebuild` rebuilds it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    points = models.BigIntegerField("得分合计（百分之一分）", default=0)
    scored = models.IntegerField("已审核生效评分数", default=0)
    vetoes = models.IntegerField("一票否决评分数", default=0)

    class Meta:
        verbose_name = "评分合计"
        verbose_name_plural = "评分合计"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "target"], name="assessments_targettotal_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.target_id}: {self.points / 100}"


class Duty(models.TextChoices):
    """The two halves of the two-person rule of 评分."""

    ENTER = "enter", "经办"
    REVIEW = "review", "审核"


class ScoringDuty(models.Model):
    """The one scoring duty (经办 or 审核) a user holds at its assessing unit.
    One row per user, so nobody holds both; a duty counts only while the user
    still belongs to `org` (moving to another unit voids it). Kept by the
    office or the system admin through `services.duties.scoring_duty_assign`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.CASCADE, related_name="scoring_duty"
    )
    org = models.ForeignKey("orgs.Org", verbose_name="考评单位", on_delete=models.PROTECT, related_name="+")
    duty = models.CharField("职责", max_length=16, choices=Duty.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="分配人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField("分配时间", auto_now=True)

    class Meta:
        ordering = ["org", "duty", "user"]
        verbose_name = "评分职责"
        verbose_name_plural = "评分职责"

    def __str__(self) -> str:
        return f"{self.user_id} {self.get_duty_display()}"


class ScoreItem(models.Model):
    """A deduction / addition / veto applied to a score, chosen from the 评分细则."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="items")
    rule = models.ForeignKey(Rule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=16, choices=RuleKind.choices)
    count = models.PositiveSmallIntegerField("次数", default=1)
    points = models.DecimalField("分值", **POINTS)
    reason = models.TextField("理由", blank=True)
    evidence_note = models.TextField("查阅佐证", blank=True)

    class Meta:
        ordering = ["score", "pk"]
        verbose_name = "扣加分项"
        verbose_name_plural = "扣加分项"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points}"


class ScoreChangeSource(models.TextChoices):
    SCORING = "scoring", "评分"
    REVIEW = "review", "审核"
    APPEAL = "appeal", "申诉"
    REOPEN = "reopen", "重新打开"


class ScoreChange(models.Model):
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="changes")
    before = models.DecimalField(null=True, blank=True, **POINTS)
    after = models.DecimalField(null=True, blank=True, **POINTS)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(
        max_length=16, choices=ScoreChangeSource.choices, default=ScoreChangeSource.SCORING
    )
    note = models.TextField(blank=True)
    appeal = models.ForeignKey("Appeal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["score", "changed_at", "pk"]
        verbose_name = "评分变更记录"
        verbose_name_plural = "评分变更记录"

    def __str__(self) -> str:
        return f"{self.before} → {self.after}"


class SocialEvaluation(models.Model):
    """社会评议/群众满意度 score (0–100), imported."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="social_evaluations")
    target = models.ForeignKey(
        "orgs.Org", verbose_name="被考评单位", on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField("社会评议得分", **POINTS)
    source = models.CharField("来源说明", max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign", "target"]
        verbose_name = "社会评议"
        verbose_name_plural = "社会评议"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "target"], name="assessments_social_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="assessments_social_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_id}: {self.score}"


class AppealStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    ANSWERED = "answered", "考评单位已答复"
    DECIDED = "decided", "已裁决"


class AppealDecision(models.TextChoices):
    UPHELD = "upheld", "维持"
    CHANGED = "changed", "改分"


class Appeal(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="appeals")
    target = models.ForeignKey(
        "orgs.Org", verbose_name="被考评单位", on_delete=models.PROTECT, related_name="+"
    )
    score = models.ForeignKey(Score, on_delete=models.PROTECT, related_name="appeals")
    reason = models.TextField("申诉理由")
    evidence = models.ManyToManyField(
        "attachments.Attachment", verbose_name="申诉材料", blank=True, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=16, choices=AppealStatus.choices, default=AppealStatus.SUBMITTED
    )
    answer = models.TextField("考评单位答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField("裁决", max_length=16, choices=AppealDecision.choices, blank=True)
    decided_score = models.DecimalField("裁决得分", null=True, blank=True, **POINTS)
    decision_note = models.TextField("裁决说明", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "-created_at", "-pk"]
        verbose_name = "申诉"
        verbose_name_plural = "申诉"

    def __str__(self) -> str:
        return f"{self.target} 申诉 {self.score_id}"


class PublicationImmutable(Exception):
    """A publication was about to be written outside `campaign_publish`, rewritten or removed."""


# Set only inside services.publication.campaign_publish: the one writer of publications.
_publishing: ContextVar[bool] = ContextVar("publishing", default=False)


@contextmanager
def publishing() -> Iterator[None]:
    token = _publishing.set(True)
    try:
        yield
    finally:
        _publishing.reset(token)


class PublicationQuerySet(models.QuerySet["Publication"]):
    """No bulk writes: a publication is created once by the publishing service,
    then never updated or deleted (raw SQL that tries is caught by
    `publication_check`, against the hash in the audit log)."""

    def update(self, **kwargs: Any) -> int:
        raise PublicationImmutable("公布的考评结果不可更改或删除。")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PublicationImmutable("公布的考评结果不可更改或删除。")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Publication]:  # type: ignore[override]
        raise PublicationImmutable("考评结果只能通过“公布”操作产生。")

    def bulk_update(self, objs: Any, *args: Any, **kwargs: Any) -> int:
        raise PublicationImmutable("公布的考评结果不可更改或删除。")


class Publication(models.Model):
    campaign = models.OneToOneField(Campaign, on_delete=models.PROTECT, related_name="publication")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField()
    sha256 = models.CharField(max_length=64)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = "结果公布"
        verbose_name_plural = "结果公布"

    def __str__(self) -> str:
        return f"{self.campaign} 公布"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PublicationImmutable("公布的考评结果不可更改或删除。")
        if not _publishing.get():
            raise PublicationImmutable("考评结果只能通过“公布”操作产生。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PublicationImmutable("公布的考评结果不可更改或删除。")


class RectificationStatus(models.TextChoices):
    OPEN = "open", "整改中"
    DONE = "done", "已整改"


class Rectification(models.Model):
    """整改项 — superseded by the problem tracker: lost points sent to 整改 are
    problems (`problems.Problem`, source 考评失分) since problems' migration 0002,
    which carried every item over with its status and date. Kept, read-only, for
    the record; nothing creates new items."""

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="rectifications")
    target = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    points_lost = models.DecimalField(**POINTS)
    reason = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["publication", "target", "indicator"]
        verbose_name = "整改项"
        verbose_name_plural = "整改项"

    def __str__(self) -> str:
        return f"{self.target_id} {self.indicator_id} −{self.points_lost}"


# Phases whose edits stop at their deadline (自评填报: a target's self-assessment;
# 考评评分: an assessing unit's scores), unless the office grants an extension.
LOCKING_PHASES = (Phase.SELF_ASSESS, Phase.SCORING)


class DeadlineExtension(models.Model):
    """延期: the office lets one unit keep editing one phase until a later date.
    Kept on record (never edited); the latest grant for a unit and phase counts."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="extensions")
    org = models.ForeignKey("orgs.Org", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    phase = models.CharField("阶段", max_length=16, choices=Phase.choices)
    due_on = models.DateField("延至")
    reason = models.TextField("延期理由")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="批准人", on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField("批准时间", auto_now_add=True)

    class Meta:
        ordering = ["campaign", "-granted_at", "-pk"]
        verbose_name = "延期"
        verbose_name_plural = "延期"

    def __str__(self) -> str:
        return f"{self.org_id} {self.get_phase_display()} 延至 {self.due_on}"


class ImportedResult(models.Model):
    """A past year's published result (before the system ran that year),
    imported from the office's xlsx so the year-over-year views start with
    real history. Shown as imported, never mixed into a publication."""

    year = models.PositiveSmallIntegerField("年度")
    target = models.ForeignKey(
        "orgs.Org", verbose_name="被考评单位", on_delete=models.PROTECT, related_name="+"
    )
    total = models.DecimalField("总分", **POINTS)
    grade = models.CharField("等次", max_length=20)
    rank = models.PositiveSmallIntegerField("名次")
    source = models.CharField("来源", max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        ordering = ["-year", "rank", "pk"]
        verbose_name = "历年考评结果（导入）"
        verbose_name_plural = "历年考评结果（导入）"
        constraints = [
            models.UniqueConstraint(fields=["year", "target"], name="assessments_imported_result_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.target_id}: {self.total}"


class BonusClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", "已申报"
    WITHDRAWN = "withdrawn", "已撤回"


class BonusClaim(models.Model):
    """加分申报: a target applies, during 自评填报, for points of a 加分 indicator
    — one of its 加分细则, or an item of its own (rule empty) — with the claimed
    points, the reason and evidence. The indicator's responsible unit scores it
    through the indicator's own score (经办 enters, 审核 approves); the approved
    score is the outcome and feeds the composite's capped bonus."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="bonus_claims")
    target = models.ForeignKey(
        "orgs.Org", verbose_name="申报单位", on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name="加分项目", on_delete=models.PROTECT, related_name="bonus_claims"
    )
    rule = models.ForeignKey(
        Rule, verbose_name="加分细则", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("申报事项", max_length=200)
    claimed_points = models.DecimalField("申报分值", **POINTS)
    reason = models.TextField("申报理由")
    evidence = models.ManyToManyField(
        "attachments.Attachment", verbose_name="佐证材料", blank=True, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=16, choices=BonusClaimStatus.choices, default=BonusClaimStatus.SUBMITTED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申报人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("申报时间", auto_now_add=True)

    class Meta:
        ordering = ["campaign", "target", "-created_at", "-pk"]
        verbose_name = "加分申报"
        verbose_name_plural = "加分申报"

    def __str__(self) -> str:
        return f"{self.target_id} {self.title}"
