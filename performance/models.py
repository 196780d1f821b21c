"""项目支出绩效自评: a budget project per year and its indicator tree.

Amounts are in 元 (two decimals); the standard table shows them in 万元.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from performance.engine.values import EQ, GE, GT, LE, LT, QUALITATIVE


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"


class Level1(models.TextChoices):
    OUTPUT = "产出指标", "产出指标"
    BENEFIT = "效益指标", "效益指标"
    SATISFACTION = "满意度指标", "满意度指标"


LEVEL2_SUGGESTIONS = {
    Level1.OUTPUT: ("数量指标", "质量指标", "时效指标", "成本指标"),
    Level1.BENEFIT: ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    Level1.SATISFACTION: ("服务对象满意度指标",),
}


class TargetOp(models.TextChoices):
    GE = GE, "≥"
    LE = LE, "≤"
    EQ = EQ, "="
    GT = GT, ">"
    LT = LT, "<"
    QUALITATIVE = QUALITATIVE, "定性"


# Narrative fields of the report, in section order, with the report's keys.
NARRATIVE_FIELDS = (
    ("background", "background"),
    ("completion", "completion"),
    ("input_text", "input"),
    ("process_text", "process"),
    ("target_setting_text", "target_setting"),
    ("performance_text", "performance"),
    ("practices", "practices"),
    ("problems", "problems"),
    ("conclusion_text", "conclusion"),
)

# The fields of a budget project its unit fills in, in the form's order: the
# one list the service (what may be changed), the page form and the API share.
PROJECT_FIELDS = (
    "year",
    "name",
    "implementing_unit",
    "funding_source",
    "budget_initial",
    "budget_adjusted",
    "budget_executed",
    "execution_reason",
    "goal",
    "goal_result",
    *(f for f, _ in NARRATIVE_FIELDS),
    "declared_execution_score",
    "declared_total",
    "rule_set",
)


class BudgetProject(models.Model):
    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("项目名称", max_length=200)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="主管部门", on_delete=models.PROTECT, related_name="budget_projects"
    )
    implementing_unit = models.CharField("实施单位", max_length=200, blank=True)
    funding_source = models.CharField("资金来源", max_length=100, blank=True, default="当年财政拨款")
    budget_initial = models.DecimalField(
        "年初预算数（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    budget_adjusted = models.DecimalField(
        "全年预算数（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    budget_executed = models.DecimalField(
        "全年执行数（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    execution_reason = models.TextField("预算执行偏差原因", blank=True)
    goal = models.TextField("年度总体目标", blank=True)
    goal_result = models.TextField("总体目标实际完成情况", blank=True)
    background = models.TextField("项目立项背景和依据", blank=True)
    completion = models.TextField("项目完成情况", blank=True)
    input_text = models.TextField("投入", blank=True)
    process_text = models.TextField("过程", blank=True)
    target_setting_text = models.TextField("目标设置情况（补充说明）", blank=True)
    performance_text = models.TextField("绩效完成情况", blank=True)
    practices = models.TextField("项目主要做法和经验", blank=True)
    problems = models.TextField("存在问题及建议", blank=True)
    conclusion_text = models.TextField("自评结论（补充说明）", blank=True)
    declared_execution_score = models.DecimalField(
        "执行率得分（填报）", max_digits=6, decimal_places=2, null=True, blank=True
    )
    declared_total = models.DecimalField(
        "自评总分（填报）", max_digits=6, decimal_places=2, null=True, blank=True
    )
    rule_set = models.CharField("评分规则", max_length=64, default="cz2020")
    status = models.CharField(
        "状态", max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "预算项目"
        verbose_name_plural = "预算项目"
        ordering = ("-year", "name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("org", "year", "name"),
                name="performance_project_unique",
                violation_error_message="本单位该年度已有同名项目。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年度 {self.name}"

    @property
    def is_draft(self) -> bool:
        return self.status == ProjectStatus.DRAFT

    def narrative(self) -> dict[str, str]:
        return {key: getattr(self, field) for field, key in NARRATIVE_FIELDS}


class Indicator(models.Model):
    project = models.ForeignKey(
        BudgetProject, verbose_name="项目", on_delete=models.CASCADE, related_name="indicators"
    )
    position = models.PositiveIntegerField("序号", default=0)
    level1 = models.CharField("一级指标", max_length=20, choices=Level1.choices, default=Level1.OUTPUT)
    level2 = models.CharField("二级指标", max_length=50, blank=True)
    name = models.CharField("三级指标", max_length=200, blank=True)
    target_text = models.CharField("年度指标值", max_length=200, blank=True)
    target_op = models.CharField(
        "运算符", max_length=12, choices=TargetOp.choices, default=TargetOp.QUALITATIVE
    )
    target_value = models.DecimalField("指标数值", max_digits=18, decimal_places=4, null=True, blank=True)
    target_unit = models.CharField("计量单位", max_length=40, blank=True)
    actual = models.CharField("实际完成值", max_length=200, blank=True)
    weight = models.DecimalField("分值", max_digits=6, decimal_places=2, default=0)
    declared_score = models.DecimalField(
        "得分（填报）", max_digits=6, decimal_places=2, null=True, blank=True
    )
    deviation_reason = models.TextField("偏差原因分析及改进措施", blank=True)
    applicable = models.BooleanField("适用", default=True)
    live_metric = models.CharField(
        "实时数据",
        max_length=64,
        blank=True,
        help_text="绑定系统中的实时数据后，实际完成值自动取数，提交时冻结。",
    )
    frozen_value = models.CharField("冻结值", max_length=200, blank=True)
    frozen_at = models.DateTimeField("冻结时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "绩效指标"
        verbose_name_plural = "绩效指标"
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return self.name or f"指标 {self.pk}"
