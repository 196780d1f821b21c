"""问题线索 tracker: one list of problems from every source (督察 findings,
专项整治 clues, lost points of a 考评, public reports, 12345 transfers), each
with its whole history; 专项整治 campaigns as containers of clues and measures.

The state machine lives in `problems/workflow.py`; only `problems/services.py`
changes a problem, and every change leaves a `ProblemEvent`."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from problems import workflow


class Source(models.TextChoices):
    INSPECTION = "inspection", "督察"
    CAMPAIGN = "campaign", "专项整治"
    ASSESSMENT = "assessment", "考评失分"
    PUBLIC_REPORT = "public_report", "群众举报"
    HOTLINE = "hotline", "12345转办"
    OTHER = "other", "其他"


class Severity(models.TextChoices):
    NORMAL = "normal", "一般"
    SERIOUS = "serious", "较重"
    GRAVE = "grave", "严重"


STATE_CHOICES = list(workflow.STATE_LABELS.items())


class RectifyMode(models.TextChoices):
    IMMEDIATE = "immediate", "立行立改"
    PLANNED = "planned", "限期整改"


class SpecialCampaign(models.Model):
    """专项整治: a campaign with its own problem categories, its clues (problems
    with `campaign` set) and its 便民利企 measures."""

    name = models.CharField("名称", max_length=200, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    lead_org = models.ForeignKey(
        "orgs.Org",
        verbose_name="牵头单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField("工作目标与要求", blank=True)
    # 问题类别, in order, e.g. ["逐利执法", "执法不规范", "执法方式简单僵化"]
    categories = models.JSONField("问题类别", default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["-year", "-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="problems_campaign_period"
            )
        ]
        verbose_name = "专项整治"
        verbose_name_plural = "专项整治"

    def __str__(self) -> str:
        return self.name


class CampaignMeasure(models.Model):
    """A 便民利企 measure the campaign launched (措施 and what it brought)."""

    campaign = models.ForeignKey(
        SpecialCampaign, verbose_name="专项整治", on_delete=models.CASCADE, related_name="measures"
    )
    title = models.CharField("措施名称", max_length=200)
    description = models.TextField("措施内容", blank=True)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="实施单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    launched_on = models.DateField("推出日期", null=True, blank=True)
    benefit = models.CharField("惠及情况", max_length=300, blank=True)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        ordering = ["campaign", "order", "pk"]
        verbose_name = "便民利企措施"
        verbose_name_plural = "便民利企措施"

    def __str__(self) -> str:
        return self.title


class Problem(models.Model):
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    category = models.CharField("问题类别", max_length=50, blank=True)
    title = models.CharField("问题标题", max_length=200)
    description = models.TextField("问题描述", blank=True)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="责任单位", on_delete=models.PROTECT, related_name="problems"
    )
    severity = models.CharField("严重程度", max_length=8, choices=Severity.choices, default=Severity.NORMAL)
    supervised = models.BooleanField("挂牌督办", default=False)
    state = models.CharField("状态", max_length=16, choices=STATE_CHOICES, default=workflow.REGISTERED)
    deadline = models.DateField("办理期限", null=True, blank=True)
    campaign = models.ForeignKey(
        SpecialCampaign,
        verbose_name="专项整治",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    duplicate_of = models.ForeignKey(
        "self", verbose_name="重复于", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where it came from: a 督察 finding, an assessments Score or Indicator … (any model).
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.CharField(max_length=64, blank=True)
    source_object = GenericForeignKey("source_type", "source_id")
    source_label = models.CharField("来源说明", max_length=300, blank=True)
    # Further references, e.g. {"publication": 3, "year": 2022, "target": "440703",
    # "indicator": "A01", "score": 812, "points_lost": "2.00", "rectification": 5}
    source_ref = models.JSONField("来源信息", default=dict, blank=True)
    rectify_mode = models.CharField("整改方式", max_length=16, choices=RectifyMode.choices, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_org = models.ForeignKey(
        "orgs.Org",
        verbose_name="登记单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_at = models.DateTimeField("登记时间")
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-registered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=workflow.STATES), name="problems_problem_state_known"
            )
        ]
        indexes = [
            models.Index(fields=["-registered_at", "-id"], name="problems_registered_idx"),
            models.Index(fields=["org", "state"], name="problems_org_state_idx"),
            models.Index(fields=["state", "deadline"], name="problems_state_deadline_idx"),
            models.Index(fields=["source", "state"], name="problems_source_state_idx"),
            models.Index(fields=["campaign", "category"], name="problems_campaign_cat_idx"),
            models.Index(fields=["source_type", "source_id"], name="problems_source_obj_idx"),
        ]
        verbose_name = "问题线索"
        verbose_name_plural = "问题线索"

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """问题编号: WT + year of registration + the id."""
        year = self.registered_at.year if self.registered_at else 0
        return f"WT{year}-{self.pk or 0:05d}"

    @property
    def state_label(self) -> str:
        return workflow.state_label(self.state)

    @property
    def is_open(self) -> bool:
        return self.state in workflow.OPEN

    def is_overdue(self, today: object) -> bool:
        return workflow.is_overdue(self.state, self.deadline, today)


class ProblemEvent(models.Model):
    """One step in a problem's history: a transition, 挂牌督办, an extension asked
    or decided, a registration. Never changed once written."""

    REGISTERED = "registered"
    SUPERVISED = "supervised"
    UNSUPERVISED = "unsupervised"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_GRANTED = "extension_granted"
    EXTENSION_REFUSED = "extension_refused"
    MIGRATED = "migrated"
    LABELS = {
        REGISTERED: "登记",
        SUPERVISED: "挂牌督办",
        UNSUPERVISED: "取消挂牌督办",
        EXTENSION_REQUESTED: "申请延期",
        EXTENSION_GRANTED: "同意延期",
        EXTENSION_REFUSED: "不同意延期",
        MIGRATED: "由整改清单转入",
        **{a: t.label for a, t in workflow.TRANSITIONS.items()},
    }

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=24)
    from_state = models.CharField("原状态", max_length=16, blank=True)
    to_state = models.CharField("新状态", max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("办理人", max_length=100, blank=True)
    actor_org = models.ForeignKey(
        "orgs.Org",
        verbose_name="办理单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField("说明", blank=True)
    deadline = models.DateField("期限", null=True, blank=True)
    attachments = models.ManyToManyField(
        "attachments.Attachment", verbose_name="附件", blank=True, related_name="problem_events"
    )
    created_at = models.DateTimeField("时间")

    class Meta:
        ordering = ["problem", "created_at", "pk"]
        indexes = [models.Index(fields=["action", "created_at"], name="problems_event_action_idx")]
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"

    def __str__(self) -> str:
        return f"{self.problem_id} {self.action}"

    @property
    def label(self) -> str:
        return self.LABELS.get(self.action, self.action)


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    GRANTED = "granted", "已同意"
    REFUSED = "refused", "不同意"


class ExtensionRequest(models.Model):
    """延期申请: the unit asks for a later deadline, with a reason; the office
    grants it (possibly to another date) or refuses it. Kept on record."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="extensions")
    current_deadline = models.DateField("原期限", null=True, blank=True)
    requested_deadline = models.DateField("申请延至")
    reason = models.TextField("延期理由")
    status = models.CharField(
        "状态", max_length=8, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间")
    granted_deadline = models.DateField("批准延至", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)

    class Meta:
        ordering = ["problem", "requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem"],
                condition=models.Q(status="pending"),
                name="problems_one_pending_extension",
            )
        ]
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"

    def __str__(self) -> str:
        return f"{self.problem_id} → {self.requested_deadline}"
