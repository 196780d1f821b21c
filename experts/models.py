"""依法治市咨询专家库: expert profiles, declared conflicts, verifiable panel draws
and the assignments they give the experts.

A draw is never changed once executed: its frozen candidate list, commitment,
seed and result stay as they were; cancelling keeps the record (and reveals the
seed); drawing again is a new Draw that points at the cancelled one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from experts import draw as algorithm


class ExpertField(models.Model):
    """专业领域: a fixed list, loaded by the initial migration."""

    code = models.CharField("代码", max_length=32, primary_key=True)
    name = models.CharField("名称", max_length=40, unique=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "专业领域"
        verbose_name_plural = "专业领域"

    def __str__(self) -> str:
        return self.name


class ExpertStatus(models.TextChoices):
    ACTIVE = algorithm.ACTIVE, "在库"
    SUSPENDED = algorithm.SUSPENDED, "暂停"
    RETIRED = algorithm.RETIRED, "退出"


class Expert(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_profile",
    )
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职称/职务", max_length=100, blank=True)
    employer_name = models.CharField("工作单位", max_length=100)
    employer_org = models.ForeignKey(
        "orgs.Org",
        verbose_name="工作单位（本系统组织机构）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="工作单位属于本系统组织机构时选择，抽取时据此自动回避",
    )
    fields = models.ManyToManyField(ExpertField, verbose_name="专业领域", related_name="experts")
    term_start = models.DateField("聘期开始")
    term_end = models.DateField("聘期结束")
    status = models.CharField(
        "状态", max_length=16, choices=ExpertStatus.choices, default=ExpertStatus.ACTIVE
    )
    status_note = models.CharField("状态说明", max_length=200, blank=True)
    status_changed_at = models.DateTimeField("状态变更时间", null=True, blank=True)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    address = models.CharField("通讯地址", max_length=200, blank=True)
    expertise = models.TextField("研究方向与专长", blank=True)
    remarks = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("入库时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__gte=models.F("term_start")), name="experts_expert_term_order"
            )
        ]
        indexes = [models.Index(fields=["status"])]
        verbose_name = "咨询专家"
        verbose_name_plural = "咨询专家"

    def __str__(self) -> str:
        return self.name


class ConflictKind(models.TextChoices):
    EMPLOYER = "employer", "任职或兼职单位"
    RELATIVE = "relative", "近亲属任职单位"
    OTHER = "other", "其他利害关系"


class Conflict(models.Model):
    """A declared conflict of interest: the expert must not judge matters of `org`."""

    expert = models.ForeignKey(
        Expert, verbose_name="专家", on_delete=models.CASCADE, related_name="conflicts"
    )
    kind = models.CharField("类型", max_length=16, choices=ConflictKind.choices)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="相关单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField("说明", max_length=200, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申报人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    declared_at = models.DateTimeField("申报时间", default=timezone.now)

    class Meta:
        ordering = ["expert", "pk"]
        verbose_name = "利益冲突申报"
        verbose_name_plural = "利益冲突申报"

    def __str__(self) -> str:
        return f"{self.expert}：{self.get_kind_display()} {self.org or self.description}"


class Purpose(models.TextChoices):
    SELECTION = "selection", "十大法治惠民实事项目评审"
    SHUFA = "shufa", "述法评议"
    PROVINCIAL = "provincial", "迎检咨询"
    ASSESSMENT = "assessment", "法治建设考评咨询"
    OTHER = "other", "其他"


class DrawStatus(models.TextChoices):
    COMMITTED = "committed", "已承诺"
    EXECUTED = "executed", "已抽取"
    CANCELLED = "cancelled", "已取消"


class Draw(models.Model):
    purpose = models.CharField("抽取事由", max_length=200)
    purpose_code = models.CharField("用途", max_length=16, choices=Purpose.choices, default=Purpose.OTHER)
    object_id = models.CharField("业务对象编号", max_length=64, blank=True)
    object_label = models.CharField("业务对象", max_length=200, blank=True)
    link = models.CharField("办理地址", max_length=200, blank=True, help_text="专家在哪个页面开展工作")
    size = models.PositiveSmallIntegerField("专家组人数")
    required_fields = models.JSONField("必需专业领域", default=list)
    backups = models.PositiveSmallIntegerField("候补人数", default=0)
    exclude_org_ids = models.JSONField("回避单位", default=list)
    exclude_expert_ids = models.JSONField("指定回避专家", default=list)
    recent_months = models.PositiveSmallIntegerField("近期已抽中回避（月）", default=0)
    require_account = models.BooleanField("只抽取已开通账号的专家", default=False)
    candidates = models.JSONField("冻结的候选名单", default=list)
    excluded = models.JSONField("回避及排除名单", default=list)
    algorithm = models.CharField("算法", max_length=32, default=algorithm.ALGORITHM)
    commitment = models.CharField("承诺值 SHA-256(种子)", max_length=64)
    list_digest = models.CharField("名单摘要 SHA-256", max_length=64)
    seed = models.CharField("种子", max_length=64)  # hex; secret until revealed_at
    revealed_at = models.DateTimeField("种子公布时间", null=True, blank=True)
    result = models.JSONField("抽取结果", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=DrawStatus.choices, default=DrawStatus.COMMITTED)
    replaces = models.ForeignKey(
        "self",
        verbose_name="重新抽取自",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    cancel_reason = models.TextField("取消原因", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("承诺时间", default=timezone.now)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="执行人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    executed_at = models.DateTimeField("抽取时间", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="取消人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gte=1), name="experts_draw_size_gte_1"),
            models.CheckConstraint(
                condition=~models.Q(status="executed")
                | (models.Q(result__isnull=False) & models.Q(revealed_at__isnull=False)),
                name="experts_draw_executed_has_result",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["purpose_code"])]
        verbose_name = "专家抽取"
        verbose_name_plural = "专家抽取"

    def __str__(self) -> str:
        return f"#{self.pk} {self.purpose}"

    @property
    def is_revealed(self) -> bool:
        return self.revealed_at is not None

    @property
    def recorded(self) -> dict:
        """The stored result, or {} (also when a tampered row holds something else)."""
        return self.result if isinstance(self.result, dict) else {}

    @property
    def panel_ids(self) -> list[int]:
        return list(self.recorded.get("panel") or [])

    @property
    def backup_ids(self) -> list[int]:
        return list(self.recorded.get("backups") or [])


class AssignmentRole(models.TextChoices):
    MEMBER = "member", "专家组成员"
    BACKUP = "backup", "候补"


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", "待履职"
    STANDBY = "standby", "候补待命"
    DECLINED = "declined", "已谢绝"
    COMPLETED = "completed", "已完成"
    CANCELLED = "cancelled", "已取消"


SEATED = (AssignmentStatus.ACTIVE, AssignmentStatus.COMPLETED)


class Rating(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "称职"
    FAIR = "fair", "基本称职"
    POOR = "poor", "不称职"


class Assignment(models.Model):
    """An expert's place in one executed draw: a seat on the panel or a backup slot."""

    draw = models.ForeignKey(Draw, verbose_name="抽取", on_delete=models.PROTECT, related_name="assignments")
    expert = models.ForeignKey(
        Expert, verbose_name="专家", on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField("抽取结果", max_length=16, choices=AssignmentRole.choices)
    position = models.PositiveSmallIntegerField("顺位")
    status = models.CharField("状态", max_length=16, choices=AssignmentStatus.choices)
    replaces = models.ForeignKey(
        "self",
        verbose_name="递补自",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    seated_at = models.DateTimeField("入组时间", null=True, blank=True)
    decline_reason = models.TextField("谢绝理由", blank=True)
    declined_at = models.DateTimeField("谢绝时间", null=True, blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rating = models.CharField("履职评价", max_length=16, choices=Rating.choices, blank=True)
    evaluation = models.TextField("评价意见", blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评价人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evaluated_at = models.DateTimeField("评价时间", null=True, blank=True)

    class Meta:
        ordering = ["draw", "pk"]  # the panel in seat order, then the backups in order
        constraints = [
            models.UniqueConstraint(fields=["draw", "expert"], name="experts_assignment_one_per_draw")
        ]
        indexes = [models.Index(fields=["expert", "status"])]
        verbose_name = "专家任务"
        verbose_name_plural = "专家任务"

    def __str__(self) -> str:
        return f"{self.expert} · {self.draw.purpose}"

    @property
    def is_open(self) -> bool:
        return self.status in (AssignmentStatus.ACTIVE, AssignmentStatus.STANDBY)
