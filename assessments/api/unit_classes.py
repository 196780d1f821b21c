"""/api/v1/assessments/unit-classes/: 分类考评 — the classes of a campaign's targets,
each with its own full marks (members graded on 折算百分制). The office lists
(?campaign=), creates, changes (PUT/PATCH) and deletes them through
`services.unit_classes`; a unit taking part in the campaign gets 403, anyone else 404."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import request_user
from assessments import access
from assessments.api.campaigns import campaign_filter
from assessments.models import Campaign, UnitClass
from assessments.services import unit_classes as services
from orgs.models import Org


class UnitClassSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField()

    class Meta:
        model = UnitClass
        fields = ["id", "campaign", "name", "full_marks", "order", "members"]

    def get_members(self, obj: UnitClass) -> list[dict[str, str]]:
        return [{"code": o.code, "name": o.display_name} for o in obj.members.all()]


class UnitClassWriteSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(help_text="考评编号（仅新建时填写）", required=False)
    name = serializers.CharField(max_length=50)
    full_marks = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=Decimal("0.01"))
    members = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Org.objects.all(), help_text="被考评单位代码", required=False
    )
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False, default=0)


def _denied() -> PermissionDenied:
    return PermissionDenied("只有依法治办可以设置考评类别。")


class UnitClassViewSet(viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    serializer_class = UnitClassSerializer

    def get_queryset(self) -> QuerySet[UnitClass]:
        return (
            UnitClass.objects.select_related("campaign")
            .prefetch_related("members")
            .order_by("campaign_id", "order", "pk")
        )

    def _campaign(self, pk: int) -> Campaign:
        return access.access_campaign(request_user(self.request), pk, write=True)

    def _unit_class(self) -> UnitClass:
        unit_class = self.get_queryset().filter(pk=int(self.kwargs["pk"])).first()
        if unit_class is None:
            raise Http404("考评类别不存在")
        self._campaign(unit_class.campaign_id)
        return unit_class

    @extend_schema(
        parameters=[OpenApiParameter("campaign", int, description="考评编号")],
        responses=UnitClassSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        campaign = campaign_filter(request)
        if campaign is not None:
            qs = self.get_queryset().filter(campaign=self._campaign(campaign))
        elif access.can_manage(request_user(request)):
            qs = self.get_queryset()
        else:
            raise _denied()
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(UnitClassSerializer(page, many=True).data)

    @extend_schema(responses=UnitClassSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(UnitClassSerializer(self._unit_class()).data)

    @extend_schema(request=UnitClassWriteSerializer, responses={201: UnitClassSerializer})
    def create(self, request: Request) -> Response:
        if not access.can_manage(request_user(request)):
            raise _denied()
        data = _valid(request.data)
        if data.get("campaign") is None:
            raise serializers.ValidationError({"campaign": ["请填写考评编号。"]})
        campaign = self._campaign(data.pop("campaign"))
        unit_class = services.unit_class_save(
            actor=request_user(request), campaign=campaign, members=data.pop("members", []), **data
        )
        return Response(UnitClassSerializer(unit_class).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UnitClassWriteSerializer, responses=UnitClassSerializer)
    def update(self, request: Request, pk: str) -> Response:
        return self._change(request, partial=False)

    @extend_schema(request=UnitClassWriteSerializer, responses=UnitClassSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        return self._change(request, partial=True)

    def _change(self, request: Request, *, partial: bool) -> Response:
        unit_class = self._unit_class()
        data = _valid(request.data, partial=partial)
        data.pop("campaign", None)  # a class stays in its campaign
        current: dict[str, Any] = {
            "name": unit_class.name,
            "full_marks": unit_class.full_marks,
            "order": unit_class.order,
            "members": list(unit_class.members.all()),
        }
        merged = {**current, **data}
        saved = services.unit_class_save(
            actor=request_user(request),
            campaign=unit_class.campaign,
            unit_class=unit_class,
            **merged,
        )
        return Response(UnitClassSerializer(self.get_queryset().get(pk=saved.pk)).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        services.unit_class_delete(actor=request_user(request), unit_class=self._unit_class())
        return Response(status=status.HTTP_204_NO_CONTENT)


def _valid(data: Any, *, partial: bool = False) -> dict[str, Any]:
    serializer = UnitClassWriteSerializer(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
