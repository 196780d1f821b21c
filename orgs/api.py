"""/api/v1/orgs/: the org tree. Anyone who may see orgs reads those in its data
scope; only the 系统管理员 creates and edits (through the same services as the UI)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import require
from accounts.http import request_user
from orgs import access, selectors, services
from orgs.models import Org, OrgType
from orgs.serializers import OrgSerializer


@extend_schema_view(
    list=extend_schema(
        summary="组织机构列表（按数据范围）",
        parameters=[
            OpenApiParameter("q", str, description="名称、简称或代码包含的文字"),
            OpenApiParameter("type", str, enum=list(OrgType.values), description="单位类型"),
        ],
    ),
    retrieve=extend_schema(summary="单位详情"),
    create=extend_schema(summary="新建单位（系统管理员）"),
    update=extend_schema(summary="修改单位（系统管理员）"),
    partial_update=extend_schema(summary="部分修改单位（系统管理员）"),
)
class OrgViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = OrgSerializer
    queryset = Org.objects.none()

    def get_queryset(self) -> Any:
        user = request_user(self.request)
        require(access.can_view_orgs(user))
        params = self.request.query_params
        return selectors.org_list(
            user=user,
            query=params.get("q", "").strip(),
            type=params.get("type", ""),
        ).order_by("path", "pk")

    def get_object(self) -> Org:
        write = self.request.method not in ("GET", "HEAD", "OPTIONS")
        return access.access_org(request_user(self.request), self.kwargs["pk"], write=write)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(access.can_edit_orgs(request_user(request)))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k != "active"}
        org = services.org_create(actor=request_user(request), **data)
        return Response(self.get_serializer(org).data, status=201)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        org = self.get_object()
        serializer = self.get_serializer(org, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        org = services.org_update(actor=request_user(request), org=org, **serializer.validated_data)
        return Response(self.get_serializer(org).data)


def register(router: Any) -> None:
    router.register("orgs", OrgViewSet, basename="org")
