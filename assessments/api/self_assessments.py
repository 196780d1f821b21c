"""/api/v1/assessments/self-assessments/: 自评 — a county reads and fills its
own, the office reads all and returns items, an assessing unit reads the
submitted ones of its indicators."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import request_user
from assessments import access
from assessments.api.campaigns import campaign_filter
from assessments.models import (
    SelfAssessment,
)
from assessments.services import self_assessments as sa_services


class SelfAssessmentSerializer(serializers.ModelSerializer):
    target_code = serializers.CharField(source="target.code", read_only=True)
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    max_score = serializers.DecimalField(
        source="indicator.max_score", max_digits=7, decimal_places=2, read_only=True
    )
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = SelfAssessment
        fields = [
            "id",
            "campaign",
            "target",
            "target_code",
            "indicator",
            "indicator_code",
            "max_score",
            "self_score",
            "narrative",
            "status",
            "return_reason",
            "submitted_at",
            "evidence",
        ]
        read_only_fields = ["campaign", "target", "indicator", "status", "return_reason", "submitted_at"]

    def get_evidence(self, obj: SelfAssessment) -> list[dict[str, Any]]:
        return [{"id": str(a.pk), "name": a.original_name, "sha256": a.sha256} for a in obj.evidence.all()]


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class SelfAssessmentViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """自评: a county reads and fills its own; the office reads all and returns items;
    an assessing unit reads the submitted ones of its indicators. ?campaign=ID filters."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    serializer_class = SelfAssessmentSerializer
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[SelfAssessment]:
        qs = access.visible_self_assessments(request_user(self.request))
        campaign = campaign_filter(self.request)
        if campaign is not None:
            qs = qs.filter(campaign_id=campaign)
        return qs.select_related("target", "indicator").prefetch_related("evidence").order_by("pk")

    def get_object(self) -> SelfAssessment:
        access.access_self_assessment(request_user(self.request), int(self.kwargs["pk"]))
        return self.get_queryset().get(pk=int(self.kwargs["pk"]))

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        sa = access.access_self_assessment(request_user(request), int(kwargs["pk"]), write=True)
        data = SelfAssessmentSerializer(sa, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        sa_services.self_assessment_save(
            actor=request_user(request),
            sa=sa,
            self_score=v.get("self_score", sa.self_score),
            narrative=v.get("narrative", sa.narrative),
        )
        return Response(SelfAssessmentSerializer(self.get_object()).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=None, responses=SelfAssessmentSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        sa = access.access_self_assessment(request_user(request), int(pk), write=True)
        sa_services.self_assessment_submit(actor=request_user(request), sa=sa)
        return Response(SelfAssessmentSerializer(self.get_object()).data)

    @extend_schema(request=ReturnSerializer, responses=SelfAssessmentSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_revision(self, request: Request, pk: str) -> Response:
        sa = access.access_self_assessment(request_user(request), int(pk))
        if not access.can_manage(request_user(request)):
            raise PermissionDenied("只有依法治办可以退回自评。")
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sa_services.self_assessment_return(
            actor=request_user(request), sa=sa, reason=data.validated_data["reason"]
        )
        return Response(SelfAssessmentSerializer(self.get_object()).data)
