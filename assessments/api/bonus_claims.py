"""/api/v1/assessments/bonus-claims/: 加分申报. A county files its own (multipart,
with `files`) and reads them with their outcome; the unit scoring the 加分
indicator and the office read them. ?campaign=ID filters."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import request_user
from assessments import access
from assessments.api.campaigns import campaign_filter
from assessments.models import BonusClaim, Campaign, Indicator, Rule
from assessments.services import bonus_claims as services


class BonusClaimSerializer(serializers.ModelSerializer):
    target_code = serializers.CharField(source="target.code", read_only=True)
    target_name = serializers.CharField(source="target.display_name", read_only=True)
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    rule_code = serializers.CharField(source="rule.code", read_only=True, default=None, allow_null=True)
    evidence = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    awarded = serializers.SerializerMethodField()

    class Meta:
        model = BonusClaim
        fields = [
            "id",
            "campaign",
            "target_code",
            "target_name",
            "indicator",
            "indicator_code",
            "rule",
            "rule_code",
            "title",
            "claimed_points",
            "reason",
            "status",
            "evidence",
            "created_at",
            "outcome",
            "awarded",
        ]

    def get_evidence(self, obj: BonusClaim) -> list[dict[str, Any]]:
        return [{"id": str(a.pk), "name": a.original_name, "sha256": a.sha256} for a in obj.evidence.all()]

    def _outcome(self, obj: BonusClaim) -> tuple[str, Any]:
        cache: dict[int, tuple[str, Any]] = self.__dict__.setdefault("_outcomes", {})
        if obj.pk not in cache:
            cache[obj.pk] = services.claim_outcome(self.context["user"], obj, services.claim_score(obj))
        return cache[obj.pk]

    def get_outcome(self, obj: BonusClaim) -> str:
        return self._outcome(obj)[0]

    def get_awarded(self, obj: BonusClaim) -> str | None:
        points = self._outcome(obj)[1]
        return None if points is None else str(points)


class BonusClaimCreateSerializer(serializers.Serializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    indicator = serializers.PrimaryKeyRelatedField(queryset=Indicator.objects.all())
    rule = serializers.PrimaryKeyRelatedField(queryset=Rule.objects.all(), required=False, allow_null=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    claimed_points = serializers.DecimalField(max_digits=7, decimal_places=2)
    reason = serializers.CharField(max_length=5000)
    files = serializers.ListField(
        child=serializers.FileField(), allow_empty=True, required=False, default=list
    )


class BonusClaimViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """加分申报 each user may see, with the outcome it may see."""

    lookup_value_regex = r"\d+"
    serializer_class = BonusClaimSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "user": request_user(self.request)}

    def get_queryset(self) -> QuerySet[BonusClaim]:
        qs = access.visible_bonus_claims(request_user(self.request))
        campaign = campaign_filter(self.request)
        if campaign is not None:
            qs = qs.filter(campaign_id=campaign)
        return (
            qs.select_related("campaign", "target", "indicator", "rule")
            .prefetch_related("evidence")
            .order_by("pk")
        )

    def get_object(self) -> BonusClaim:
        access.access_bonus_claim(request_user(self.request), int(self.kwargs["pk"]))
        return self.get_queryset().get(pk=int(self.kwargs["pk"]))

    @extend_schema(
        request={"multipart/form-data": BonusClaimCreateSerializer}, responses=BonusClaimSerializer
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request_user(request)
        if not access.is_target(user):
            raise PermissionDenied("只有被考评单位可以申报加分。")
        data = BonusClaimCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        campaign = access.access_campaign(user, v["campaign"].pk)
        claim = services.bonus_claim_create(
            actor=user,
            campaign=campaign,
            indicator=v["indicator"],
            rule=v.get("rule"),
            title=v["title"],
            claimed_points=v["claimed_points"],
            reason=v["reason"],
            files=request.FILES.getlist("files"),
        )
        return Response(
            BonusClaimSerializer(
                self.get_queryset().get(pk=claim.pk), context=self.get_serializer_context()
            ).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=BonusClaimSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        claim = access.access_bonus_claim(request_user(request), int(pk))
        services.bonus_claim_withdraw(actor=request_user(request), claim=claim)
        return Response(self.get_serializer(self.get_object()).data)
