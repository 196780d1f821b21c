"""述 (ShufaRound, ShufaReport), 评 (Rating), 督 (InspectionPlan, InspectionRecord,
Finding) and 责 (AccountabilityAction). States and rules live in states.py and
linkage.py; every write goes through services.py."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accountability import linkage, states


class ShufaRound(models.Model):
    year = models.PositiveSmallIntegerField("年度", unique=True)
    title = models.CharField("名称", max_length=100)
    deadline = models.DateField("提交截止日期")
    template = models.TextField(
        "述法报告模板", help_text="含党政主要负责人履行推进法治建设第一责任人职责的要点"
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="shufa_rounds_reviewing", verbose_name="评议人"
    )
    draw = models.ForeignKey(
        "experts.Draw",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="专家抽取",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # A closed round takes no more reports, returns or ratings: its results are final.
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = "述法工作"

    def __str__(self) -> str:
        return f"{self.year}年 {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ReportState(models.TextChoices):
    DRAFT = states.DRAFT, "草稿"
    SUBMITTED = states.SUBMITTED, "已提交"
    RETURNED = states.RETURNED, "已退回"


class ShufaReport(models.Model):
    round = models.ForeignKey(ShufaRound, on_delete=models.PROTECT, related_name="reports")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shufa_reports"
    )
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="shufa_reports")
    body = models.TextField("述法报告")
    evidence = models.ManyToManyField(
        "attachments.Attachment", blank=True, related_name="+", verbose_name="佐证材料"
    )
    state = models.CharField("状态", max_length=10, choices=ReportState.choices, default=ReportState.DRAFT)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    return_reason = models.CharField("退回理由", max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["org__code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "leader"], name="shufa_report_one_per_leader")
        ]
        verbose_name = "述法报告"

    def __str__(self) -> str:
        return f"{self.round.year}年 {self.leader.display_name} 述法报告"


class RatingGrade(models.TextChoices):
    SATISFIED = linkage.SATISFIED, "满意"
    BASIC = linkage.BASIC, "基本满意"
    UNSATISFIED = linkage.UNSATISFIED, "不满意"


class Rating(models.Model):
    report = models.ForeignKey(ShufaReport, on_delete=models.PROTECT, related_name="ratings")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shufa_ratings"
    )
    grade = models.CharField("评议等次", max_length=10, choices=RatingGrade.choices)
    score = models.PositiveSmallIntegerField(
        "评分", validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    comment = models.TextField("评议意见", blank=True)
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "reviewer"], name="shufa_rating_one_per_reviewer"),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="shufa_rating_score_max_100"),
        ]
        verbose_name = "述法评议"

    def __str__(self) -> str:
        return f"{self.get_grade_display()} {self.score}分"


class InspectionPlan(models.Model):
    year = models.PositiveSmallIntegerField("年度")
    topic = models.CharField("督察主题", max_length=200)
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期")
    targets = models.ManyToManyField("orgs.Org", related_name="inspection_plans", verbose_name="督察对象")
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="inspection_plans", verbose_name="督察组"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # compare-and-set on edit: a stale edit is refused (409), never an overwrite
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        ordering = ["-year", "-start_on", "pk"]
        verbose_name = "督察计划"

    def __str__(self) -> str:
        # "2023年度法治政府建设综合督察" already says its year
        return self.topic if self.topic.startswith(f"{self.year}年") else f"{self.year}年 {self.topic}"


class InspectionRecord(models.Model):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="records")
    target = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField("督察日期")
    notes = models.TextField("督察情况")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["visited_on", "pk"]
        verbose_name = "督察记录"

    def __str__(self) -> str:
        return f"{self.plan.topic} {self.visited_on:%Y-%m-%d}"


class Severity(models.TextChoices):
    GENERAL = linkage.GENERAL, "一般"
    SERIOUS = linkage.SERIOUS, "较重"
    GRAVE = linkage.GRAVE, "严重"


class Finding(models.Model):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="findings")
    record = models.ForeignKey(
        InspectionRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    target = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="inspection_findings")
    text = models.TextField("发现问题")
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    deadline = models.DateField("整改期限")
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    problem_id = models.PositiveIntegerField("问题台账编号", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan_id", "pk"]
        verbose_name = "督察发现问题"

    def __str__(self) -> str:
        return f"{self.target.short_name or self.target.name}：{self.text[:30]}"


class ActionKind(models.TextChoices):
    TALK = linkage.TALK, "约谈"
    CRITICISE = linkage.CRITICISE, "通报批评"
    RECTIFY = linkage.RECTIFY, "责令整改"
    TRANSFER = linkage.TRANSFER, "移送纪检监察"


class ActionState(models.TextChoices):
    PROPOSED = states.PROPOSED, "待确认"
    CONFIRMED = states.CONFIRMED, "已确认"
    DISMISSED = states.DISMISSED, "已驳回"
    DONE = states.DONE, "已办结"


class AccountabilityAction(models.Model):
    year = models.PositiveSmallIntegerField("年度")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="accountability_actions")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_actions",
    )
    kind = models.CharField("问责方式", max_length=10, choices=ActionKind.choices)
    basis = models.TextField("提出依据")
    state = models.CharField("状态", max_length=10, choices=ActionState.choices, default=ActionState.PROPOSED)
    decision_reason = models.CharField("确认/驳回理由", max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    follow_up = models.TextField("跟进情况", blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "org__code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "org", "leader", "kind"], name="accountability_action_once"
            ),
        ]
        verbose_name = "问责建议"

    def __str__(self) -> str:
        return f"{self.year}年 {self.org.short_name or self.org.name} {self.get_kind_display()}"


class Figure(models.TextChoices):
    """The 述、评、督 figures a campaign indicator can read (accountability/figures.py)."""

    SHUFA = "shufa", "述法：本单位述法报告提交情况"
    RATING = "rating", "评议：本单位述法报告评议结果"
    FINDINGS = "findings", "督察：本单位督察发现问题及建议扣分"


class IndicatorFigureLink(models.Model):
    """The office's choice that an indicator of the year's campaign (named by its code, as
    a 惠民实事 edition names its indicator) measures a 述、评、督 figure: the figure of the
    target being scored, with its source, is shown beside it on the scoring page."""

    year = models.PositiveSmallIntegerField("考评年度")
    indicator_code = models.CharField("指标编号", max_length=20)
    figure = models.CharField("述评督数据", max_length=10, choices=Figure.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "indicator_code", "figure"]
        constraints = [
            models.UniqueConstraint(fields=["year", "indicator_code", "figure"], name="indicator_figure_once")
        ]
        verbose_name = "指标关联的述评督数据"

    def __str__(self) -> str:
        return f"{self.year}年 {self.indicator_code} ← {self.get_figure_display()}"
