"""/api/v1/assessments/…: frameworks, campaigns, self-assessments and scores.

The same access functions and services as the pages: frameworks are the
office's (others 403 on the list, 404 on an object); campaigns, self-assessments
and scores follow assessments.access (a county sees only its own, an assessing
unit only its indicators, nobody another target's unpublished scores). A score
write names the version it read; a stale version (`fazhi.errors.StaleEdit`)
gets 409 from `api.errors` and changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import request_user
from accounts.models import User
from assessments import access, api_results, selectors
from assessments.models import (
    Campaign,
    Framework,
    Indicator,
    Rule,
    Score,
    SelfAssessment,
)
from assessments.services import campaigns as campaign_services
from assessments.services import frameworks as framework_services
from assessments.services import scores as score_services
from assessments.services import self_assessments as sa_services
from assessments.services.duties import scoring_duty_assign
from orgs.models import Org

# --------------------------------------------------------------------------- serializers


class RuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rule
        fields = ["id", "code", "text", "kind", "points", "max_points", "order"]


class IndicatorSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.name", read_only=True)
    assessors = serializers.SerializerMethodField()
    applies_to = serializers.SerializerMethodField()
    rules = RuleSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "section",
            "max_score",
            "method",
            "bonus_cap",
            "evidence_required",
            "description",
            "order",
            "assessors",
            "applies_to",
            "rules",
        ]

    def get_assessors(self, obj: Indicator) -> list[str]:
        return [o.code for o in obj.assessors.all()]

    def get_applies_to(self, obj: Indicator) -> list[str]:
        return [o.code for o in obj.applies_to.all()]


class FrameworkSerializer(serializers.ModelSerializer):
    indicator_count = serializers.IntegerField(read_only=True)
    score_sum = serializers.DecimalField(max_digits=9, decimal_places=2, read_only=True)

    class Meta:
        model = Framework
        fields = [
            "id",
            "year",
            "version",
            "name",
            "description",
            "total_score",
            "status",
            "cloned_from",
            "locked_at",
            "indicator_count",
            "score_sum",
        ]
        read_only_fields = ["version", "status", "cloned_from", "locked_at"]


class FrameworkDetailSerializer(FrameworkSerializer):
    sections = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    class Meta(FrameworkSerializer.Meta):
        fields = [*FrameworkSerializer.Meta.fields, "sections", "problems"]

    def get_sections(self, obj: Framework) -> list[dict[str, Any]]:
        return [
            {
                "code": s.code,
                "name": s.name,
                "indicators": IndicatorSerializer(s.indicators.all(), many=True).data,
            }
            for s in selectors.framework_sections(obj)
        ]

    def get_problems(self, obj: Framework) -> list[str]:
        return [] if obj.is_locked else framework_services.framework_problems(obj)


class CloneSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)


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


class ScoringDutySerializer(serializers.Serializer):
    user = serializers.IntegerField(source="pk", read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    org = serializers.CharField(source="org.code", read_only=True)
    org_name = serializers.CharField(source="org.display_name", read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    duty = serializers.SerializerMethodField(help_text="enter（经办）、review（审核）或 null（未分配）")

    def get_duty(self, obj: User) -> str | None:
        held = getattr(obj, "scoring_duty", None)
        return held.duty if held is not None and held.org_id == obj.org_id else None


class DutyWriteSerializer(serializers.Serializer):
    duty = serializers.ChoiceField(
        choices=["enter", "review"], allow_null=True, help_text="enter（经办）、review（审核）或 null（取消）"
    )


# --------------------------------------------------------------------------- viewsets


class FrameworkViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """考评办法 (依法治办 only)."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    def get_queryset(self) -> QuerySet[Framework]:
        if not access.can_manage(request_user(self.request)):
            return Framework.objects.none()
        return selectors.framework_list().order_by("-year", "-version")

    def get_serializer_class(self):  # noqa: ANN201
        return FrameworkDetailSerializer if self.action == "retrieve" else FrameworkSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not access.can_manage(request_user(request)):
            raise PermissionDenied("只有依法治办可以查看考评办法。")
        return super().list(request, *args, **kwargs)

    def get_object(self) -> Framework:
        return access.access_framework(request_user(self.request), int(self.kwargs["pk"]))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not access.can_manage(request_user(request)):
            raise PermissionDenied("只有依法治办可以新建考评办法。")
        data = FrameworkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        framework = framework_services.framework_create(
            actor=request_user(request),
            year=v["year"],
            name=v["name"],
            total_score=v["total_score"],
            description=v.get("description", ""),
        )
        return Response(
            FrameworkSerializer(selectors.framework_list().get(pk=framework.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=FrameworkSerializer)
    @action(detail=True, methods=["post"])
    def lock(self, request: Request, pk: str) -> Response:
        framework = access.access_framework(request_user(request), int(pk), write=True)
        framework_services.framework_lock(actor=request_user(request), framework=framework)
        return Response(FrameworkSerializer(selectors.framework_list().get(pk=framework.pk)).data)

    @extend_schema(request=CloneSerializer, responses=FrameworkSerializer)
    @action(detail=True, methods=["post"])
    def clone(self, request: Request, pk: str) -> Response:
        framework = access.access_framework(request_user(request), int(pk), write=True)
        data = CloneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        clone = framework_services.framework_clone(
            actor=request_user(request), source=framework, **data.validated_data
        )
        return Response(
            FrameworkSerializer(selectors.framework_list().get(pk=clone.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=FrameworkSerializer)
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request: Request, pk: str) -> Response:
        framework = access.access_framework(request_user(request), int(pk), write=True)
        draft = framework_services.framework_new_version(actor=request_user(request), framework=framework)
        return Response(
            FrameworkSerializer(selectors.framework_list().get(pk=draft.pk)).data,
            status=status.HTTP_201_CREATED,
        )


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


def _campaign_filter(request: Request) -> int | None:
    raw = request.query_params.get("campaign")
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError({"campaign": "须为考评编号（整数）。"}) from None


class SelfAssessmentViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """自评: a county reads and fills its own; the office reads all and returns items;
    an assessing unit reads the submitted ones of its indicators. ?campaign=ID filters."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    serializer_class = SelfAssessmentSerializer
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[SelfAssessment]:
        qs = access.visible_self_assessments(request_user(self.request))
        campaign = _campaign_filter(self.request)
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


class ScoreViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """评分: an assessing unit reads and writes the scores of its indicators (经办 →
    审核); the office reads all; a county reads its own in 结果反馈/申诉复核/公布."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    serializer_class = ScoreSerializer
    http_method_names = ["get", "patch", "put", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Score]:
        qs = access.visible_scores(request_user(self.request))
        campaign = _campaign_filter(self.request)
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

    def _review(self, request: Request, pk: str, fn) -> Response:  # noqa: ANN001
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


class ScoringDutyViewSet(viewsets.ViewSet):
    """经办与审核 of the assessing units' people, keyed by user id (依法治办 and
    系统管理员). PUT {"duty": "enter" | "review" | null}: one duty per person."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    def get_queryset(self) -> QuerySet[User]:  # for the schema: the id is a user's
        return User.objects.none()

    def _people(self, request: Request) -> QuerySet[User]:
        if not access.can_assign_duties(request_user(request)):
            raise PermissionDenied("只有依法治办或系统管理员可以查看和分配经办、审核职责。")
        return selectors.duty_people().order_by("org__sort_order", "org__code", "username")

    @extend_schema(responses=ScoringDutySerializer(many=True))
    def list(self, request: Request) -> Response:
        return Response(ScoringDutySerializer(self._people(request), many=True).data)

    @extend_schema(request=DutyWriteSerializer, responses=ScoringDutySerializer)
    def update(self, request: Request, pk: str) -> Response:
        people = self._people(request)
        person = people.filter(pk=int(pk)).first()
        if person is None:
            raise Http404("人员不存在")
        data = DutyWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scoring_duty_assign(actor=request_user(request), user=person, duty=data.validated_data["duty"])
        return Response(ScoringDutySerializer(people.get(pk=person.pk)).data)


def register(router) -> None:  # noqa: ANN001
    router.register("assessments/frameworks", FrameworkViewSet, basename="assessments-framework")
    router.register("assessments/campaigns", CampaignViewSet, basename="assessments-campaign")
    router.register(
        "assessments/self-assessments", SelfAssessmentViewSet, basename="assessments-self-assessment"
    )
    router.register("assessments/scores", ScoreViewSet, basename="assessments-score")
    router.register("assessments/scoring-duties", ScoringDutyViewSet, basename="assessments-scoring-duty")
    api_results.register(router)
