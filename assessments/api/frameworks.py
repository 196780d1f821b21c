"""/api/v1/assessments/frameworks/: 考评办法 (the office only: others 403 on the
list, 404 on an object), with clone, lock and new version."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import request_user
from assessments import access, framework_checks
from assessments.models import (
    GROUP_FIELDS,
    INDICATOR_FIELDS,
    RULE_FIELDS,
    SECTION_FIELDS,
    Framework,
    Indicator,
    Rule,
)
from assessments.selectors import frameworks as framework_selectors
from assessments.services import frameworks as framework_services


class RuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rule
        fields = ["id", *RULE_FIELDS]


class IndicatorSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.name", read_only=True)
    group = serializers.SerializerMethodField(help_text="二级指标的编号与名称；不属于二级指标时为 null")
    assessors = serializers.SerializerMethodField()
    applies_to = serializers.SerializerMethodField()
    rules = RuleSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "section", "group", *INDICATOR_FIELDS, "assessors", "applies_to", "rules"]

    def get_group(self, obj: Indicator) -> str | None:
        group = (
            next((g for g in obj.section.groups.all() if g.pk == obj.group_id), None)
            if obj.group_id
            else None
        )
        return None if group is None else str(group)

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
    warnings = serializers.SerializerMethodField()

    class Meta(FrameworkSerializer.Meta):
        fields = [*FrameworkSerializer.Meta.fields, "sections", "problems", "warnings"]

    def get_sections(self, obj: Framework) -> list[dict[str, Any]]:
        return [
            {
                **{name: _plain(getattr(s, name)) for name in SECTION_FIELDS},
                "groups": [{name: _plain(getattr(g, name)) for name in GROUP_FIELDS} for g in s.groups.all()],
                "indicators": IndicatorSerializer(s.indicators.all(), many=True).data,
            }
            for s in framework_selectors.framework_sections(obj)
        ]

    def get_problems(self, obj: Framework) -> list[str]:
        return [] if obj.is_locked else framework_services.framework_problems(obj)

    def get_warnings(self, obj: Framework) -> list[str]:
        """Rules that can never take an indicator to 0 (shown; they do not block the lock)."""
        return framework_checks.rule_warnings(framework_selectors.framework_structure(obj))


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


class CloneSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)


class FrameworkViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """考评办法 (依法治办 only)."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    def get_queryset(self) -> QuerySet[Framework]:
        if not access.can_manage(request_user(self.request)):
            return Framework.objects.none()
        return framework_selectors.framework_list().order_by("-year", "-version")

    def get_serializer_class(self):
        return FrameworkDetailSerializer if self.action == "retrieve" else FrameworkSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not access.can_manage(request_user(request)):
            raise PermissionDenied("只有依法治办可以查看考评办法。")
        return super().list(request, *args, **kwargs)

    def get_object(self) -> Framework:
        framework = access.access_framework(request_user(self.request), int(self.kwargs["pk"]))
        # With the counts the serializer shows (indicator_count, score_sum): they are annotations.
        return framework_selectors.framework_list().get(pk=framework.pk)

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
            # Optional in the schema (the model's default): leaving it out must not be a 500.
            total_score=v.get("total_score", Framework._meta.get_field("total_score").get_default()),
            description=v.get("description", ""),
        )
        return Response(
            FrameworkSerializer(framework_selectors.framework_list().get(pk=framework.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=FrameworkSerializer)
    @action(detail=True, methods=["post"])
    def lock(self, request: Request, pk: str) -> Response:
        framework = access.access_framework(request_user(request), int(pk), write=True)
        framework_services.framework_lock(actor=request_user(request), framework=framework)
        return Response(FrameworkSerializer(framework_selectors.framework_list().get(pk=framework.pk)).data)

    @extend_schema(request=CloneSerializer, responses={201: FrameworkSerializer})
    @action(detail=True, methods=["post"])
    def clone(self, request: Request, pk: str) -> Response:
        framework = access.access_framework(request_user(request), int(pk), write=True)
        data = CloneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        clone = framework_services.framework_clone(
            actor=request_user(request), source=framework, **data.validated_data
        )
        return Response(
            FrameworkSerializer(framework_selectors.framework_list().get(pk=clone.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={201: FrameworkSerializer})
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request: Request, pk: str) -> Response:
        framework = access.access_framework(request_user(request), int(pk), write=True)
        draft = framework_services.framework_new_version(actor=request_user(request), framework=framework)
        return Response(
            FrameworkSerializer(framework_selectors.framework_list().get(pk=draft.pk)).data,
            status=status.HTTP_201_CREATED,
        )
