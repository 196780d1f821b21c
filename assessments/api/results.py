"""/api/v1/assessments/results/: 考评结果 keyed by campaign — the published
ranking for everyone taking part (each reader's share of the snapshot,
`publication.snapshot_for`); before publication the live ranking, what-if
and publishing for the office only (anyone else 403 "尚未公布")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import request_user
from assessments import access
from assessments.models import Campaign, Phase
from assessments.scoring import Ranked
from assessments.selectors import publication as pub
from assessments.selectors import results
from assessments.services import publication as publication_services


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
        # 分类考评: the class, the target's own full marks and its 折算百分制 (null: not classed)
        "unit_class": r.unit_class or None,
        "full_marks": None if r.full_marks is None else str(r.full_marks),
        "converted": None if r.converted is None else str(r.converted),
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


class ResultViewSet(viewsets.ViewSet):
    """考评结果, keyed by campaign id."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    def get_queryset(self) -> QuerySet[Campaign]:  # for the schema: the id is a campaign's
        return Campaign.objects.none()

    @extend_schema(responses={200: {"type": "object"}})  # a list action: the schema makes it an array
    def list(self, request: Request) -> Response:
        user = request_user(request)
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
                    "published": c.phase == Phase.PUBLISHED and hasattr(c, "publication"),
                    "sha256": c.publication.sha256 if hasattr(c, "publication") else None,
                }
                for c in campaigns
            ]
        )

    @extend_schema(responses={200: {"type": "object"}})
    def retrieve(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        campaign = access.access_campaign(user, int(pk))
        publication = pub.publication_of(campaign)
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
                "blockers": publication_services.publish_blockers(campaign),
            }
        )

    @extend_schema(request=WhatIfSerializer, responses={200: {"type": "object"}})
    @action(detail=True, methods=["post"], url_path="what-if")
    def what_if(self, request: Request, pk: str) -> Response:
        """Rank with other weights/thresholds/quota/bonus cap; nothing is saved."""
        campaign = access.access_campaign(request_user(request), int(pk))
        if not access.can_manage(request_user(request)):
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
        campaign = access.access_campaign(request_user(request), int(pk), write=True)
        publication = publication_services.campaign_publish(actor=request_user(request), campaign=campaign)
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
        user = request_user(request)
        campaign = access.access_campaign(user, int(pk))
        publication = pub.publication_of(campaign)
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
