"""/api/v1/performance/…: budget projects, their indicators, and scoring.

Same access functions and services as the pages: the office sees every project,
a department its own, everyone else gets 404. A write names the version it read;
a stale version gets 409 and changes nothing. `GET projects/{id}/score/` gives
the same JSON as `fazhi selfeval score --json`; `POST selfeval/score/` scores a
JSON form without storing anything.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import request_user
from orgs.models import Org
from performance import access, metrics, selectors, services
from performance.engine import RuleSetError, load_rule_set, score_evaluation
from performance.engine.inputs import InputError, evaluation_from_json
from performance.models import (
    NARRATIVE_FIELDS,
    PROJECT_FIELDS,
    BudgetProject,
    Indicator,
    Level1,
    ProjectStatus,
)

# ------------------------------------------------------------------ serializers


class IndicatorSerializer(serializers.ModelSerializer):
    live_value = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "id",
            "project",
            "position",
            "level1",
            "level2",
            "name",
            "target_text",
            "target_op",
            "target_value",
            "target_unit",
            "actual",
            "live_metric",
            "live_value",
            "frozen_value",
            "frozen_at",
            "weight",
            "declared_score",
            "deviation_reason",
            "applicable",
            "version",
        ]
        read_only_fields = [
            "target_op",
            "target_value",
            "target_unit",
            "frozen_value",
            "frozen_at",
            "version",
        ]

    def get_live_value(self, obj: Indicator) -> str | None:
        if not obj.live_metric:
            return None
        live = self.context.get("live") or metrics.LiveValues()
        return selectors.actual_of(obj, obj.project, live).value


class IndicatorWriteSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="读取时的版本号；他人已修改时返回 409")
    position = serializers.IntegerField(min_value=0, required=False)
    level1 = serializers.ChoiceField(choices=Level1.choices, required=False)
    level2 = serializers.CharField(max_length=50, required=False, allow_blank=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    target_text = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="年度指标值，如 ≥12人、100%、有提高"
    )
    actual = serializers.CharField(max_length=200, required=False, allow_blank=True)
    live_metric = serializers.CharField(max_length=64, required=False, allow_blank=True)
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)
    declared_score = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
    deviation_reason = serializers.CharField(required=False, allow_blank=True)
    applicable = serializers.BooleanField(required=False)


class IndicatorCreateSerializer(IndicatorWriteSerializer):
    project = serializers.IntegerField()


class ProjectSerializer(serializers.ModelSerializer):
    org_code = serializers.CharField(source="org.code", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = BudgetProject
        fields = [
            "id",
            "org",
            "org_code",
            "org_name",
            *PROJECT_FIELDS,
            "status",
            "submitted_at",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class ProjectDetailSerializer(ProjectSerializer):
    indicators = serializers.SerializerMethodField()

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "indicators"]
        read_only_fields = fields

    def get_indicators(self, obj: BudgetProject) -> list[dict[str, Any]]:
        context = {**self.context, "live": metrics.LiveValues()}
        return IndicatorSerializer(obj.indicators.all(), many=True, context=context).data  # type: ignore[return-value]


class ProjectWriteSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="读取时的版本号；他人已修改时返回 409")
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    name = serializers.CharField(max_length=200, required=False)
    implementing_unit = serializers.CharField(max_length=200, required=False, allow_blank=True)
    funding_source = serializers.CharField(max_length=100, required=False, allow_blank=True)
    budget_initial = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, allow_null=True
    )
    budget_adjusted = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, allow_null=True
    )
    budget_executed = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, allow_null=True
    )
    execution_reason = serializers.CharField(required=False, allow_blank=True)
    goal = serializers.CharField(required=False, allow_blank=True)
    goal_result = serializers.CharField(required=False, allow_blank=True)
    declared_execution_score = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, allow_null=True
    )
    declared_total = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
    rule_set = serializers.CharField(max_length=64, required=False)


for _field, _ in NARRATIVE_FIELDS:
    ProjectWriteSerializer._declared_fields[_field] = serializers.CharField(required=False, allow_blank=True)


class ProjectCreateSerializer(ProjectWriteSerializer):
    org = serializers.SlugRelatedField(
        slug_field="code", queryset=Org.objects.all(), help_text="主管部门的单位代码"
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    name = serializers.CharField(max_length=200)


# -------------------------------------------------------------------- viewsets


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """预算项目：列表、详情（含指标）、新建、修改、删除草稿、核算得分、提交与退回。"""

    def get_queryset(self) -> QuerySet[BudgetProject]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return BudgetProject.objects.none()
        qs = selectors.projects_for(request_user(self.request)).order_by("-year", "name", "pk")
        year = self.request.query_params.get("year", "")
        status_ = self.request.query_params.get("status", "")
        if year.isdigit():
            qs = qs.filter(year=int(year))
        if status_ in ProjectStatus.values:
            qs = qs.filter(status=status_)
        return qs

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return ProjectDetailSerializer if self.action == "retrieve" else ProjectSerializer

    def get_object(self) -> BudgetProject:
        write = self.action in ("partial_update", "destroy", "submit")
        return access.access_project(request_user(self.request), int(self.kwargs["pk"]), write=write)

    @extend_schema(parameters=[OpenApiParameter("year", int), OpenApiParameter("status", str)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ProjectCreateSerializer, responses=ProjectDetailSerializer)
    def create(self, request: Request) -> Response:
        user = request_user(request)
        if not access.can_create_project(user):
            raise exceptions.PermissionDenied()
        data = ProjectCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.pop("version", None)
        org = fields.pop("org")
        if not access.creatable_orgs(user).filter(pk=org.pk).exists():
            raise exceptions.PermissionDenied("只能为本单位新建项目。")
        project = services.project_create(actor=user, org=org, **fields)
        return Response(ProjectDetailSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProjectWriteSerializer, responses=ProjectDetailSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        project = self.get_object()
        data = ProjectWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version", None)
        # a stale version is a StaleEdit: 409 through api.errors
        project = services.project_update(actor=user, project=project, version=version, **fields)
        return Response(ProjectDetailSerializer(project).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        project = self.get_object()
        if not access.can_delete(user, project):
            raise exceptions.PermissionDenied("只有市委依法治市办可以删除草稿项目。")
        services.project_delete(actor=user, project=project)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        responses={200: dict}, description="按评分规则核算，与 `fazhi selfeval score --json` 相同的 JSON。"
    )
    @action(detail=True, methods=["get"])
    def score(self, request: Request, pk: str) -> Response:
        project = self.get_object()
        scored = selectors.scored_project(project)
        return Response(
            {
                "project": project.pk,
                "rule_set_source": load_rule_set(project.rule_set).source,
                **scored.result.as_dict(),
            }
        )

    @extend_schema(request=None, responses=ProjectDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        project = services.project_submit(actor=request_user(request), project=self.get_object())
        return Response(ProjectDetailSerializer(project).data)

    @extend_schema(request=None, responses=ProjectDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        project = self.get_object()
        access.require_reopen(user, project)
        project = services.project_reopen(
            actor=user,
            project=project,
            reason=str(request.data.get("reason", "")) if isinstance(request.data, dict) else "",
        )
        return Response(ProjectDetailSerializer(project).data)


class IndicatorViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """绩效指标：新建、读取、修改、删除（项目须为草稿）。"""

    serializer_class = IndicatorSerializer

    def get_queryset(self) -> QuerySet[Indicator]:
        return Indicator.objects.select_related("project")

    def get_object(self) -> Indicator:
        indicator = get_object_or_404(Indicator.objects.select_related("project"), pk=self.kwargs["pk"])
        write = self.action in ("partial_update", "destroy")
        indicator.project = access.access_project(
            request_user(self.request), indicator.project_id, write=write
        )
        return indicator

    @extend_schema(request=IndicatorCreateSerializer, responses=IndicatorSerializer)
    def create(self, request: Request) -> Response:
        user = request_user(request)
        data = IndicatorCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.pop("version", None)
        project = access.access_project(user, fields.pop("project"), write=True)
        indicator = services.indicator_create(actor=user, project=project, **fields)
        return Response(IndicatorSerializer(indicator).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=IndicatorWriteSerializer, responses=IndicatorSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        indicator = self.get_object()
        data = IndicatorWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version", None)
        indicator = services.indicator_update(actor=user, indicator=indicator, version=version, **fields)
        return Response(IndicatorSerializer(indicator).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        services.indicator_delete(actor=request_user(request), indicator=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ScoreFormView(APIView):
    """Score a 自评 in the JSON form of `fazhi selfeval score` without storing it."""

    @extend_schema(
        request=dict,
        responses={200: dict},
        parameters=[OpenApiParameter("rules", str, description="评分规则集，默认 cz2020")],
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        if not (access.can_use_performance(user) or access.can_create_project(user)):
            raise exceptions.PermissionDenied()
        try:
            rules = load_rule_set(request.query_params.get("rules", "cz2020"))
        except RuleSetError as exc:
            raise exceptions.ValidationError({"rules": [str(exc)]}) from None
        try:
            evaluation = evaluation_from_json(request.data)
        except InputError as exc:
            return Response(
                {
                    "error": {
                        **exc.as_dict(),
                        "fields": {p.field or "non_field_errors": [p.message] for p in exc.problems},
                    }
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(score_evaluation(evaluation, rules).as_dict())


class MetricsView(APIView):
    """The live metrics an indicator can be bound to."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        if not (
            access.can_use_performance(request_user(request))
            or access.can_create_project(request_user(request))
        ):
            raise exceptions.PermissionDenied()
        return Response({"results": metrics.describe()})


def register(router) -> None:
    router.register("performance/projects", ProjectViewSet, basename="performance-project")
    router.register("performance/indicators", IndicatorViewSet, basename="performance-indicator")


urlpatterns = [
    path("performance/selfeval/score/", ScoreFormView.as_view(), name="performance-score-form"),
    path("performance/metrics/", MetricsView.as_view(), name="performance-metrics"),
]
