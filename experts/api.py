"""/api/v1/experts/…: the pool, draws and assignments.

Same access functions, masking helper and services as the pages:
- profiles/: business users list and read the pool with contacts masked (the
  office and the expert itself see them in clear); the office creates and
  changes profiles; profiles/me/ is the expert's own (GET, PATCH).
- fields/: the fixed list of 专业领域 (codes used by profiles and draws).
- draws/: the office lists, prepares (POST), executes, cancels; an expert on a
  draw's candidate list may read it; {id}/verify/ recomputes it.
- assignments/: an expert lists its own, the office all; {id}/decline/ (own or
  office), {id}/evaluate/ (office).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from experts import access, selectors, services, verification
from experts.masking import contacts_for
from experts.models import (
    Assignment,
    ConflictKind,
    Draw,
    DrawStatus,
    Expert,
    ExpertField,
    ExpertStatus,
    Purpose,
    Rating,
)
from experts.records import draw_json
from orgs.models import Org


def _user(request: Any) -> Any:
    return request.user


def _pk(raw: Any) -> int:
    return int(raw) if str(raw).isdigit() else 0


def _valid(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ExpertFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExpertField
        fields = ["code", "name"]


class ExpertSerializer(serializers.ModelSerializer):
    """Contacts through the one masking helper; conflicts, remarks and the account
    only for the office and the expert itself."""

    employer_org_name = serializers.CharField(source="employer_org.name", read_only=True, default="")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    contacts = serializers.SerializerMethodField()

    class Meta:
        model = Expert
        fields = [
            "id",
            "name",
            "title",
            "employer_name",
            "employer_org",
            "employer_org_name",
            "term_start",
            "term_end",
            "status",
            "status_label",
            "status_note",
            "expertise",
            "contacts",
        ]

    def get_contacts(self, obj: Expert) -> dict[str, Any]:
        return contacts_for(self.context["request"].user, obj).as_dict()

    def to_representation(self, instance: Expert) -> dict[str, Any]:
        data = super().to_representation(instance)
        chosen = list(instance.fields.all())
        data["field_codes"] = [f.code for f in chosen]
        data["field_names"] = [f.name for f in chosen]
        user = self.context["request"].user
        if access.can_see_private(user, instance):
            data["remarks"] = instance.remarks
            data["account"] = instance.user.username if instance.user else None
            data["conflicts"] = [
                {
                    "id": c.pk,
                    "kind": c.kind,
                    "org": c.org_id,
                    "org_name": c.org.name if c.org else "",
                    "description": c.description,
                }
                for c in selectors.conflicts(instance)
            ]
        return data


class ExpertWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    employer_name = serializers.CharField(max_length=100, required=False)
    employer_org = serializers.PrimaryKeyRelatedField(
        queryset=Org.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "单位不存在。"},
    )
    field_codes = serializers.ListField(child=serializers.CharField(max_length=32), required=False)
    term_start = serializers.DateField(
        required=False, error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"}
    )
    term_end = serializers.DateField(required=False, error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"})
    status = serializers.ChoiceField(choices=ExpertStatus.choices, required=False)
    status_note = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(
        required=False, allow_blank=True, error_messages={"invalid": "电子邮箱格式不正确。"}
    )
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    expertise = serializers.CharField(required=False, allow_blank=True)
    remarks = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ExpertCreateSerializer(ExpertWriteSerializer):
    name = serializers.CharField(max_length=50, error_messages={"required": "请填写姓名。"})
    employer_name = serializers.CharField(max_length=100, error_messages={"required": "请填写工作单位。"})
    field_codes = serializers.ListField(
        child=serializers.CharField(max_length=32),
        allow_empty=False,
        error_messages={"required": "请至少选择一个专业领域。", "empty": "请至少选择一个专业领域。"},
    )
    term_start = serializers.DateField(error_messages={"required": "请填写聘期开始日期。"})
    term_end = serializers.DateField(error_messages={"required": "请填写聘期结束日期。"})


OWN_KEYS = set(services.SELF_EDITABLE)
MAX_ID = 2**63 - 1  # the largest id a database row can have


def _profile_changes(data: dict[str, Any]) -> dict[str, Any]:
    """The API's field_codes is the services' fields."""
    if "field_codes" in data:
        data["fields"] = data.pop("field_codes")
    return data


class ExpertConflictSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ConflictKind.choices)
    org = serializers.PrimaryKeyRelatedField(
        queryset=Org.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "单位不存在。"},
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ExpertViewSet(viewsets.GenericViewSet):
    serializer_class = ExpertSerializer

    def get_queryset(self) -> QuerySet[Expert]:
        return selectors.experts().order_by("pk")

    def _answer(self, expert: Expert, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=expert.pk)
        return Response(ExpertSerializer(fresh, context={"request": self.request}).data, status=code)

    def list(self, request: Request) -> Response:
        if not access.can_see_pool(_user(request)):
            raise PermissionDenied("无权查看咨询专家库。")
        params = request.query_params
        qs = selectors.expert_list(
            field=params.get("field", "")[:32],
            status=params.get("status", "") if params.get("status") in ExpertStatus.values else "",
            query=params.get("q", "")[:50],
        ).order_by("pk")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(
            ExpertSerializer(page, many=True, context={"request": request}).data
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._answer(access.access_expert(_user(request), _pk(pk)))

    @extend_schema(request=ExpertCreateSerializer, responses={201: ExpertSerializer})
    def create(self, request: Request) -> Response:
        if not access.is_office(_user(request)):
            raise PermissionDenied("只有市委依法治市办可以新增专家。")
        data = _profile_changes(_valid(ExpertCreateSerializer, request.data))
        expert = services.expert_create(actor=_user(request), **data)
        return self._answer(expert, status.HTTP_201_CREATED)

    @extend_schema(request=ExpertWriteSerializer, responses={200: ExpertSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        expert = access.access_expert(_user(request), _pk(pk), write=True)
        data = _profile_changes(_valid(ExpertWriteSerializer, request.data))
        services.expert_update(actor=_user(request), expert=expert, **data)
        return self._answer(expert)

    @extend_schema(request=ExpertWriteSerializer, responses={200: ExpertSerializer})
    @action(detail=False, methods=["get", "patch"])
    def me(self, request: Request) -> Response:
        """The expert's own profile; PATCH changes contacts, title, employer, fields, expertise."""
        expert = access.own_profile(_user(request))
        if request.method == "PATCH":
            data = _profile_changes(_valid(ExpertWriteSerializer, request.data))
            barred = sorted(set(data) - OWN_KEYS)
            if barred:
                raise PermissionDenied("状态、聘期和登录账号由市委依法治市办维护，专家本人不能修改。")
            services.expert_update(actor=_user(request), expert=expert, **data)
        return self._answer(expert)

    @extend_schema(request=ExpertConflictSerializer, responses={201: ExpertSerializer})
    @action(detail=True, methods=["post"])
    def conflicts(self, request: Request, pk: str) -> Response:
        """Declare a conflict of interest (the office, or the expert for itself)."""
        expert = access.access_expert(_user(request), _pk(pk))
        if not access.can_see_private(_user(request), expert):
            raise PermissionDenied("只能为本人申报利益冲突。")
        data = _valid(ExpertConflictSerializer, request.data)
        services.conflict_declare(actor=_user(request), expert=expert, **data)
        return self._answer(expert, status.HTTP_201_CREATED)


