"""/api/v1/assessments/…: results, what-if, publication, appeals and 整改.

The same access functions and services as the pages: a published ranking is
readable by everyone taking part in the campaign; before publication only the
office sees totals (anyone else 403 "尚未公布"); appeals follow
assessments.appeals.appeals_for (a county its own, an assessing unit those on
its indicators, the office all)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from assessments import access, appeals, results
from assessments import publication as pub
from assessments.models import Appeal, Campaign, Publication, Rectification
from assessments.scoring import Ranked

# --------------------------------------------------------------------------- serializers


def _user(request: Request) -> User:
    """Every endpoint requires authentication (IsAuthenticated), so this is our User."""
    return cast(User, request.user)


def ranked_json(r: Ranked) -> dict[str, Any]:
    return {
        "rank": r.rank,
        "code": r.code,
        "name": r.name,
        "total": str(r.total),
        "grade": r.grade,
        "veto": r.veto,
        "indicator_total": str(r.indicator_total),
        "bonus": str(r.bonus),
        "deductions": str(r.deductions),
        "social": None if r.social is None else str(r.social),
        "lost": str(r.lost),
        "quota_dropped": r.quota_dropped,
    }


class WhatIfSerializer(serializers.Serializer):
    social_weight = serializers.DecimalField(
        max_digits=4, decimal_places=3, min_value=Decimal(0), max_value=Decimal(1), required=False
    )
    bonus_cap = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=Decimal(0), required=False)
    thresholds = serializers.DictField(
        child=serializers.DecimalField(max_digits=7, decimal_places=2, min_value=Decimal(0)), required=False
    )
    excellent_quota = serializers.IntegerField(min_value=0, required=False, allow_null=True)

    def validate_thresholds(self, value: dict[str, Decimal]) -> dict[str, Decimal]:
        unknown = [k for k in value if k not in ("优秀", "良好", "一般")]
        if unknown:
            raise serializers.ValidationError(f"未知的等次：{'、'.join(unknown)}（可用：优秀、良好、一般）")
        if len(set(value.values())) != len(value):
            raise serializers.ValidationError("各等次的分数线不能相同。")
        return value


class AppealEvidenceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()


class AppealSerializer(serializers.ModelSerializer):
    campaign = serializers.IntegerField(source="campaign_id", read_only=True)
    target = serializers.CharField(source="target.code", read_only=True)
    target_name = serializers.CharField(source="target.display_name", read_only=True)
    score = serializers.IntegerField(source="score_id", read_only=True)
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
    decision = serializers.ChoiceField(choices=["upheld", "changed"])
    decided_score = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=20)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class RectificationSerializer(serializers.ModelSerializer):
    campaign = serializers.IntegerField(source="publication.campaign_id", read_only=True)
    target = serializers.CharField(source="target.code", read_only=True)
    indicator = serializers.CharField(source="indicator.code", read_only=True)

    class Meta:
        model = Rectification
        fields = ["id", "campaign", "target", "indicator", "points_lost", "reason", "status", "created_at"]
        read_only_fields = fields


class RectificationCreateSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    target = serializers.CharField(max_length=32)
    indicator = serializers.CharField(max_length=20)


# --------------------------------------------------------------------------- results


def _publication(campaign: Campaign) -> Publication | None:
    return Publication.objects.filter(campaign=campaign).first()


class ResultViewSet(viewsets.ViewSet):
    """考评结果, keyed by campaign id."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    def get_queryset(self) -> QuerySet[Campaign]:  # for the schema: the id is a campaign's
        return Campaign.objects.none()

    @extend_schema(responses={200: {"type": "array", "items": {"type": "object"}}})
    def list(self, request: Request) -> Response:
        user = _user(request)
        if not access.can_use_assessments(user):
            raise PermissionDenied("没有权限查看考评结果。")
        campaigns = access.campaigns_for(user).select_related("publication").order_by("-year", "-pk")
        return Response(
            [
                {
                    "campaign": c.pk,
                    "year": c.year,
                    "name": c.name,
                    "phase": c.phase,
                    "published": c.phase == "published" and hasattr(c, "publication"),
                    "sha256": c.publication.sha256 if hasattr(c, "publication") else None,
                }
                for c in campaigns
            ]
        )

    @extend_schema(responses={200: {"type": "object"}})
    def retrieve(self, request: Request, pk: str) -> Response:
        user = _user(request)
        campaign = access.access_campaign(user, int(pk))
        publication = _publication(campaign)
        if publication is not None:
            complete, own = access.results_reader(user)
            return Response(
                {
                    "campaign": campaign.pk,
                    "year": campaign.year,
                    "published": True,
                    "published_at": publication.published_at,
                    "sha256": publication.sha256,
                    "rules": publication.snapshot["rules"],
                    "ranking": pub.snapshot_for(publication.snapshot, complete=complete, own=own)["ranking"],
                }
            )
        if not access.can_manage(user):
            raise PermissionDenied("考评结果尚未公布。")
        rules = results.campaign_rules(campaign)
        return Response(
            {
                "campaign": campaign.pk,
                "year": campaign.year,
                "published": False,
                "phase": campaign.phase,
                "rules": rules.as_json(),
                "ranking": [ranked_json(r) for r in results.campaign_ranking(campaign, rules)],
                "blockers": pub.publish_blockers(campaign),
            }
        )

    @extend_schema(request=WhatIfSerializer, responses={200: {"type": "object"}})
    @action(detail=True, methods=["post"], url_path="what-if")
    def what_if(self, request: Request, pk: str) -> Response:
        """Rank with other weights/thresholds/quota/bonus cap; nothing is saved."""
        campaign = access.access_campaign(_user(request), int(pk))
        if not access.can_manage(_user(request)):
            raise PermissionDenied("只有依法治办可以进行模拟测算。")
        data = WhatIfSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        base = results.campaign_rules(campaign)
        rules = results.rules_with(
            base,
            social_weight=v.get("social_weight"),
            bonus_cap=v.get("bonus_cap"),
            thresholds={**base.thresholds, **v["thresholds"]} if "thresholds" in v else None,
        )
        if "excellent_quota" in v:
            rules = results.Rules(**{**rules.__dict__, "excellent_quota": v["excellent_quota"]})
        try:
            rows = results.what_if(campaign, rules)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        return Response(
            {
                "rules": rules.as_json(),
                "rows": [
                    {
                        **ranked_json(r.now),
                        "was_rank": r.was.rank,
                        "was_total": str(r.was.total),
                        "was_grade": r.was.grade,
                        "rank_move": r.rank_move,
                    }
                    for r in rows
                ],
            }
        )

    @extend_schema(request=None, responses={201: {"type": "object"}})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        campaign = access.access_campaign(_user(request), int(pk), write=True)
        publication = pub.campaign_publish(actor=_user(request), campaign=campaign)
        return Response(
            {"campaign": campaign.pk, "published_at": publication.published_at, "sha256": publication.sha256},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses={200: {"type": "object"}})
    @action(detail=True, methods=["get"])
    def publication(self, request: Request, pk: str) -> Response:
        """The published snapshot with its SHA-256 and a fresh verification: all
        of it for the office; for anyone else the ranking's public columns and
        only its own org's lost points, scores and appeals (publication.snapshot_for)."""
        user = _user(request)
        campaign = access.access_campaign(user, int(pk))
        publication = _publication(campaign)
        if publication is None:
            raise Http404("考评结果尚未公布")
        complete, own = access.results_reader(user)
        return Response(
            {
                "campaign": campaign.pk,
                "published_at": publication.published_at,
                "sha256": publication.sha256,
                "verified": pub.publication_verify(publication),
                "complete": complete,
                "snapshot": pub.snapshot_for(publication.snapshot, complete=complete, own=own),
            }
        )


