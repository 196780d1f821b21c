"""/api/v1/assessments/campaigns/: 年度考评 each user takes part in; the office
creates them and moves them through their phases."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import request_user
from assessments import access
from assessments.models import (
    Campaign,
    DeadlineExtension,
    Framework,
)
from assessments.services import campaigns as campaign_services
from assessments.services import extensions as extension_services
from orgs.models import Org


class CampaignSerializer(serializers.ModelSerializer):
    framework_name = serializers.CharField(source="framework.name", read_only=True)
    deadlines = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "year",
            "name",
            "framework",
            "framework_name",
            "phase",
            "social_weight",
            "bonus_cap",
            "remind_days",
            "deadlines",
        ]

    def get_deadlines(self, obj: Campaign) -> dict[str, str]:
        return {d.phase: d.due_on.isoformat() for d in obj.deadlines.all()}


class CampaignCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    name = serializers.CharField(max_length=200)
    framework = serializers.PrimaryKeyRelatedField(queryset=Framework.objects.all())
    targets = serializers.SlugRelatedField(slug_field="code", many=True, queryset=Org.objects.all())
    assessors = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Org.objects.all(), required=False
    )
    deadlines = serializers.DictField(child=serializers.DateField(), help_text="阶段 → 截止日期")
    social_weight = serializers.DecimalField(
        max_digits=4, decimal_places=3, required=False, default=Decimal(0)
    )
    bonus_cap = serializers.DecimalField(max_digits=7, decimal_places=2, required=False, default=Decimal(5))
    remind_days = serializers.IntegerField(min_value=0, max_value=60, required=False, default=3)


class AdvanceSerializer(serializers.Serializer):
    force = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ExtensionSerializer(serializers.ModelSerializer):
    org_code = serializers.CharField(source="org.code", read_only=True)
    org_name = serializers.CharField(source="org.display_name", read_only=True)
    granted_by = serializers.CharField(source="granted_by.display_name", read_only=True)

    class Meta:
        model = DeadlineExtension
        fields = [
            "id",
            "org",
            "org_code",
            "org_name",
            "phase",
            "due_on",
            "reason",
            "granted_by",
            "granted_at",
        ]
        read_only_fields = ["granted_at"]


class ExtensionGrantSerializer(serializers.Serializer):
    org = serializers.SlugRelatedField(slug_field="code", queryset=Org.objects.all(), help_text="单位代码")
    phase = serializers.ChoiceField(choices=["self_assess", "scoring"])
    due_on = serializers.DateField()
    reason = serializers.CharField(max_length=1000)


class CampaignViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """年度考评: each user sees the campaigns it takes part in."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    serializer_class = CampaignSerializer

    def get_queryset(self) -> QuerySet[Campaign]:
        return (
            access.campaigns_for(request_user(self.request))
            .select_related("framework")
            .prefetch_related("deadlines")
        )

    def get_object(self) -> Campaign:
        access.access_campaign(request_user(self.request), int(self.kwargs["pk"]))
        return self.get_queryset().get(pk=int(self.kwargs["pk"]))

    @extend_schema(request=CampaignCreateSerializer, responses=CampaignSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not access.can_manage(request_user(request)):
            raise PermissionDenied("只有依法治办可以新建年度考评。")
        data = CampaignCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        unknown = [p for p in v["deadlines"] if p not in dict(campaign_services.PHASE_LABEL)]
        if unknown:
            raise ValidationError({"deadlines": f"未知的阶段：{'、'.join(unknown)}"})
        campaign = campaign_services.campaign_create(
            actor=request_user(request),
            year=v["year"],
            name=v["name"],
            framework=v["framework"],
            targets=v["targets"],
            assessors=v.get("assessors") or None,
            deadlines={p: (None, d) for p, d in v["deadlines"].items()},
            social_weight=v["social_weight"],
            bonus_cap=v["bonus_cap"],
            remind_days=v["remind_days"],
        )
        return Response(
            CampaignSerializer(self.get_queryset().get(pk=campaign.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={200: {"type": "object"}})
    @action(detail=True, methods=["get"])
    def missing(self, request: Request, pk: str) -> Response:
        campaign = access.access_campaign(request_user(request), int(pk), write=True)
        return Response({"phase": campaign.phase, "missing": campaign_services.campaign_missing(campaign)})

    @extend_schema(request=AdvanceSerializer, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: str) -> Response:
        campaign = access.access_campaign(request_user(request), int(pk), write=True)
        data = AdvanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign_services.campaign_advance(
            actor=request_user(request), campaign=campaign, **data.validated_data
        )
        return Response(CampaignSerializer(self.get_queryset().get(pk=campaign.pk)).data)

    @extend_schema(request=ExtensionGrantSerializer, responses=ExtensionSerializer(many=True))
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # the whole list, not a page
    def extensions(self, request: Request, pk: str) -> Response:
        """延期 of the campaign (office): GET lists every grant, POST grants one."""
        user = request_user(request)
        campaign = access.access_campaign(user, int(pk), write=True)
        if request.method == "POST":
            data = ExtensionGrantSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            extension = extension_services.deadline_extension_grant(
                actor=user, campaign=campaign, **data.validated_data
            )
            return Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)
        rows = campaign.extensions.select_related("org", "granted_by")
        return Response(ExtensionSerializer(rows, many=True).data)


def campaign_filter(request: Request) -> int | None:
    raw = request.query_params.get("campaign")
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError({"campaign": "须为考评编号（整数）。"}) from None
