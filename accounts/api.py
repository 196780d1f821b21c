"""/api/v1/users/ and /api/v1/auth/token/.

Users: the same rules as the UI (accounts.access.access_user): the 系统管理员 and
安全管理员 see every account, 依法治办 those in its data scope, everyone reads
itself at /users/me/; the 系统管理员 creates and edits ordinary accounts, the
安全管理员 edits the profile of the other admin accounts; nobody gives an admin
role here. Passwords and TOTP secrets are never returned.

三员授权 (/admin-role-requests/): the 系统管理员 proposes giving or taking away an
admin role; a 安全管理员 who is neither the proposer nor the account approves or
rejects; the proposer may withdraw while it is pending.

Token: each user creates (or rotates) and revokes its own API token while logged
in; the full key is shown once, at creation, and only its SHA-256 is stored. It
expires after the policy's lifetime and is revoked when the password is changed or
reset or the account is locked or deactivated.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access, roles, selectors, services
from accounts.http import request_user
from accounts.models import ApiToken, SecurityPolicy, User
from accounts.serializers import (
    AdminRoleDecisionSerializer,
    AdminRoleProposalSerializer,
    AdminRoleRequestSerializer,
    TokenCreatedSerializer,
    TokenStatusSerializer,
    UserSerializer,
)
from orgs.selectors import orgs_in_scope


def users_visible_to(actor: User) -> QuerySet[User]:
    """The list counterpart of access.access_user."""
    qs = User.objects.select_related("org", "role")
    if access.can_see_users(actor):
        return qs
    if actor.has_role(roles.OFFICE):
        return qs.filter(org__in=orgs_in_scope(actor))
    return qs.none()


@extend_schema_view(
    list=extend_schema(
        summary="用户列表（系统管理员、安全管理员、依法治办按数据范围）",
        parameters=[
            OpenApiParameter("q", str, description="用户名或姓名包含的文字"),
            OpenApiParameter("role", str, description="角色代码"),
            OpenApiParameter("org", int, description="所属单位 id"),
        ],
    ),
    retrieve=extend_schema(summary="用户详情"),
    create=extend_schema(summary="新建用户（系统管理员；不能是三员角色）"),
    update=extend_schema(summary="修改用户（系统管理员改普通账号；安全管理员改其他三员账号的资料）"),
    partial_update=extend_schema(summary="部分修改用户（同上）"),
)
class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = UserSerializer
    queryset = User.objects.none()

    def get_queryset(self) -> QuerySet[User]:
        qs = users_visible_to(request_user(self.request))
        params = self.request.query_params
        if q := params.get("q", "").strip():
            from django.db.models import Q

            qs = qs.filter(Q(username__icontains=q) | Q(name__icontains=q))
        if role := params.get("role", ""):
            qs = qs.filter(role_id=role)
        if (org := params.get("org", "")).isdigit():
            qs = qs.filter(org_id=int(org))
        return qs.order_by("username", "pk")

    def get_object(self) -> User:
        write = self.request.method not in ("GET", "HEAD", "OPTIONS")
        pk = self.kwargs["pk"]
        if not str(pk).isdigit():
            from django.http import Http404

            raise Http404("用户不存在")
        return access.access_user(request_user(self.request), int(pk), write=write)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        access.require(access.can_manage_users(request_user(request)))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            user = services.user_create(
                actor=request_user(request),
                username=data["username"],
                name=data["name"],
                org=data["org"],
                role=data["role"],
                password=data.get("password") or None,
                phone=data.get("phone", ""),
                email=data.get("email", ""),
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": exc.messages}) from None
        return Response(self.get_serializer(user).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = self.get_object()
        serializer = self.get_serializer(user, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        fields = {k: v for k, v in serializer.validated_data.items() if k != "password"}
        if "password" in serializer.validated_data:
            raise serializers.ValidationError(
                {"password": ["不能通过此接口修改密码，请用户在“修改密码”页面自行修改。"]}
            )
        user = services.user_update(actor=request_user(request), user=user, **fields)
        return Response(self.get_serializer(user).data)

    @extend_schema(summary="当前登录用户")
    @action(detail=False, methods=["get"])
    def me(self, request: Request) -> Response:
        user = User.objects.select_related("org", "role").get(pk=request_user(request).pk)
        return Response(self.get_serializer(user).data)


class TokenView(APIView):
    """The caller's own API token: see whether one exists, create/rotate it, revoke it."""

    throttle_scope = "token"  # creating a token is rate-limited more strictly (api/throttling.py)

    @extend_schema(summary="查看本人 API 令牌状态", responses=TokenStatusSerializer)
    def get(self, request: Request) -> Response:
        token = ApiToken.objects.filter(user=request_user(request)).first()
        return Response(
            {
                "exists": token is not None,
                "created": token.created_at if token else None,
                "expires": token.expires_at(SecurityPolicy.current()) if token else None,
                "prefix": token.prefix if token else None,
            }
        )

    @extend_schema(
        summary="创建（或更换）本人 API 令牌；完整令牌只返回这一次，服务器只保存其哈希",
        request=None,
        responses={201: TokenCreatedSerializer},
    )
    def post(self, request: Request) -> Response:
        token, key = services.token_rotate(actor=request_user(request))
        return Response(
            {
                "token": key,
                "created": token.created_at,
                "expires": token.expires_at(SecurityPolicy.current()),
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(summary="吊销本人 API 令牌", request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        services.token_revoke(actor=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _pk(value: Any) -> int:
    if not str(value).isdigit():
        from django.http import Http404

        raise Http404("申请不存在")
    return int(value)


@extend_schema_view(
    list=extend_schema(summary="三员授权申请列表（系统管理员、安全管理员）"),
    retrieve=extend_schema(summary="三员授权申请详情"),
    create=extend_schema(
        summary="提出三员授权申请（系统管理员）",
        request=AdminRoleProposalSerializer,
        responses={201: AdminRoleRequestSerializer},
    ),
)
class AdminRoleRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = AdminRoleRequestSerializer
    queryset = selectors.admin_role_requests().none()

    def get_queryset(self) -> QuerySet[Any]:
        access.require(access.can_see_admin_role_requests(request_user(self.request)))
        return selectors.admin_role_requests()

    def get_object(self) -> Any:
        return access.access_admin_role_request(request_user(self.request), _pk(self.kwargs["pk"]))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = request_user(request)
        access.require(access.can_propose_admin_role(actor))
        proposal = AdminRoleProposalSerializer(data=request.data)
        proposal.is_valid(raise_exception=True)
        data = proposal.validated_data
        role_request = services.admin_role_request_propose(
            actor=actor,
            action=data["action"],
            role=data["role"],
            user=selectors.user_by_username(data["username"]),
            reason=data["reason"],
            new_username=data["username"],
            new_name=data.get("name", ""),
            new_org=data.get("org"),
            new_phone=data.get("phone", ""),
            new_email=data.get("email", ""),
        )
        return Response(self.get_serializer(role_request).data, status=status.HTTP_201_CREATED)

    def _decide(self, request: Request, approve: bool) -> Response:
        actor = request_user(request)
        role_request = self.get_object()
        if refusal := access.decision_refusal(actor, role_request):
            raise PermissionDenied(refusal)
        decision = AdminRoleDecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        note = decision.validated_data.get("note", "")
        if approve:
            services.admin_role_request_approve(actor=actor, role_request=role_request, note=note)
        else:
            services.admin_role_request_reject(actor=actor, role_request=role_request, note=note)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="批准（安全管理员；不能是申请人或当事人）",
        request=AdminRoleDecisionSerializer,
        responses=AdminRoleRequestSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, approve=True)

    @extend_schema(
        summary="驳回（安全管理员；须填写审批意见）",
        request=AdminRoleDecisionSerializer,
        responses=AdminRoleRequestSerializer,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, approve=False)

    @extend_schema(summary="撤回（申请人）", request=None, responses=AdminRoleRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        role_request = services.admin_role_request_withdraw(
            actor=request_user(request), role_request=self.get_object()
        )
        return Response(self.get_serializer(role_request).data)


def register(router: Any) -> None:
    router.register("users", UserViewSet, basename="user")
    router.register("admin-role-requests", AdminRoleRequestViewSet, basename="admin-role-request")


urlpatterns = [path("auth/token/", TokenView.as_view(), name="api-token")]