# --------------------------------------------------------------------------- appeals


class AppealViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """申诉: a county lodges, the assessing unit answers, the office decides."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    serializer_class = AppealSerializer

    def get_queryset(self) -> QuerySet[Appeal]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Appeal.objects.none()
        user = _user(self.request)
        if not access.can_use_assessments(user):
            raise PermissionDenied("没有权限查看申诉。")
        qs = appeals.appeals_for(user).prefetch_related("evidence").order_by("-created_at", "-pk")
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
        appeal = appeals.access_appeal(_user(self.request), int(self.kwargs["pk"]))
        return self.get_queryset().get(pk=appeal.pk)

    @extend_schema(request=AppealCreateSerializer, responses={201: AppealSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from attachments.models import Attachment

        data = AppealCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        score = access.access_score(_user(request), v["score"])
        evidence = list(Attachment.objects.filter(pk__in=v["evidence"]))
        if len(evidence) != len(set(v["evidence"])):
            raise ValidationError({"evidence": "申诉材料不存在。"})
        appeal = appeals.appeal_create(
            actor=_user(request), score=score, reason=v["reason"], evidence=evidence
        )
        return Response(
            AppealSerializer(self.get_queryset().get(pk=appeal.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=AnswerSerializer, responses=AppealSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        appeal = appeals.access_appeal(_user(request), int(pk))
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appeals.appeal_answer(actor=_user(request), appeal=appeal, answer=data.validated_data["answer"])
        return Response(AppealSerializer(self.get_object()).data)

    @extend_schema(request=DecideSerializer, responses=AppealSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        appeal = appeals.access_appeal(_user(request), int(pk))
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        appeals.appeal_decide(
            actor=_user(request),
            appeal=appeal,
            decision=v["decision"],
            decided_score=appeals.parse_points(v.get("decided_score")),
            note=v.get("note", ""),
        )
        return Response(AppealSerializer(self.get_object()).data)


# --------------------------------------------------------------------------- 整改


class Superseded(APIException):
    status_code = status.HTTP_410_GONE
    default_code = "superseded"
    default_detail = "整改清单已并入问题线索：请通过 /api/v1/problems/ 办理整改、验收和销号。"


class RectificationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """整改项 from published lost points: the office sees all, a county its own.

    Superseded by /api/v1/problems/: GET lists the former items (read-only, kept
    for the record); POST sends a lost point to 整改 as a problem of the tracker
    and answers with that problem (201)."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    serializer_class = RectificationSerializer

    def get_queryset(self) -> QuerySet[Rectification]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Rectification.objects.none()
        user = _user(self.request)
        qs = Rectification.objects.select_related("publication", "target", "indicator").order_by(
            "-created_at", "-pk"
        )
        if access.can_manage(user):
            return qs
        if access.is_target(user):
            return qs.filter(target_id=user.org_id)
        raise PermissionDenied("没有权限查看整改清单。")

    @extend_schema(request=RectificationCreateSerializer, responses={201: RectificationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = RectificationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        campaign = access.access_campaign(_user(request), v["campaign"])
        publication = _publication(campaign)
        target = campaign.targets.filter(code=v["target"]).first()
        if publication is None or target is None:
            raise Http404("考评结果尚未公布或被考评单位不存在")
        if not (
            access.can_manage(_user(request))
            or (access.is_target(_user(request)) and _user(request).org_id == target.pk)
        ):
            raise Http404("被考评单位不存在")
        problem = pub.rectification_create(
            actor=_user(request), publication=publication, target=target, indicator_code=v["indicator"]
        )
        from problems.api import ProblemSerializer

        return Response(ProblemSerializer(problem).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={410: dict})
    @action(detail=True, methods=["post"])
    def done(self, request: Request, pk: str) -> Response:
        """Superseded: 整改 is done step by step at /api/v1/problems/{id}/…"""
        raise Superseded()


def register(router) -> None:  # noqa: ANN001
    """Results, appeals and publication endpoints."""
    router.register("assessments/results", ResultViewSet, basename="assessments-result")
    router.register("assessments/appeals", AppealViewSet, basename="assessments-appeal")
    router.register("assessments/rectifications", RectificationViewSet, basename="assessments-rectification")
