"""/api/v1/assessments/scores/: 评分 — an assessing unit's 经办 writes the scores
of its indicators, its 审核 approves or sends back, the office reopens. A
write names the version it read; a stale version (`fazhi.errors.StaleEdit`)
is answered 409 by `api.errors` and changes nothing."""

from __future__ import annotations

from typing import Any

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
    Score,
)
from assessments.services import scores as score_services


class ScoreItemInputSerializer(serializers.Serializer):
    rule = serializers.IntegerField()
    count = serializers.IntegerField(min_value=1, default=1)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_note = serializers.CharField(required=False, allow_blank=True, default="")


class ScoreSerializer(serializers.ModelSerializer):
    target_code = serializers.CharField(source="target.code", read_only=True)
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    max_score = serializers.DecimalField(
        source="indicator.max_score", max_digits=7, decimal_places=2, read_only=True
    )
    items = serializers.SerializerMethodField()

    class Meta:
        model = Score
        fields = [
            "id",
            "campaign",
            "target",
            "target_code",
            "indicator",
            "indicator_code",
            "max_score",
            "score",
            "base",
            "veto",
            "status",
            "reason",
            "evidence_note",
            "entered_by",
            "reviewed_by",
            "approved_at",
            "version",
            "items",
        ]
        read_only_fields = fields

    def get_items(self, obj: Score) -> list[dict[str, Any]]:
        return [
            {
                "rule": i.rule_id,
                "kind": i.kind,
                "count": i.count,
                "points": str(i.points),
                "reason": i.reason,
                "evidence_note": i.evidence_note,
            }
            for i in obj.items.all()
        ]


class ScoreWriteSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="读取时的版本号；他人已修改时返回 409")
    items = ScoreItemInputSerializer(many=True, required=False, default=list)
    base = serializers.DecimalField(
        max_digits=7, decimal_places=2, required=False, allow_null=True, default=None
    )
    score = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="可选：预期得分，须在 0 至分值之间并与细则计算结果一致",
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_note = serializers.CharField(required=False, allow_blank=True, default="")
    submit = serializers.BooleanField(required=False, default=False)


class ReviewSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReopenSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="读取时的版本号；他人已修改时返回 409")
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=1000, help_text="重新打开理由（必填）"
    )


class ScoreViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """评分: an assessing unit reads and writes the scores of its indicators (经办 →
    审核); the office reads all; a county reads its own in 结果反馈/申诉复核/公布."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    serializer_class = ScoreSerializer
    http_method_names = ["get", "patch", "put", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Score]:
        qs = access.visible_scores(request_user(self.request))
        campaign = campaign_filter(self.request)
        if campaign is not None:
            qs = qs.filter(campaign_id=campaign)
        return qs.select_related("target", "indicator").prefetch_related("items").order_by("pk")

    def get_object(self) -> Score:
        access.access_score(request_user(self.request), int(self.kwargs["pk"]))
        return self.get_queryset().get(pk=int(self.kwargs["pk"]))

    @extend_schema(request=ScoreWriteSerializer, responses=ScoreSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        score = access.access_score(request_user(request), int(kwargs["pk"]), write=True)
        data = ScoreWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        items = [
            score_services.ItemInput(
                rule_id=i["rule"], count=i["count"], reason=i["reason"], evidence_note=i["evidence_note"]
            )
            for i in v["items"]
        ]
        score_services.score_save(
            actor=request_user(request),
            score=score,
            expected_version=v["version"],
            items=items,
            base=v["base"],
            reason=v["reason"],
            evidence_note=v["evidence_note"],
            submit=v["submit"],
            claimed_score=v["score"],
        )
        return Response(ScoreSerializer(self.get_object()).data)

    @extend_schema(request=ScoreWriteSerializer, responses=ScoreSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, **kwargs)

    def _review(self, request: Request, pk: str, fn) -> Response:
        score = access.access_score(request_user(request), int(pk), write=True)
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fn(
            actor=request_user(request),
            score=score,
            expected_version=data.validated_data["version"],
            note=data.validated_data["note"],
        )
        return Response(ScoreSerializer(self.get_object()).data)

    @extend_schema(request=ReviewSerializer, responses=ScoreSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._review(request, pk, score_services.score_approve)

    @extend_schema(request=ReviewSerializer, responses=ScoreSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._review(request, pk, score_services.score_reject)

    @extend_schema(request=ReopenSerializer, responses=ScoreSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        """依法治办 reopens an approved score with a reason: back to the 经办, then 审核 again."""
        score = access.access_score(request_user(request), int(pk))
        data = ReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        score_services.score_reopen(
            actor=request_user(request),
            score=score,
            expected_version=data.validated_data["version"],
            reason=data.validated_data["reason"],
        )
        return Response(ScoreSerializer(self.get_object()).data)
