"""迎检: preparing the city for the province's assessment (法治广东建设考评).

The province's framework is imported as it is published (板块 → 指标 with 分值,
评分标准 and 佐证材料要求); each indicator is split into tasks for the municipal
units that hold the evidence; the office reviews what they hand in. The grade
the province finally gives is recorded per year so other modules can read it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models


class ProvincialFramework(models.Model):
    year = models.PositiveSmallIntegerField("考评年度", unique=True)
    name = models.CharField("名称", max_length=200)
    source_note = models.CharField(
        "来源说明", max_length=300, blank=True, help_text="例如省委依法治省办印发的考评办法及标准的文号"
    )
    total = models.DecimalField("总分", max_digits=7, decimal_places=2)
    source_filename = models.CharField("导入文件", max_length=255, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "法治广东建设考评指标体系"
        verbose_name_plural = "法治广东建设考评指标体系"

    def __str__(self) -> str:
        return f"{self.year}年度 {self.name}"


class ProvincialIndicator(models.Model):
    framework = models.ForeignKey(
        ProvincialFramework, verbose_name="指标体系", on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField("编码", max_length=32)
    section = models.CharField("板块", max_length=100)
    name = models.CharField("指标", max_length=500)
    max_score = models.DecimalField("分值", max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])
    criteria = models.TextField("评分标准", blank=True)
    evidence_requirements = models.TextField("佐证材料要求", blank=True)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        ordering = ["framework", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="provincial_indicator_code_unique"),
            models.CheckConstraint(
                condition=models.Q(max_score__gte=0), name="provincial_indicator_score_gte_0"
            ),
        ]
        verbose_name = "省考评指标"
        verbose_name_plural = "省考评指标"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", "待提交"
    SUBMITTED = "submitted", "待审核"
    ACCEPTED = "accepted", "已通过"
    RETURNED = "returned", "已退回"


OPEN_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.RETURNED)


class Task(models.Model):
    """One responsible municipal unit's share of one indicator."""

    indicator = models.ForeignKey(
        ProvincialIndicator, verbose_name="指标", on_delete=models.PROTECT, related_name="tasks"
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name="责任单位", on_delete=models.PROTECT, related_name="provincial_tasks"
    )
    description = models.TextField("任务要求", blank=True)
    deadline = models.DateField("截止日期")
    status = models.CharField("状态", max_length=16, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED)
    note = models.TextField("单位说明", blank=True)
    self_score = models.DecimalField("单位自估分", max_digits=6, decimal_places=2, null=True, blank=True)
    reviewed_score = models.DecimalField("审核预计分", max_digits=6, decimal_places=2, null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)
    evidence = models.ManyToManyField(
        "attachments.Attachment", verbose_name="佐证材料", blank=True, related_name="provincial_tasks"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="分派人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    created_at = models.DateTimeField("分派时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["deadline", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "org"], name="provincial_task_one_per_unit"),
            models.CheckConstraint(
                condition=models.Q(self_score__gte=0) | models.Q(self_score__isnull=True),
                name="provincial_task_self_score_gte_0",
            ),
            models.CheckConstraint(
                condition=models.Q(reviewed_score__gte=0) | models.Q(reviewed_score__isnull=True),
                name="provincial_task_reviewed_score_gte_0",
            ),
        ]
        indexes = [models.Index(fields=["org", "status"]), models.Index(fields=["status", "deadline"])]
        verbose_name = "迎检任务"
        verbose_name_plural = "迎检任务"

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.org.display_name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Grade(models.TextChoices):
    EXCELLENT = "优秀", "优秀"
    GOOD = "良好", "良好"
    FAIR = "一般", "一般"
    POOR = "较差", "较差"


class ProvincialResult(models.Model):
    """The grade the province gave the city for a year (法治广东建设考评等次)."""

    year = models.PositiveSmallIntegerField("考评年度", unique=True)
    grade = models.CharField("等次", max_length=8, choices=Grade.choices)
    score = models.DecimalField("得分", max_digits=7, decimal_places=2, null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("登记时间", auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "法治广东建设考评结果"
        verbose_name_plural = "法治广东建设考评结果"

    def __str__(self) -> str:
        return f"{self.year}年度 {self.grade}"