class FieldViewSet(viewsets.GenericViewSet):
    serializer_class = ExpertFieldSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[ExpertField]:
        return selectors.fields()

    def list(self, request: Request) -> Response:
        if not access.can_see_pool(_user(request)):
            raise PermissionDenied("无权查看咨询专家库。")
        return Response(ExpertFieldSerializer(self.get_queryset(), many=True).data)


class ExpertDrawCreateSerializer(serializers.Serializer):
    purpose = serializers.CharField(max_length=200, error_messages={"required": "请填写抽取事由。"})
    purpose_code = serializers.ChoiceField(choices=Purpose.choices, default=Purpose.OTHER)
    object_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    object_label = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    link = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    size = serializers.IntegerField(
        error_messages={"required": "请填写专家组人数。", "invalid": "专家组人数应为整数。"}
    )
    backups = serializers.IntegerField(default=0, error_messages={"invalid": "候补人数应为整数。"})
    required_fields = serializers.ListField(child=serializers.CharField(max_length=32), default=list)
    # Ids are bounded: a 20-digit number must be a 400, not an overflow in the database (a 500).
    exclude_org_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), default=list
    )
    exclude_expert_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), default=list
    )
    recent_months = serializers.IntegerField(default=0, error_messages={"invalid": "月数应为整数。"})
    require_account = serializers.BooleanField(default=False)
    replaces = serializers.PrimaryKeyRelatedField(
        queryset=Draw.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "被重新抽取的记录不存在。"},
    )


class ExpertReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500, error_messages={"required": "请说明理由。", "blank": "请说明理由。"}
    )


class ExpertEvaluateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(
        choices=Rating.choices, error_messages={"invalid_choice": "履职评价等次无效。"}
    )
    evaluation = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def draw_body(user: Any, draw: Draw) -> dict[str, Any]:
    body = draw_json(draw)
    body["link"] = draw.link
    body["candidates"] = draw.candidates
    body["excluded"] = (
        draw.excluded
        if access.is_office(user)
        else [{"id": e.get("id"), "name": e.get("name")} for e in draw.excluded]
    )
    body["exclude_org_ids"] = draw.exclude_org_ids
    body["recent_months"] = draw.recent_months
    return body


class DrawViewSet(viewsets.GenericViewSet):
    def get_queryset(self) -> QuerySet[Draw]:
        return selectors.draws().order_by("-created_at", "-pk")

    def _draw(self, *, write: bool = False) -> Draw:
        return access.access_draw(_user(self.request), _pk(self.kwargs["pk"]), write=write)

    def _answer(self, draw: Draw, code: int = status.HTTP_200_OK) -> Response:
        return Response(draw_body(_user(self.request), Draw.objects.get(pk=draw.pk)), status=code)

    @extend_schema(responses={200: dict}, operation_id="experts_draws_list")
    def list(self, request: Request) -> Response:
        if not access.is_office(_user(request)):
            raise PermissionDenied("只有市委依法治市办可以查看全部抽取记录。")
        params = request.query_params
        qs = selectors.draw_list(
            status=params.get("status", "") if params.get("status") in DrawStatus.values else "",
            purpose_code=params.get("purpose_code", "")
            if params.get("purpose_code") in Purpose.values
            else "",
        ).order_by("-created_at", "-pk")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response([draw_body(_user(request), d) for d in page or []])

    @extend_schema(responses={200: dict})
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._answer(self._draw())

    @extend_schema(request=ExpertDrawCreateSerializer, responses={201: dict})
    def create(self, request: Request) -> Response:
        """Freeze the candidate list and publish the commitment (已承诺)."""
        if not access.is_office(_user(request)):
            raise PermissionDenied("只有市委依法治市办可以抽取专家。")
        data = _valid(ExpertDrawCreateSerializer, request.data)
        draw = services.draw_prepare(actor=_user(request), **data)
        return self._answer(draw, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["post"])
    def execute(self, request: Request, pk: str) -> Response:
        """Reveal the seed and draw (once)."""
        draw = services.draw_execute(actor=_user(request), draw=self._draw(write=True))
        return self._answer(draw)

    @extend_schema(request=ExpertReasonSerializer, responses={200: dict})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Cancel with a reason; the record stays and the seed is revealed."""
        draw = self._draw(write=True)
        data = _valid(ExpertReasonSerializer, request.data)
        return self._answer(services.draw_cancel(actor=_user(request), draw=draw, reason=data["reason"]))

    @extend_schema(responses={200: dict, 409: OpenApiResponse(description="抽取尚未执行，无从验证")})
    @action(detail=True, methods=["get"])
    def verify(self, request: Request, pk: str) -> Response:
        """Recompute the draw from its published list and seed and compare with the record."""
        draw = self._draw()
        try:
            checked = verification.verify_draw(draw)
        except verification.NotVerifiable as exc:
            return Response(
                {"error": {"code": "not_drawn", "message": str(exc)}}, status=status.HTTP_409_CONFLICT
            )
        outcome = checked.outcome
        return Response(
            {
                "id": draw.pk,
                "ok": checked.ok,
                "problems": checked.problems,
                "panel": list(outcome.panel) if outcome else None,
                "backups": list(outcome.backups) if outcome else None,
            }
        )


class ExpertAssignmentSerializer(serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.name", read_only=True)
    draw_purpose = serializers.CharField(source="draw.purpose", read_only=True)
    purpose_code = serializers.CharField(source="draw.purpose_code", read_only=True)
    object_label = serializers.CharField(source="draw.object_label", read_only=True)
    link = serializers.CharField(source="draw.link", read_only=True)
    replaces_expert = serializers.IntegerField(
        source="replaces.expert_id", read_only=True, default=None, allow_null=True
    )
    # Blank until evaluated: declared so the schema's enum admits "" (a read-only model field would not).
    rating = serializers.ChoiceField(choices=Rating.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "draw",
            "draw_purpose",
            "purpose_code",
            "object_label",
            "link",
            "expert",
            "expert_name",
            "role",
            "position",
            "status",
            "replaces_expert",
            "seated_at",
            "decline_reason",
            "declined_at",
            "rating",
            "evaluation",
            "evaluated_at",
        ]
        read_only_fields = fields


class AssignmentViewSet(viewsets.GenericViewSet):
    serializer_class = ExpertAssignmentSerializer

    def get_queryset(self) -> QuerySet[Assignment]:
        return selectors.assignments().order_by("-draw__executed_at", "pk")

    def _answer(self, assignment: Assignment) -> Response:
        return Response(ExpertAssignmentSerializer(self.get_queryset().get(pk=assignment.pk)).data)

    def list(self, request: Request) -> Response:
        """The office: all (?draw=, ?expert=); an expert: its own."""
        user = _user(request)
        qs = self.get_queryset()
        if access.is_office(user):
            for name in ("draw", "expert"):
                value = request.query_params.get(name, "")
                if value.isdigit():
                    qs = qs.filter(**{f"{name}_id": int(value)})
        elif access.is_expert_user(user):
            qs = qs.filter(expert__user=user)
        else:
            raise PermissionDenied("只有专家本人和市委依法治市办可以查看专家任务。")
        if request.query_params.get("open") in ("1", "true"):
            qs = qs.filter(status__in=("active", "standby"))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ExpertAssignmentSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._answer(access.access_assignment(_user(request), _pk(pk)))

    @extend_schema(request=ExpertReasonSerializer, responses={200: ExpertAssignmentSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        """Decline with a reason; a panel seat goes to the next backup in order."""
        assignment = access.access_assignment(_user(request), _pk(pk), write=True)
        data = _valid(ExpertReasonSerializer, request.data)
        services.assignment_decline(actor=_user(request), assignment=assignment, reason=data["reason"])
        return self._answer(assignment)

    @extend_schema(request=ExpertEvaluateSerializer, responses={200: ExpertAssignmentSerializer})
    @action(detail=True, methods=["post"])
    def evaluate(self, request: Request, pk: str) -> Response:
        assignment = access.access_assignment(_user(request), _pk(pk))
        if not access.is_office(_user(request)):
            raise PermissionDenied("只有市委依法治市办可以评价专家履职情况。")
        data = _valid(ExpertEvaluateSerializer, request.data)
        services.assignment_evaluate(actor=_user(request), assignment=assignment, **data)
        return self._answer(assignment)


def register(router: Any) -> None:
    router.register("experts/profiles", ExpertViewSet, basename="experts-profile")
    router.register("experts/fields", FieldViewSet, basename="experts-field")
    router.register("experts/draws", DrawViewSet, basename="experts-draw")
    router.register("experts/assignments", AssignmentViewSet, basename="experts-assignment")
