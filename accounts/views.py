from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import access, security, services
from accounts.forms import (
    AdminAccountForm,
    AdminPasswordForm,
    LoginForm,
    PasswordChangeForm,
    SecurityPolicyForm,
    TotpEnrolForm,
    TotpForm,
    UnlockForm,
    UserForm,
)
from accounts.http import AuthedRequest, safe_next_url
from accounts.models import ApiToken, SecurityPolicy, User
from workbench.tables import sorted_page

PENDING = "fazhi_pending_user"
PENDING_NEXT = "fazhi_pending_next"


def _logged_in(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    login(request, user, backend="accounts.backends.UserBackend")
    services.login_recorded(user=user)
    gate = security.login_gate(user)
    if gate is not None:
        messages.warning(request, gate.message)
        return redirect(gate.url_name)
    return redirect(next_url)


@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("workbench:home")
    if request.method == "POST" and (wait := security.address_wait_seconds(request)):
        return security.address_throttled_response(request, wait)
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid() and form.user is not None:
            user = form.user
            next_url = safe_next_url(request, request.GET.get("next"))
            if user.totp_enabled:
                request.session[PENDING] = user.pk
                request.session[PENDING_NEXT] = next_url
                return redirect("accounts:login_totp")
            return _logged_in(request, user, next_url)
        services.login_failed_recorded(username=request.POST.get("username", ""))
    return render(request, "accounts/login.html", {"form": form, "title": "登录"})


@sensitive_post_parameters("code")
def login_totp(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING)
    user = User.objects.filter(pk=pending, is_active=True).first() if pending else None
    if user is None:
        return redirect("accounts:login")
    if request.method == "POST" and (wait := security.address_wait_seconds(request)):
        return security.address_throttled_response(request, wait)
    if security.account_locked(request, username=user.username):
        request.session.pop(PENDING, None)
        return security.lockout_response(request)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_verify(user=user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            security.login_failure_counted(request, username=user.username)
            services.login_failed_recorded(username=user.username)
            form.add_error("code", exc)
        else:
            next_url = safe_next_url(request, request.session.pop(PENDING_NEXT, "/"))
            request.session.pop(PENDING, None)
            return _logged_in(request, user, next_url)
    return render(request, "accounts/login_totp.html", {"form": form, "title": "双因素认证"})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Always lands on the log-in page; a `next` is never followed here."""
    if request.user.is_authenticated:
        services.logout_recorded(user=request.user)
    logout(request)
    messages.info(request, "已退出登录。")
    return redirect("accounts:login")


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "accounts/profile.html", {"title": "个人设置", "breadcrumbs": [("个人设置", None)]}
    )


@login_required
@sensitive_post_parameters()
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set(
                actor=request.user,
                user=request.user,
                password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改。")
            gate = security.login_gate(request.user)  # e.g. an admin's TOTP enrolment comes next
            return redirect(gate.url_name if gate else "accounts:profile")
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "title": "修改密码",
            "breadcrumbs": [("个人设置", "/accounts/profile/"), ("修改密码", None)],
        },
    )


@login_required
@sensitive_post_parameters("password", "code")
def totp_setup(request: AuthedRequest) -> HttpResponse:
    """Any user turns on TOTP for itself: scan the QR code, re-enter the password, confirm
    with a first code."""
    user = request.user
    secret = request.session.get("fazhi_totp_secret") or services.totp_new_secret()
    request.session["fazhi_totp_secret"] = secret
    form = TotpEnrolForm(request, user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.totp_enable(actor=user, secret=secret, code=form.cleaned_data["code"])
            except ValidationError as exc:
                form.add_error("code", exc)
            else:
                request.session.pop("fazhi_totp_secret", None)
                messages.success(request, "双因素认证已启用，下次登录需输入动态验证码。")
                return redirect("accounts:profile")
        elif form.has_error("password", "invalid_login"):
            services.login_failed_recorded(username=user.username)
    uri = services.pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="fazhi")
    qr_svg = segno.make(uri, error="m").svg_data_uri(scale=4)
    return render(
        request,
        "accounts/totp_setup.html",
        {
            "form": form,
            "secret": secret,
            "qr_svg": qr_svg,
            "title": "双因素认证",
            "breadcrumbs": [("个人设置", "/accounts/profile/"), ("双因素认证", None)],
        },
    )


@login_required
def user_list(request: AuthedRequest) -> HttpResponse:
    actor = request.user
    access.require(access.can_see_users(actor))
    qs = User.objects.select_related("org", "role")
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(
            Q(username__icontains=query) | Q(name__icontains=query) | Q(org__name__icontains=query)
        )
    role = request.GET.get("role", "")
    if role:
        qs = qs.filter(role_id=role)
    page, sort = sorted_page(
        request, qs, allowed=("username", "name", "org__code", "role_id", "last_login"), default="username"
    )
    from accounts.models import Role

    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            "sort": sort,
            "query": query,
            "role": role,
            "roles": Role.objects.all(),
            "can_edit": access.can_manage_users(actor),
            "editable": {u.pk for u in page if access.can_edit_user(actor, u)},
            "title": "用户管理",
            "breadcrumbs": [("用户管理", None)],
        },
    )


@login_required
@sensitive_post_parameters("password")
def user_create(request: AuthedRequest) -> HttpResponse:
    actor = request.user
    access.require(access.can_manage_users(actor))
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.user_create(
            actor=actor,
            username=data["username"],
            name=data["name"],
            org=data["org"],
            role=data["role"],
            password=data["password"] or None,
            phone=data["phone"],
            email=data["email"],
        )
        messages.success(request, f"已创建用户 {user.username}。")
        return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "title": "新建用户",
            "breadcrumbs": [("用户管理", "/accounts/users/"), ("新建用户", None)],
        },
    )


@login_required
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    actor = request.user
    user = access.access_user(actor, pk, write=True)
    form_class = AdminAccountForm if user.is_admin_role else UserForm
    form = form_class(request.POST or None, instance=User.objects.get(pk=user.pk))
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.user_update(actor=actor, user=user, **fields)
        messages.success(request, f"已保存用户 {user.username}。")
        return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "object": user,
            "is_admin_account": user.is_admin_role,
            "title": f"编辑用户 {user.username}",
            "breadcrumbs": [("用户管理", "/accounts/users/"), (user.username, None)],
        },
    )


@login_required
def security_policy(request: AuthedRequest) -> HttpResponse:
    actor = request.user
    access.require(access.can_edit_security_policy(actor))
    policy = SecurityPolicy.objects.get_or_create(pk=1)[0]
    form = SecurityPolicyForm(request.POST or None, instance=policy)
    unlock = UnlockForm(prefix="unlock")
    if request.method == "POST" and form.is_valid():
        services.security_policy_update(actor=actor, **{k: form.cleaned_data[k] for k in form.Meta.fields})
        messages.success(request, "安全策略已保存。")
        return redirect("accounts:security_policy")
    from axes.models import AccessAttempt

    locked = AccessAttempt.objects.filter(failures_since_start__gte=policy.failure_limit).order_by(
        "-attempt_time"
    )[:50]
    return render(
        request,
        "accounts/security_policy.html",
        {
            "form": form,
            "unlock": unlock,
            "locked": locked,
            "title": "安全策略",
            "breadcrumbs": [("安全策略", None)],
        },
    )


@login_required
@require_POST
def lockout_unlock(request: AuthedRequest) -> HttpResponse:
    actor = request.user
    access.require(access.can_edit_security_policy(actor))
    form = UnlockForm(request.POST, prefix="unlock")
    if form.is_valid():
        services.lockout_reset(actor=actor, username=form.cleaned_data["username"])
        messages.success(request, f"已解除 {form.cleaned_data['username']} 的登录锁定。")
    else:
        messages.error(request, "请填写要解锁的用户名。")
    return redirect("accounts:security_policy")


@login_required
@sensitive_post_parameters()
def user_password(request: AuthedRequest, pk: int) -> HttpResponse:
    actor = request.user
    user = access.access_user(actor, pk, write=True)
    form = AdminPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set(actor=actor, user=user, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            messages.success(
                request, f"已为 {user.username} 设置新密码，请通过安全渠道告知本人并提醒其登录后修改。"
            )
            return redirect("accounts:user_edit", pk=user.pk)
    breadcrumbs = [
        ("用户管理", "/accounts/users/"),
        (user.username, f"/accounts/users/{user.pk}/"),
        ("设置密码", None),
    ]
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "title": f"设置 {user.username} 的密码", "breadcrumbs": breadcrumbs},
    )


@login_required
def api_token(request: AuthedRequest) -> HttpResponse:
    """The user's own API token: create (the key shown once, only its hash kept), rotate, revoke."""
    new_key = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if services.token_revoke(actor=request.user):
                messages.success(request, "API 令牌已吊销，使用它的脚本将无法再访问。")
            return redirect("accounts:api_token")
        new_key = services.token_rotate(actor=request.user)[1]
    token = ApiToken.objects.filter(user=request.user).first()
    policy = SecurityPolicy.current()
    breadcrumbs = [("个人设置", "/accounts/profile/"), ("API 令牌", None)]
    return render(
        request,
        "accounts/api_token.html",
        {
            "token": token,
            "expires_at": token.expires_at(policy) if token else None,
            "expired": token is not None and token.expires_at(policy) <= timezone.now(),
            "new_key": new_key,
            "title": "API 令牌",
            "breadcrumbs": breadcrumbs,
        },
    )
