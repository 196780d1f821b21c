"""/api/v1/assessments/appeals/: 申诉 — a county lodges, the responsible unit
answers, the office decides (the same services as the pages)."""

from __future__ import annotations

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
from assessments.models import Appeal, AppealDecision
from assessments.services import appeals


class AppealEvidenceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()


class AppealSerializer(serializers.ModelSerializer):
    campaign = serializers.IntegerField(source="campaign_id", read_only=True)
    target = serializers.CharField(source="target.code", read_only=True)
    target_name = serializers.CharField(source="target.display_name", read_only=True)
    score = serializers.IntegerField(source="score_id", read_only=True)
    # Blank until decided: declared so the schema's enum admits "" (a read-only model field would not).
    decision = serializers.ChoiceField(choices=AppealDecision.choices, allow_blank=True, read_only=True)
    indicator = serializers.CharField(source="score.indicator.code", read_only=True)
    original_score = serializers.DecimalField(
        source="score.score", max_digits=7, decimal_places=2, read_only=True
    )
    max_score = serializers.DecimalField(
        source="score.indicator.max_score", max_digits=7, decimal_places=2, read_only=True
    )
    evidence = AppealEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Appeal
        fields = [
            "id",
            "campaign",
            "target",
            "target_name",
            "score",
            "indicator",
            "original_score",
            "max_score",
            "reason",
            "evidence",
            "status",
            "answer",
            "answered_at",
            "decision",
            "decided_score",
            "decision_note",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class AppealCreateSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    reason = serializers.CharField(max_length=5000)
    evidence = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=5000)


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=AppealDecision.values)
    decided_score = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=20)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class AppealViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """申诉: a county lodges, the assessing unit answers, the office decides."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    serializer_class = AppealSerializer

    def get_queryset(self) -> QuerySet[Appeal]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Appeal.objects.none()
        user = request_user(self.request)
        if not access.can_use_assessments(user):
            raise PermissionDenied("没有权限查看申诉。")
        qs = access.visible_appeals(user).prefetch_related("evidence").order_by("-created_at", "-pk")
        raw = self.request.query_params.get("campaign")
        if raw:
            if not raw.isdigit():
                raise ValidationError({"campaign": "须为考评编号（整数）。"})
            qs = qs.filter(campaign_id=int(raw))
        state = self.request.query_params.get("status")
        if state:
            qs = qs.filter(status=state)
        return qs

    def get_object(self) -> Appeal:
        appeal = access.access_appeal(request_user(self.request), int(self.kwargs["pk"]))
        return self.get_queryset().get(pk=appeal.pk)

    @extend_schema(request=AppealCreateSerializer, responses={201: AppealSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from attachments.models import Attachment

        data = AppealCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        score = access.access_score(request_user(request), v["score"])
        evidence = list(Attachment.objects.filter(pk__in=v["evidence"]))
        if len(evidence) != len(set(v["evidence"])):
            raise ValidationError({"evidence": "申诉材料不存在。"})
        appeal = appeals.appeal_create(
            actor=request_user(request), score=score, reason=v["reason"], evidence=evidence
        )
        return Response(
            AppealSerializer(self.get_queryset().get(pk=appeal.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=AnswerSerializer, responses=AppealSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        appeal = access.access_appeal(request_user(request), int(pk))
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appeals.appeal_answer(
            actor=request_user(request), appeal=appeal, answer=data.validated_data["answer"]
        )
        return Response(AppealSerializer(self.get_object()).data)

    @extend_schema(request=DecideSerializer, responses=AppealSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        appeal = access.access_appeal(request_user(request), int(pk))
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        appeals.appeal_decide(
            actor=request_user(request),
            appeal=appeal,
            decision=v["decision"],
            decided_score=appeals.parse_points(v.get("decided_score")),
            note=v.get("note", ""),
        )
        return Response(AppealSerializer(self.get_object()).data)
