"""/api/v1/assessments/scoring-duties/: 经办与审核 of the assessing units' people."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import request_user
from accounts.models import User
from assessments import access
from assessments.models import Duty
from assessments.selectors import scores as score_selectors
from assessments.services.duties import scoring_duty_assign


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
        choices=Duty.values, allow_null=True, help_text="enter（经办）、review（审核）或 null（取消）"
    )


class ScoringDutyViewSet(viewsets.ViewSet):
    """经办与审核 of the assessing units' people, keyed by user id (依法治办 and
    系统管理员). PUT {"duty": "enter" | "review" | null}: one duty per person."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    def get_queryset(self) -> QuerySet[User]:  # for the schema: the id is a user's
        return User.objects.none()

    def _people(self, request: Request) -> QuerySet[User]:
        if not access.can_assign_duties(request_user(request)):
            raise PermissionDenied("只有依法治办或系统管理员可以查看和分配经办、审核职责。")
        return score_selectors.duty_people().order_by("org__sort_order", "org__code", "username")

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
