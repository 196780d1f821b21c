"""/api/v1/problems/…: the problem tracker, with the pages' access functions and services.

- `problems/` list (filters as on the page: state, source, category, org, campaign,
  severity, supervised, overdue, open, year, q) and, for the office, POST to register
  (the answer lists `likely_duplicates`; they never block)
- `problems/{id}/` one problem with its history (`events`) and extension requests
- `problems/{id}/{assign|sign|return|verify|plan|rectify-now|complete|accept|reject|close|dismiss}/`
  POST one step (`note`, `deadline`, `org` as the step needs): 403 when it is the other
  party's step, 409 `invalid_transition` when the problem's state does not allow it
- `problems/{id}/supervise/` (office: `{"on": true, "note": …}`), `problems/{id}/extension/`
  (unit: `requested_deadline`, `reason`), `problems/{id}/extension/decide/` (office:
  `grant`, `deadline`, `note`)
- `problems/stats/` the counts of `fazhi problems stats --json`, over what the caller may see
- `problem-campaigns/` 专项整治 with categories, measures and counts
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from orgs.models import Org
from problems import access, selectors, services, workflow
from problems.models import (
    ExtensionRequest,
    ExtensionStatus,
    Problem,
    ProblemEvent,
    RectifyMode,
    Severity,
    Source,
    SpecialCampaign,
)


class InvalidTransition(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "invalid_transition"
    default_detail = "该操作与问题的当前状态不符。"


def _user(request: Any) -> User:
    return request.user  # type: ignore[no-any-return]


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


class EventSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]  # a field named like Field.label
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = ProblemEvent
        fields = [
            "id",
            "action",
            "label",
            "from_state",
            "to_state",
            "actor_name",
            "note",
            "deadline",
            "created_at",
            "attachments",
        ]
        read_only_fields = fields

    def get_attachments(self, obj: ProblemEvent) -> list[dict[str, Any]]:
        return [{"id": str(a.pk), "name": a.original_name, "sha256": a.sha256} for a in obj.attachments.all()]


class ExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExtensionRequest
        fields = [
            "id", "current_deadline", "requested_deadline", "reason", "status", "requested_at",
            "granted_deadline", "decision_note", "decided_at",
        ]  # fmt: skip
        read_only_fields = fields


class ProblemSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    state_label = serializers.CharField(read_only=True)
    org_code = serializers.CharField(source="org.code", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    overdue = serializers.SerializerMethodField()
    # blank until 整改 begins: declared so the schema allows "" beside the two modes
    rectify_mode = serializers.ChoiceField(choices=RectifyMode.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id", "number", "source", "category", "title", "description", "org", "org_code", "org_name",
            "severity", "supervised", "state", "state_label", "deadline", "overdue", "campaign", "duplicate_of",
            "rectify_mode", "source_label", "source_ref", "registered_at", "assigned_at", "closed_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_overdue(self, obj: Problem) -> bool:
        return obj.is_overdue(timezone.localdate())


class ProblemDetailSerializer(ProblemSerializer):
    events = serializers.SerializerMethodField()
    extensions = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(ProblemSerializer.Meta):
        fields = [*ProblemSerializer.Meta.fields, "events", "extensions", "actions"]
        read_only_fields = fields

    def get_events(self, obj: Problem) -> list[dict[str, Any]]:
        return EventSerializer(selectors.history(obj), many=True).data  # type: ignore[return-value]

    def get_extensions(self, obj: Problem) -> list[dict[str, Any]]:
        return ExtensionSerializer(obj.extensions.order_by("requested_at", "pk"), many=True).data  # type: ignore[return-value]

    def get_actions(self, obj: Problem) -> list[str]:
        """The steps the caller may take now."""
        role = access.role_for(self.context["request"].user, obj)
        return [t.action for t in workflow.allowed_actions(obj.state, role or "")]


class RegisterSerializer(serializers.Serializer):
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a field named like Field.source
        choices=Source.choices, error_messages={"invalid_choice": "来源无效。"}
    )
    title = serializers.CharField(
        max_length=200, error_messages={"blank": "请填写问题标题。", "required": "请填写问题标题。"}
    )
    org = serializers.SlugRelatedField(
        slug_field="code", queryset=Org.objects.filter(active=True),
        error_messages={"does_not_exist": "单位（机构代码 {value}）不存在或已停用。"},
    )  # fmt: skip
    description = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.NORMAL)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    supervised = serializers.BooleanField(required=False, default=False)
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=SpecialCampaign.objects.all(), required=False, allow_null=True, default=None,
        error_messages={"does_not_exist": "专项整治不存在。"},
    )  # fmt: skip


class StepSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    org = serializers.SlugRelatedField(
        slug_field="code", queryset=Org.objects.filter(active=True), required=False, allow_null=True, default=None,
        error_messages={"does_not_exist": "单位（机构代码 {value}）不存在或已停用。"},
    )  # fmt: skip
    duplicate_of = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class SuperviseSerializer(serializers.Serializer):
    on = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ExtensionRequestSerializer(serializers.Serializer):
    requested_deadline = serializers.DateField()
    reason = serializers.CharField(
        error_messages={"blank": "请填写延期理由。", "required": "请填写延期理由。"}
    )


class ExtensionDecideSerializer(serializers.Serializer):
    grant = serializers.BooleanField()
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SpecialCampaignSerializer(serializers.ModelSerializer):
    measures = serializers.SerializerMethodField()
    lead_org_name = serializers.CharField(source="lead_org.name", read_only=True, default="")

    class Meta:
        model = SpecialCampaign
        fields = [
            "id",
            "name",
            "year",
            "start_date",
            "end_date",
            "lead_org",
            "lead_org_name",
            "description",
            "categories",
            "measures",
        ]
        read_only_fields = fields

    def get_measures(self, obj: SpecialCampaign) -> list[dict[str, Any]]:
        return [
            {"id": m.pk, "title": m.title, "description": m.description, "org": m.org_id,
             "launched_on": m.launched_on, "benefit": m.benefit}
            for m in obj.measures.all()
        ]  # fmt: skip


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _step(self: ProblemViewSet, request: Request, pk: str, action_name: str) -> Response:
    problem = self._problem()
    data = _valid(StepSerializer, request.data)
    duplicate = None
    if data["duplicate_of"]:
        duplicate = access.visible_problems(_user(request)).filter(pk=data["duplicate_of"]).first()
        if duplicate is None:
            raise ValidationError({"duplicate_of": "所指的问题不存在。"})
    try:
        problem = services.problem_transition(
            actor=_user(request), problem=problem, action=action_name, note=data["note"],
            deadline=data["deadline"], org=data["org"], duplicate_of=duplicate,
        )  # fmt: skip
    except services.OutOfOrder as exc:
        raise InvalidTransition("；".join(exc.messages))
    return self._answer(problem)


class ProblemViewSet(viewsets.GenericViewSet):
    serializer_class = ProblemSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Problem]:
        if getattr(self, "swagger_fake_view", False):
            return Problem.objects.none()
        return access.visible_problems(_user(self.request)).select_related("org", "campaign")

    def _problem(self) -> Problem:
        return access.access_problem(_user(self.request), int(self.kwargs["pk"]))

    def _answer(self, problem: Problem, code: int = status.HTTP_200_OK) -> Response:
        fresh = access.access_problem(_user(self.request), problem.pk)
        return Response(ProblemDetailSerializer(fresh, context={"request": self.request}).data, status=code)

    @extend_schema(
        parameters=[
            OpenApiParameter(name, str, required=False)
            for name in ("state", "source", "category", "org", "campaign", "severity", "supervised", "overdue", "open", "year", "q")
        ]
    )  # fmt: skip
    def list(self, request: Request) -> Response:
        user = _user(request)
        if not access.can_see_module(user):
            raise PermissionDenied("没有权限查看问题线索。")
        p = request.query_params
        org = Org.objects.filter(code=p["org"]).values_list("pk", flat=True).first() if p.get("org") else None
        qs = selectors.problem_list(
            self.get_queryset(),
            state=p.get("state", ""),
            source=p.get("source", ""),
            category=p.get("category", "")[:50],
            org_id=org if org is not None else (_int(p.get("org")) if p.get("org") else None),
            campaign_id=_int(p.get("campaign")),
            severity=p.get("severity", ""),
            supervised=p.get("supervised") in ("1", "true"),
            overdue=p.get("overdue") in ("1", "true"),
            open_only=p.get("open") in ("1", "true"),
            year=_int(p.get("year")),
            query=p.get("q", "").strip()[:50],
        ).order_by("-registered_at", "-pk")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ProblemSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._answer(self._problem())

    @extend_schema(request=RegisterSerializer, responses={201: ProblemDetailSerializer})
    def create(self, request: Request) -> Response:
        if not access.can_register(_user(request)):
            raise PermissionDenied("只有市委依法治市办可以登记问题线索。")
        problem = services.problem_register(actor=_user(request), **_valid(RegisterSerializer, request.data))
        response = self._answer(problem, status.HTTP_201_CREATED)
        response.data["likely_duplicates"] = [
            {"id": p.pk, "number": p.number, "title": p.title, "state": p.state, "similarity": score}
            for p, score in selectors.duplicates_of(problem)
        ]
        return response

    @extend_schema(responses={200: dict})
    @action(detail=False)
    def stats(self, request: Request) -> Response:
        """Counts over the problems the caller may see (optionally ?year=&campaign=&source=)."""
        user = _user(request)
        if not access.can_see_module(user):
            raise PermissionDenied("没有权限查看问题线索。")
        p = request.query_params
        qs = selectors.problem_list(
            access.visible_problems(user),
            year=_int(p.get("year")),
            campaign_id=_int(p.get("campaign")),
            source=p.get("source", ""),
        )
        return Response(selectors.problem_stats(qs).as_json())

    @extend_schema(request=SuperviseSerializer, responses={200: ProblemDetailSerializer})
    @action(detail=True, methods=["post"])
    def supervise(self, request: Request, pk: str) -> Response:
        problem = self._problem()
        data = _valid(SuperviseSerializer, request.data)
        try:
            problem = services.problem_supervise(
                actor=_user(request), problem=problem, on=data["on"], note=data["note"]
            )
        except services.OutOfOrder as exc:
            raise InvalidTransition("；".join(exc.messages))
        return self._answer(problem)

    @extend_schema(request=ExtensionRequestSerializer, responses={201: ProblemDetailSerializer})
    @action(detail=True, methods=["post"])
    def extension(self, request: Request, pk: str) -> Response:
        problem = self._problem()
        data = _valid(ExtensionRequestSerializer, request.data)
        try:
            services.extension_request(actor=_user(request), problem=problem, **data)
        except services.OutOfOrder as exc:
            raise InvalidTransition("；".join(exc.messages))
        return self._answer(problem, status.HTTP_201_CREATED)

    @extend_schema(request=ExtensionDecideSerializer, responses={200: ProblemDetailSerializer})
    @action(detail=True, methods=["post"], url_path="extension/decide", url_name="extension-decide")
    def extension_decide(self, request: Request, pk: str) -> Response:
        problem = self._problem()
        data = _valid(ExtensionDecideSerializer, request.data)
        pending = problem.extensions.filter(status=ExtensionStatus.PENDING).first()
        if pending is None:
            if access.role_for(_user(request), problem) != workflow.OFFICE:
                raise PermissionDenied("只有市委依法治市办可以审批延期申请。")
            raise InvalidTransition("该问题没有待审批的延期申请。")
        try:
            services.extension_decide(actor=_user(request), extension=pending, **data)
        except services.OutOfOrder as exc:
            raise InvalidTransition("；".join(exc.messages))
        return self._answer(problem)

    # one POST endpoint per step of the flow
    _step_schema = extend_schema(request=StepSerializer, responses={200: ProblemDetailSerializer})

    @_step_schema
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        return _step(self, request, pk, workflow.ASSIGN)

    @_step_schema
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        return _step(self, request, pk, workflow.SIGN)

    @_step_schema
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def send_back(self, request: Request, pk: str) -> Response:
        return _step(self, request, pk, workflow.RETURN)

    @_step_schema
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        return _step(self, request, pk, workflow.VERIFY)

    @_step_schema
    @action(detail=True, methods=["post"])
    def plan(self, request: Request, pk: str) -> Response:
        return _step(self, request, pk, workflow.PLAN)

    @_step_schema
    @action(detail=True, methods=["post"], url_path="rectify-now", url_name="rectify-now")
    def rectify_now(self, request: Request, pk: str) -> Response:
        return _step(self, request, pk, workflow.RECTIFY_NOW)

    @_step_schema
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        return _step(self, request, pk, workflow.COMPLETE)

    @_step_schema
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        return _step(self, request, pk, workflow.ACCEPT)

    @_step_schema
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return _step(self, request, pk, workflow.REJECT)

    @_step_schema
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        return _step(self, request, pk, workflow.CLOSE)

    @_step_schema
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str) -> Response:
        return _step(self, request, pk, workflow.DISMISS)


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SpecialCampaignSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[SpecialCampaign]:
        if getattr(self, "swagger_fake_view", False):
            return SpecialCampaign.objects.none()
        user = _user(self.request)
        qs = SpecialCampaign.objects.select_related("lead_org").prefetch_related("measures")
        if access.is_office(user):
            return qs
        if not access.can_see_module(user):
            raise PermissionDenied("没有权限查看专项整治。")
        return qs.filter(pk__in=access.visible_problems(user).values("campaign_id"))


def register(router: Any) -> None:
    router.register("problems", ProblemViewSet, basename="problem")
    router.register("problem-campaigns", CampaignViewSet, basename="problem-campaign")
