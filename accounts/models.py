from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from accounts import roles


class DataScope(models.TextChoices):
    OWN = "own", "本单位"
    SUBTREE = "subtree", "本单位及下级"
    ALL = "all", "全部"


class Role(models.Model):
    code = models.CharField("代码", max_length=32, primary_key=True)
    name = models.CharField("名称", max_length=40)
    data_scope = models.CharField("数据范围", max_length=16, choices=DataScope.choices)
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    name = models.CharField("姓名", max_length=50, blank=True)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.ForeignKey(Role, verbose_name="角色", null=True, blank=True, on_delete=models.PROTECT)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    totp_secret = models.CharField(max_length=64, blank=True, editable=False)
    totp_enabled = models.BooleanField("已启用双因素认证", default=False)
    # The last TOTP time step accepted: a code of that step or an earlier one is a replay.
    totp_last_step = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)

    class Meta:
        ordering = ["username"]
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def display_name(self) -> str:
        return self.name or self.username

    @cached_property
    def data_scope(self) -> str:
        return self.role.data_scope if self.role_id and self.role else DataScope.OWN

    def has_role(self, *codes: str) -> bool:
        return self.is_authenticated and self.role_id in codes

    @property
    def is_admin_role(self) -> bool:
        return self.role_id in roles.ADMIN_ROLES


class PasswordHistory(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class SecurityPolicy(models.Model):
    """Singleton (pk=1) edited by the 安全管理员."""

    min_length = models.PositiveSmallIntegerField("密码最小长度", default=8)
    min_classes = models.PositiveSmallIntegerField(
        "至少包含的字符类别数", default=3, help_text="大写字母、小写字母、数字、符号四类中至少几类"
    )
    history_count = models.PositiveSmallIntegerField("不得重复使用最近几次密码", default=5)
    failure_limit = models.PositiveSmallIntegerField("连续失败几次后锁定", default=5)
    lockout_minutes = models.PositiveSmallIntegerField("锁定时长（分钟）", default=15)
    session_timeout_minutes = models.PositiveSmallIntegerField("会话空闲超时（分钟）", default=30)
    require_totp_for_admins = models.BooleanField("三员必须启用双因素认证", default=False)
    password_max_age_days = models.PositiveSmallIntegerField(
        "密码有效期（天）", default=90, help_text="到期后登录须先修改密码；0 表示永不过期"
    )
    token_lifetime_days = models.PositiveSmallIntegerField(
        "API 令牌有效期（天）", default=90, help_text="令牌自创建起超过该天数即失效，须重新创建"
    )
    address_failure_limit = models.PositiveSmallIntegerField(
        "同一来源地址登录失败上限（次）",
        default=10,
        help_text="统计时长内同一地址（不论用户名）失败达到该次数后，该地址暂停登录至时长届满",
    )
    address_window_minutes = models.PositiveSmallIntegerField("来源地址失败统计时长（分钟）", default=10)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "安全策略"
        verbose_name_plural = "安全策略"

    def __str__(self) -> str:
        return "安全策略"

    CACHE_KEY = "fazhi:security_policy"

    @classmethod
    def current(cls) -> SecurityPolicy:
        from django.core.cache import cache

        policy = cache.get(cls.CACHE_KEY)
        if policy is None:
            policy, _ = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, policy, 60)
        return policy

    @classmethod
    def forget_cached(cls) -> None:
        from django.core.cache import cache

        cache.delete(cls.CACHE_KEY)


class ApiToken(models.Model):
    """An API key, kept only as its SHA-256: the key itself is shown once, at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("令牌前缀", max_length=8)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    def expires_at(self, policy: SecurityPolicy) -> datetime:
        return self.created_at + timedelta(days=policy.token_lifetime_days)


class AdminRoleRequest(models.Model):
    """三员授权: a system admin proposes to give an account one of the three admin
    roles (or take it away); a security admin other than the account approves or
    rejects. Nothing changes on the account until the approval."""

    class Action(models.TextChoices):
        GRANT = "grant", "授予"
        REVOKE = "revoke", "撤销"

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"
        WITHDRAWN = "withdrawn", "已撤回"

    action = models.CharField("操作", max_length=16, choices=Action.choices)
    role = models.ForeignKey(Role, verbose_name="管理员角色", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        User,
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="admin_role_requests",
        help_text="为空表示批准时新建账号",
    )
    # The account to create on approval when `user` is empty.
    new_username = models.CharField("新账号用户名", max_length=150, blank=True)
    new_name = models.CharField("新账号姓名", max_length=50, blank=True)
    new_org = models.ForeignKey(
        "orgs.Org", verbose_name="新账号所属单位", null=True, blank=True, on_delete=models.PROTECT
    )
    new_phone = models.CharField("新账号联系电话", max_length=20, blank=True)
    new_email = models.EmailField("新账号电子邮箱", blank=True)
    reason = models.TextField("申请理由", max_length=1000)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey(
        User, verbose_name="申请人", on_delete=models.PROTECT, related_name="admin_role_proposals"
    )
    proposed_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="admin_role_decisions",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", max_length=1000, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = "三员授权申请"
        verbose_name_plural = "三员授权申请"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(new_username=""),
                name="admin_role_request_has_account",
            ),
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("proposed_by")),
                name="admin_role_request_two_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}{self.role.name}：{self.account_label}"

    @property
    def account_label(self) -> str:
        if self.user_id and self.user is not None:
            return self.user.username
        return f"{self.new_username}（新建）"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
