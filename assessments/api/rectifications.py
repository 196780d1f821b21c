"""/api/v1/assessments/rectifications/: the former 整改清单, superseded by
/api/v1/problems/ — GET lists the former items (read-only, kept for the
record); POST sends a lost point to 整改 as a problem of the tracker."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import request_user
from assessments import access
from assessments.models import Rectification
from assessments.selectors import publication as publication_selectors
from assessments.services import rectifications as rectification_services
from problems.api import ProblemSerializer


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
        user = request_user(self.request)
        qs = Rectification.objects.select_related("publication", "target", "indicator").order_by(
            "-created_at", "-pk"
        )
        if access.can_manage(user):
            return qs
        if access.is_target(user):
            return qs.filter(target_id=user.org_id)
        raise PermissionDenied("没有权限查看整改清单。")

    @extend_schema(request=RectificationCreateSerializer, responses={201: ProblemSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = RectificationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        campaign = access.access_campaign(request_user(request), v["campaign"])
        publication = publication_selectors.publication_of(campaign)
        target = campaign.targets.filter(code=v["target"]).first()
        if publication is None or target is None:
            raise Http404("考评结果尚未公布或被考评单位不存在")
        if not (
            access.can_manage(request_user(request))
            or (access.is_target(request_user(request)) and request_user(request).org_id == target.pk)
        ):
            raise Http404("被考评单位不存在")
        problem = rectification_services.rectification_create(
            actor=request_user(request), publication=publication, target=target, indicator_code=v["indicator"]
        )
        return Response(ProblemSerializer(problem).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={410: dict})
    @action(detail=True, methods=["post"])
    def done(self, request: Request, pk: str) -> Response:
        """Superseded: 整改 is done step by step at /api/v1/problems/{id}/… (the
        former item is looked up in the caller's scope first: 403 / 404 as before)."""
        if not self.get_queryset().filter(pk=int(pk)).exists():
            raise Http404("整改项不存在")
        raise Superseded()
