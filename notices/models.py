"""The office's daily tools: 通知公告 with 签收, 回执 and 催办; the register of
发文字号; the directory of 联络员; reminders by e-mail and SMS, each on record.

- A notice is sent to units (orgs); each unit's row (`NoticeRecipient`) keeps
  when it signed for it, its 回执 (answers to the notice's form fields and/or a
  file) and how often the office chased it (催办).
- A document number (机关代字〔年〕N号) comes from its series row, locked while
  the number is taken, so numbers are consecutive with no gap or duplicate; a
  voided number stays in the register (a void is not a gap).
- A reminder row is unique per (source, kind, offset, channel, address): the
  same reminder is never sent twice; an unsent one keeps its error and is
  retried on the next run.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Module(models.TextChoices):
    """Which part of the office's work a 联络员 answers for."""

    GENERAL = "general", "综合（全部事项）"
    NOTICES = "notices", "通知公告"
    ASSESSMENTS = "assessments", "法治建设考评"
    PROVINCIAL = "provincial", "迎检"
    PERFORMANCE = "performance", "绩效自评"


class NoticeStatus(models.TextChoices):
    SENT = "sent", "已发出"
    WITHDRAWN = "withdrawn", "已撤回"


class Notice(models.Model):
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    doc_number = models.CharField("发文字号", max_length=64, blank=True)
    status = models.CharField("状态", max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.SENT)
    requires_receipt = models.BooleanField("需要报送回执", default=False)
    receipt_deadline = models.DateField("回执截止日期", null=True, blank=True)
    receipt_fields = models.JSONField(
        "回执填报项", default=list, blank=True, help_text="回执表单的栏目名称，例如 联系人、职务、联系电话"
    )
    late_receipts = models.BooleanField("截止后仍可报送回执", default=False)
    attachments = models.ManyToManyField(
        "attachments.Attachment", verbose_name="附件", blank=True, related_name="notices"
    )
    # The module object a mailing belongs to, e.g. "assessments.campaign:12" (the 考评 deployment).
    source = models.CharField("来源", max_length=100, blank=True, db_index=True)
    source_label = models.CharField("来源说明", max_length=200, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_by_org = models.ForeignKey(
        "orgs.Org", verbose_name="发文单位", null=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField("发出时间", db_index=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = "通知"
        verbose_name_plural = "通知"
        constraints = [
            models.CheckConstraint(
                condition=Q(requires_receipt=False) | Q(receipt_deadline__isnull=False),
                name="notices_receipt_has_deadline",
            )
        ]

    def __str__(self) -> str:
        return self.title


class NoticeRecipient(models.Model):
    """One receiving unit of a notice: 签收, 回执 and 催办."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    org = models.ForeignKey("orgs.Org", verbose_name="接收单位", on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签收人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    receipt_answers = models.JSONField("回执内容", default=dict, blank=True)
    receipt_note = models.TextField("回执说明", blank=True)
    receipt_file = models.ForeignKey(
        "attachments.Attachment",
        verbose_name="回执文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    receipt_at = models.DateTimeField("回执报送时间", null=True, blank=True)
    receipt_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="回执报送人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    urge_count = models.PositiveSmallIntegerField("催办次数", default=0)
    last_urged_at = models.DateTimeField("最近催办时间", null=True, blank=True)

    class Meta:
        ordering = ["notice", "org__path", "pk"]
        verbose_name = "通知接收单位"
        verbose_name_plural = "通知接收单位"
        constraints = [models.UniqueConstraint(fields=["notice", "org"], name="notices_recipient_once")]
        indexes = [models.Index(fields=["org", "signed_at"], name="notices_recipient_org_signed")]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.org_id}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def has_receipt(self) -> bool:
        return self.receipt_at is not None


class DocumentNumberSeries(models.Model):
    """机关代字 × 年: the next number to give. Its row is locked while a number is taken."""

    prefix = models.CharField("机关代字", max_length=32)
    year = models.PositiveSmallIntegerField("年份")
    next_number = models.PositiveIntegerField("下一个编号", default=1)

    class Meta:
        ordering = ["-year", "prefix"]
        verbose_name = "发文字号序列"
        verbose_name_plural = "发文字号序列"
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="notices_series_once")]

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕"


class NumberStatus(models.TextChoices):
    RESERVED = "reserved", "已预留"
    USED = "used", "已使用"
    VOIDED = "voided", "已作废"


class DocumentNumber(models.Model):
    series = models.ForeignKey(DocumentNumberSeries, on_delete=models.PROTECT, related_name="numbers")
    number = models.PositiveIntegerField("编号")
    text = models.CharField("发文字号", max_length=64, unique=True)
    status = models.CharField("状态", max_length=16, choices=NumberStatus.choices)
    purpose = models.CharField("用途", max_length=200)
    # The document it numbers, e.g. ("assessments.publication", "3"); empty while only reserved.
    target_type = models.CharField("文件类型", max_length=100, blank=True)
    target_id = models.CharField("文件编号", max_length=64, blank=True)
    target_repr = models.CharField("文件", max_length=255, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="取号人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    taken_at = models.DateTimeField("取号时间")
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作废人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    void_reason = models.CharField("作废原因", max_length=300, blank=True)

    class Meta:
        ordering = ["series", "number"]
        verbose_name = "发文字号"
        verbose_name_plural = "发文字号"
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="notices_number_once"),
            # One number per document and purpose: asking again returns the same number.
            models.UniqueConstraint(
                fields=["target_type", "target_id", "purpose"],
                condition=Q(status="used"),
                name="notices_number_per_document",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Contact(models.Model):
    """A unit's 联络员 for one module, kept by the unit itself."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name="单位", on_delete=models.PROTECT, related_name="contacts"
    )
    module = models.CharField("负责事项", max_length=16, choices=Module.choices, default=Module.GENERAL)
    name = models.CharField("姓名", max_length=50)
    position = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="系统账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
        help_text="联络员本人的账号（可选）：按其个人设置选择提醒方式",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["org__path", "module", "name", "pk"]
        verbose_name = "联络员"
        verbose_name_plural = "联络员"
        constraints = [
            models.UniqueConstraint(fields=["org", "module", "name"], name="notices_contact_once"),
            models.CheckConstraint(condition=~Q(phone="") | ~Q(email=""), name="notices_contact_reachable"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_module_display()}）"


class ReminderPreference(models.Model):
    """How a person wants reminders: each channel on or off (both on when never set)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    email = models.BooleanField("电子邮件", default=True)
    sms = models.BooleanField("短信", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "提醒方式"
        verbose_name_plural = "提醒方式"

    def __str__(self) -> str:
        return f"{self.user_id}: email={self.email} sms={self.sms}"


class Channel(models.TextChoices):
    EMAIL = "email", "电子邮件"
    SMS = "sms", "短信"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "多次失败，已停止重试"
    CANCELLED = "cancelled", "已无需发送"


class Reminder(models.Model):
    source = models.CharField("来源", max_length=120)
    kind = models.CharField("类别", max_length=64)
    # Days before the deadline (0: the day it is due; -1: the day after it passed);
    # for a 催办, its sequence number.
    offset = models.SmallIntegerField("提前天数")
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    address = models.CharField("地址", max_length=254)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, verbose_name="联络员", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient_name = models.CharField("收件人", max_length=100, blank=True)
    subject = models.CharField("主题", max_length=200)
    text = models.TextField("内容")
    url = models.CharField("链接", max_length=300, blank=True)
    due_on = models.DateField("截止日期", null=True, blank=True)
    send_on = models.DateField("发送日期")
    status = models.CharField(
        "状态", max_length=16, choices=ReminderStatus.choices, default=ReminderStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近错误", blank=True)
    # Set while one run sends it, so two runs never send the same reminder.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # After a failure the scheduled runs wait (longer after each attempt); a run by hand retries at once.
    retry_after = models.DateTimeField("下次重试", null=True, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "offset", "channel", "address"], name="notices_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address}: {self.subject}"
