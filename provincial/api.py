"""/api/v1/provincial/…: frameworks, indicators, tasks and province results.

Same access functions and services as the pages: the office sees and manages
everything; a unit lists and reads its own tasks and reports on them (notes,
estimate, evidence, submit); anyone else gets 404 for objects and 403 for the
collections it may not list."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import request_user
from orgs.models import Org
from provincial import access, scoring, selectors, services
from provincial.models import ProvincialFramework, ProvincialIndicator, ProvincialResult, Task, TaskStatus


def _office_only(user: Any) -> None:
    if not access.is_office(user):
        raise PermissionDenied("只有市委依法治市办可以查看法治广东建设考评指标体系。")


@extend_schema_serializer(component_name="ProvincialFramework")  # not 考评's or 绩效's Framework
class FrameworkSerializer(serializers.ModelSerializer):
    indicator_count = serializers.IntegerField(read_only=True)
    task_count = serializers.IntegerField(read_only=True)
    accepted_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ProvincialFramework
        fields = [
            "id",
            "year",
            "name",
            "source_note",
            "total",
            "source_filename",
            "imported_at",
            "indicator_count",
            "task_count",
            "accepted_count",
        ]


@extend_schema_serializer(component_name="ProvincialIndicator")  # not 考评's or 绩效's Indicator
class IndicatorSerializer(serializers.ModelSerializer):
    framework = serializers.IntegerField(source="framework_id", read_only=True)
    expected_score = serializers.SerializerMethodField()
    task_count = serializers.SerializerMethodField()

    class Meta:
        model = ProvincialIndicator
        fields = [
            "id",
            "framework",
            "code",
            "section",
            "name",
            "max_score",
            "criteria",
            "evidence_requirements",
            "order",
            "task_count",
            "expected_score",
        ]

    def get_task_count(self, obj: ProvincialIndicator) -> int:
        return len(obj.tasks.all())

    def get_expected_score(self, obj: ProvincialIndicator) -> str:
        expected = scoring.indicator_expected(
            obj.max_score, [selectors.task_score(t) for t in obj.tasks.all()]
        )
        return f"{expected:.2f}"


class TaskSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    max_score = serializers.DecimalField(
        source="indicator.max_score", max_digits=6, decimal_places=2, read_only=True
    )
    framework = serializers.IntegerField(source="indicator.framework_id", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    evidence = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "framework",
            "indicator",
            "indicator_code",
            "indicator_name",
            "max_score",
            "org",
            "org_name",
            "description",
            "deadline",
            "status",
            "overdue",
            "note",
            "self_score",
            "reviewed_score",
            "return_reason",
            "submitted_at",
            "reviewed_at",
            "evidence",
        ]
        read_only_fields = fields

    def get_evidence(self, obj: Task) -> list[dict[str, Any]]:
        return [
            {"id": str(a.pk), "name": a.original_name, "size": a.size, "sha256": a.sha256}
            for a in obj.evidence.all()
        ]

    def get_overdue(self, obj: Task) -> bool:
        return selectors.is_overdue(obj, timezone.localdate())


class TaskCreateSerializer(serializers.Serializer):
    indicator = serializers.PrimaryKeyRelatedField(
        queryset=ProvincialIndicator.objects.all(), error_messages={"does_not_exist": "指标不存在。"}
    )
    org = serializers.PrimaryKeyRelatedField(
        queryset=selectors.municipal_units(), error_messages={"does_not_exist": "单位不存在或不能分派任务。"}
    )
    deadline = serializers.DateField(error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"})
    description = serializers.CharField(required=False, allow_blank=True, default="")


class TaskReportSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)
    self_score = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=0, required=False, allow_null=True
    )


class TaskUpdateSerializer(serializers.Serializer):
    deadline = serializers.DateField(required=False, error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"})
    description = serializers.CharField(required=False, allow_blank=True)


class AcceptSerializer(serializers.Serializer):
    reviewed_score = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=0, required=False, allow_null=True
    )


@extend_schema_serializer(component_name="ProvincialReturn")  # not 考评's or 绩效's Return
class ReturnSerializer(AcceptSerializer):
    reason = serializers.CharField(
        error_messages={"required": "退回时必须填写理由。", "blank": "退回时必须填写理由。"}
    )


class EvidenceSerializer(serializers.Serializer):
    file = serializers.FileField(error_messages={"required": "请上传文件。"})


@extend_schema_serializer(component_name="ProvincialResult")  # not 考评's or 绩效's Result
class ResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProvincialResult
        fields = ["id", "year", "grade", "score", "note", "recorded_at"]
        read_only_fields = ["id", "recorded_at"]
        extra_kwargs: dict[str, dict[str, Any]] = {
            "year": {"validators": []}
        }  # recording an existing year corrects it


class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FrameworkSerializer

    def get_queryset(self) -> QuerySet[ProvincialFramework]:
        return selectors.frameworks().order_by("-year")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _office_only(request_user(request))
        return super().list(request, *args, **kwargs)

    def get_object(self) -> ProvincialFramework:
        access.access_framework(
            request_user(self.request), int(self.kwargs["pk"]) if str(self.kwargs["pk"]).isdigit() else 0
        )
        return self.get_queryset().get(pk=self.kwargs["pk"])

    @extend_schema(responses={200: dict})
    @action(detail=True)
    def overview(self, request: Request, pk: str) -> Response:
        """Expected score and gaps of the framework."""
        framework = self.get_object()
        o = selectors.overview(framework, today=timezone.localdate())
        return Response(
            {
                "framework": framework.pk,
                "max_total": f"{o.max_total:.2f}",
                "expected_total": f"{o.expected_total:.2f}",
                "tasks": {s: o.count(s) for s in TaskStatus.values},
                "gaps": {
                    "indicators_without_tasks": [i.code for i in o.without_tasks],
                    "overdue_tasks": [t.pk for t in o.overdue],
                    "tasks_without_evidence": [t.pk for t in o.without_evidence],
                    "returned_tasks": [t.pk for t in o.returned],
                },
                "sections": [
                    {"section": s, "max_score": f"{m:.2f}", "expected": f"{e:.2f}", "indicators": n}
                    for s, m, e, n in o.sections
                ],
            }
        )


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IndicatorSerializer

    def get_queryset(self) -> QuerySet[ProvincialIndicator]:
        qs = ProvincialIndicator.objects.order_by("framework", "order", "pk").prefetch_related(
            Prefetch(
                "tasks", queryset=Task.objects.only("pk", "indicator_id", "reviewed_score", "self_score")
            )
        )
        framework = self.request.query_params.get("framework", "")
        if framework.isdigit():
            qs = qs.filter(framework_id=int(framework))
        return qs

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _office_only(request_user(request))
        return super().list(request, *args, **kwargs)

    def get_object(self) -> ProvincialIndicator:
        pk = int(self.kwargs["pk"]) if str(self.kwargs["pk"]).isdigit() else 0
        access.access_indicator(request_user(self.request), pk)
        return self.get_queryset().get(pk=pk)


class TaskViewSet(viewsets.GenericViewSet):
    serializer_class = TaskSerializer

    def get_queryset(self) -> QuerySet[Task]:
        return selectors.tasks().prefetch_related("evidence").order_by("deadline", "pk")

    def _task(self, *, write: bool = False) -> Task:
        pk = int(self.kwargs["pk"]) if str(self.kwargs["pk"]).isdigit() else 0
        return access.access_task(request_user(self.request), pk, write=write)

    def _answer(self, task: Task, code: int = status.HTTP_200_OK) -> Response:
        return Response(TaskSerializer(self.get_queryset().get(pk=task.pk)).data, status=code)

    def list(self, request: Request) -> Response:
        user = request_user(request)
        if not access.can_see_module(user):
            raise Http404
        params = request.query_params
        framework = params.get("framework", "")
        qs = selectors.task_list(
            status=params.get("status", "") if params.get("status") in TaskStatus.values else "",
            overdue=params.get("overdue") in ("1", "true"),
            today=timezone.localdate(),
            org_id=None if access.is_office(user) else user.org_id,
        )
        qs = qs.prefetch_related("evidence").order_by("deadline", "pk")
        if framework.isdigit():
            qs = qs.filter(indicator__framework_id=int(framework))
        if access.is_office(user) and params.get("org", "").isdigit():
            qs = qs.filter(org_id=int(params["org"]))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(TaskSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._answer(self._task())

    @extend_schema(request=TaskCreateSerializer, responses={201: TaskSerializer})
    def create(self, request: Request) -> Response:
        if not access.is_office(request_user(request)):
            raise PermissionDenied("只有市委依法治市办可以分派迎检任务。")
        data = _valid(TaskCreateSerializer, request.data)
        org: Org = data["org"]
        task = services.tasks_assign(
            actor=request_user(request),
            indicator=data["indicator"],
            orgs=[org],
            deadline=data["deadline"],
            description=data["description"],
        )[0]
        return self._answer(task, status.HTTP_201_CREATED)

    @extend_schema(request=TaskReportSerializer, responses={200: TaskSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        """A unit saves note and self_score; the office changes deadline and description."""
        task = self._task(write=True)
        if access.can_report(request_user(request), task) and not access.is_office(request_user(request)):
            data = _valid(TaskReportSerializer, request.data)
            services.task_report(
                actor=request_user(request),
                task=task,
                note=data.get("note", task.note),
                self_score=data.get("self_score", task.self_score),
            )
        else:
            access.require_review(request_user(request), task)
            data = _valid(TaskUpdateSerializer, request.data)
            services.task_update(
                actor=request_user(request),
                task=task,
                deadline=data.get("deadline", task.deadline),
                description=data.get("description", task.description),
            )
        return self._answer(task)

    def destroy(self, request: Request, pk: str) -> Response:
        task = self._task(write=True)
        access.require_review(request_user(request), task)
        services.task_delete(actor=request_user(request), task=task)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: TaskSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        task = self._task(write=True)
        access.require_report(request_user(request), task)
        services.task_submit(actor=request_user(request), task=task)
        return self._answer(task)

    @extend_schema(request=AcceptSerializer, responses={200: TaskSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        task = self._task(write=True)
        access.require_review(request_user(request), task)
        data = _valid(AcceptSerializer, request.data)
        services.task_accept(
            actor=request_user(request), task=task, reviewed_score=data.get("reviewed_score")
        )
        return self._answer(task)

    @extend_schema(request=ReturnSerializer, responses={200: TaskSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def send_back(self, request: Request, pk: str) -> Response:
        task = self._task(write=True)
        access.require_review(request_user(request), task)
        data = _valid(ReturnSerializer, request.data)
        services.task_return(
            actor=request_user(request),
            task=task,
            reason=data["reason"],
            reviewed_score=data.get("reviewed_score"),
        )
        return self._answer(task)

    @extend_schema(request={"multipart/form-data": EvidenceSerializer}, responses={201: TaskSerializer})
    @action(detail=True, methods=["post"])
    def evidence(self, request: Request, pk: str) -> Response:
        task = self._task(write=True)
        access.require_report(request_user(request), task)
        data = _valid(EvidenceSerializer, request.data)
        services.task_evidence_add(actor=request_user(request), task=task, uploaded_file=data["file"])
        return self._answer(task, status.HTTP_201_CREATED)


class ResultViewSet(viewsets.GenericViewSet):
    serializer_class = ResultSerializer
    pagination_class = None  # one result a year: the list is answered whole

    def list(self, request: Request) -> Response:
        _office_only(request_user(request))
        return Response(ResultSerializer(selectors.results(), many=True).data)

    def create(self, request: Request) -> Response:
        _office_only(request_user(request))
        data = _valid(ResultSerializer, request.data)
        result = services.result_record(
            actor=request_user(request),
            year=data["year"],
            grade=data["grade"],
            score=data.get("score"),
            note=data.get("note", ""),
        )
        return Response(ResultSerializer(result).data, status=status.HTTP_201_CREATED)


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def register(router: Any) -> None:
    router.register("provincial/frameworks", FrameworkViewSet, basename="provincial-framework")
    router.register("provincial/indicators", IndicatorViewSet, basename="provincial-indicator")
    router.register("provincial/tasks", TaskViewSet, basename="provincial-task")
    router.register("provincial/results", ResultViewSet, basename="provincial-result")
