"""/api/v1/accountability/…: 述、评、督、考、责 through the same access
functions, selectors and services as the pages.

- rounds/: the office lists and opens 述法 rounds (POST {year, title, deadline,
  template}) and ends one ({id}/close/).
- reports/: a leader lists its own and writes (POST {round, body}); a unit
  lists its org's; a reviewer the submitted reports of its rounds; the office
  all. {id}/submit/ (own), {id}/return/ (office), {id}/rate/ (reviewer).
- plans/ and findings/: the office, and 督察组 members for their plans. The office
  makes a plan (POST) and edits it (PATCH with the `version` it read; a stale one
  is a 409); the office or the plan's team record a visit ({id}/records/) and a
  finding (POST findings/), which opens a problem when the tracker is installed.
- actions/: the office lists, proposes (POST {year}), {id}/decide/, {id}/follow-up/.
- indicator-figures/: the office lists (?year=), links (POST {year, indicator_code,
  figure}) and unlinks (DELETE {id}/) a campaign indicator and a 述、评、督 figure.
- dossiers/leaders/{id}/{year}/ and dossiers/orgs/{id}/{year}/: as the pages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from accountability import access, problems_link, selectors, services
from accountability.linkage import GRADES
from accountability.models import (
    AccountabilityAction,
    Figure,
    Finding,
    IndicatorFigureLink,
    InspectionPlan,
    InspectionRecord,
    Severity,
    ShufaReport,
    ShufaRound,
)
from accounts.models import User
from orgs.models import Org


def _user(request: Any) -> Any:
    return request.user


def _pk(raw: Any) -> int:
    return int(raw) if str(raw).isdigit() else 0


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class BusinessUser(permissions.BasePermission):
    """The three admins (三员) see no business data."""

    message = "三员账号不能查看述法、督察和问责数据。"

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.role_id and not user.is_admin_role)


PERMISSIONS = [permissions.IsAuthenticated, BusinessUser]


class AccountabilityRoundSerializer(serializers.ModelSerializer):
    reviewers: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = ShufaRound
        fields = ["id", "year", "title", "deadline", "template", "closed_at", "reviewers", "draw"]
        read_only_fields = ["draw"]


class AccountabilityRoundWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    deadline = serializers.DateField()
    template = serializers.CharField(max_length=5000)


# who may sit on a 督察组 or review is the services' rule (access.is_business), with its
# own message; the fields only look the accounts up


class AccountabilityReviewersSerializer(serializers.Serializer):
    """The round's reviewers as a whole (they replace the ones before), and an
    executed 述法评议 expert draw whose seated experts join them."""

    reviewers = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)
    draw = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class AccountabilityPlanWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    topic = serializers.CharField(max_length=200)
    start_on = serializers.DateField()
    end_on = serializers.DateField()
    targets = serializers.PrimaryKeyRelatedField(queryset=Org.objects.all(), many=True)
    team = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)


class AccountabilityPlanEditSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    topic = serializers.CharField(max_length=200, required=False)
    start_on = serializers.DateField(required=False)
    end_on = serializers.DateField(required=False)
    targets = serializers.PrimaryKeyRelatedField(queryset=Org.objects.all(), many=True, required=False)
    team = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)


class AccountabilityRecordWriteSerializer(serializers.Serializer):
    target = serializers.PrimaryKeyRelatedField(queryset=Org.objects.all())
    visited_on = serializers.DateField()
    notes = serializers.CharField(max_length=5000)


class AccountabilityRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionRecord
        fields = ["id", "plan", "target", "visited_on", "notes", "recorded_by"]


class AccountabilityFindingWriteSerializer(serializers.Serializer):
    plan = serializers.IntegerField(min_value=1)
    target = serializers.PrimaryKeyRelatedField(queryset=Org.objects.all())
    text = serializers.CharField(max_length=5000)
    severity = serializers.ChoiceField(choices=Severity.choices)
    deadline = serializers.DateField()
    record = serializers.PrimaryKeyRelatedField(
        queryset=InspectionRecord.objects.all(), required=False, allow_null=True, default=None
    )


class AccountabilityReportSerializer(serializers.ModelSerializer):
    leader_name = serializers.CharField(source="leader.display_name", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    year = serializers.IntegerField(source="round.year", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    rating = serializers.SerializerMethodField()

    class Meta:
        model = ShufaReport
        fields = [
            "id",
            "round",
            "year",
            "leader",
            "leader_name",
            "org",
            "org_name",
            "body",
            "state",
            "state_label",
            "submitted_at",
            "return_reason",
            "rating",
        ]

    def get_rating(self, obj: ShufaReport) -> dict[str, Any] | None:
        user = self.context["request"].user
        if (
            access.is_office(user)
            or obj.leader_id == user.pk
            or (access.is_unit(user) and obj.org_id == user.org_id)
        ):
            return selectors.rating_summary(obj).as_dict()
        return None


class AccountabilityReportWriteSerializer(serializers.Serializer):
    round = serializers.PrimaryKeyRelatedField(queryset=ShufaRound.objects.all())
    body = serializers.CharField(max_length=services.MAX_BODY)


class AccountabilityRatingSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=[(g, g) for g in GRADES])
    score = serializers.IntegerField(
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": "评分须为 0 到 100 之间的整数。",
            "max_value": "评分须为 0 到 100 之间的整数。",
        },
    )
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AccountabilityReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class AccountabilityDecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("confirm", "确认"), ("dismiss", "驳回")])
    reason = serializers.CharField(max_length=500)


class AccountabilityFollowUpSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000)
    done = serializers.BooleanField(required=False, default=False)


class AccountabilityYearSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class AccountabilityFindingSerializer(serializers.ModelSerializer):
    target_name = serializers.CharField(source="target.name", read_only=True)
    plan_topic = serializers.CharField(source="plan.topic", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "plan",
            "plan_topic",
            "record",
            "target",
            "target_name",
            "text",
            "severity",
            "deadline",
            "rectified_on",
            "problem_id",
        ]


class AccountabilityPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionPlan
        fields = ["id", "year", "topic", "start_on", "end_on", "targets", "team", "version"]


class AccountabilityActionSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = AccountabilityAction
        fields = [
            "id",
            "year",
            "org",
            "leader",
            "kind",
            "kind_label",
            "basis",
            "state",
            "state_label",
            "decision_reason",
            "decided_at",
            "follow_up",
            "done_at",
        ]


class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = PERMISSIONS
    serializer_class = AccountabilityRoundSerializer

    def get_queryset(self) -> QuerySet[ShufaRound]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ShufaRound.objects.none()
        if not access.is_office(_user(self.request)):
            raise Http404
        return selectors.rounds().prefetch_related("reviewers")

    @extend_schema(request=AccountabilityRoundWriteSerializer, responses={201: AccountabilityRoundSerializer})
    def create(self, request: Request) -> Response:
        """Open the year's 述法 round (one per year)."""
        self.get_queryset()  # 404 for whoever does not run rounds
        data = _valid(AccountabilityRoundWriteSerializer, request.data)
        shufa_round = services.shufa_round_create(actor=_user(request), **data)
        return Response(self.get_serializer(shufa_round).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: AccountabilityRoundSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        """End the round: no more reports, returns or ratings."""
        shufa_round = self.get_object()
        return Response(
            self.get_serializer(
                services.shufa_round_close(actor=_user(request), shufa_round=shufa_round)
            ).data
        )

    @extend_schema(request=AccountabilityReviewersSerializer, responses={200: AccountabilityRoundSerializer})
    @action(detail=True, methods=["put"])
    def reviewers(self, request: Request, pk: str) -> Response:
        """Set the round's reviewers (as the round's page does): users chosen by
        the office plus the experts of an executed 述法评议 draw; never a leader."""
        shufa_round = self.get_object()
        data = _valid(AccountabilityReviewersSerializer, request.data)
        draw = None
        if data.get("draw") is not None:
            from experts.models import Draw

            draw = Draw.objects.filter(pk=data["draw"]).first()
            if draw is None:
                raise ValidationError({"draw": "请选择已执行的“述法评议”专家抽取。"})
        services.shufa_round_reviewers_set(
            actor=_user(request), shufa_round=shufa_round, reviewers=data.get("reviewers", []), draw=draw
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=shufa_round.pk)).data)


class ReportViewSet(viewsets.GenericViewSet):
    permission_classes = PERMISSIONS
    serializer_class = AccountabilityReportSerializer

    def get_queryset(self) -> QuerySet[ShufaReport]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ShufaReport.objects.none()
        user = _user(self.request)
        qs = selectors.reports().order_by("-round__year", "org__code", "pk")
        if access.is_office(user):
            return qs
        visible = Q(leader=user) | Q(state="submitted", round__reviewers=user)
        if access.is_unit(user):
            visible |= Q(org_id=user.org_id)
        return qs.filter(visible).distinct()

    def _answer(self, report: ShufaReport, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.reports().get(pk=report.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(responses={200: AccountabilityReportSerializer(many=True)})
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={200: AccountabilityReportSerializer})
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._answer(access.access_report(_user(request), _pk(pk)))

    @extend_schema(
        request=AccountabilityReportWriteSerializer, responses={201: AccountabilityReportSerializer}
    )
    def create(self, request: Request) -> Response:
        """Write or edit the leader's own report of a round (draft or returned)."""
        data = _valid(AccountabilityReportWriteSerializer, request.data)
        report = services.shufa_report_save(
            actor=_user(request), shufa_round=data["round"], body=data["body"]
        )
        return self._answer(report, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: AccountabilityReportSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        report = access.access_report(_user(request), _pk(pk), write=True)
        return self._answer(services.shufa_report_submit(actor=_user(request), report=report))

    @extend_schema(request=AccountabilityReasonSerializer, responses={200: AccountabilityReportSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str) -> Response:
        report = access.access_report(_user(request), _pk(pk))
        data = _valid(AccountabilityReasonSerializer, request.data)
        return self._answer(
            services.shufa_report_return(actor=_user(request), report=report, reason=data["reason"])
        )

    @extend_schema(request=AccountabilityRatingSerializer, responses={200: dict})
    @action(detail=True, methods=["post"])
    def rate(self, request: Request, pk: str) -> Response:
        report = access.access_report(_user(request), _pk(pk))
        data = _valid(AccountabilityRatingSerializer, request.data)
        rating = services.rating_save(actor=_user(request), report=report, **data)
        return Response({"id": rating.pk, "report": report.pk, "grade": rating.grade, "score": rating.score})


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = PERMISSIONS
    serializer_class = AccountabilityPlanSerializer

    def get_queryset(self) -> QuerySet[InspectionPlan]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return InspectionPlan.objects.none()
        user = _user(self.request)
        qs = selectors.plans().order_by("-year", "pk")
        return qs if access.is_office(user) else qs.filter(team=user)

    def _answer(self, plan: InspectionPlan, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(selectors.plans().get(pk=plan.pk)).data, status=code)

    @extend_schema(request=AccountabilityPlanWriteSerializer, responses={201: AccountabilityPlanSerializer})
    def create(self, request: Request) -> Response:
        """Make a 督察 plan: topic, targets, team, dates."""
        if not access.is_office(_user(request)):
            raise PermissionDenied("只有市委依法治市办可以制定督察计划。")
        data = _valid(AccountabilityPlanWriteSerializer, request.data)
        plan = services.inspection_plan_create(actor=_user(request), **data)
        return self._answer(plan, status.HTTP_201_CREATED)

    @extend_schema(request=AccountabilityPlanEditSerializer, responses={200: AccountabilityPlanSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        """Edit the plan as read at `version`; omitted fields keep their value."""
        plan = access.access_plan(_user(request), _pk(pk))
        data = _valid(AccountabilityPlanEditSerializer, request.data)
        edited = services.inspection_plan_update(
            actor=_user(request),
            plan=plan,
            expected_version=data.pop("version"),
            topic=data.get("topic", plan.topic),
            start_on=data.get("start_on", plan.start_on),
            end_on=data.get("end_on", plan.end_on),
            targets=data.get("targets", list(plan.targets.all())),
            team=data.get("team", list(plan.team.all())),
        )
        return self._answer(edited)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        """Delete a plan made by mistake (the office), while it has no records or findings (else 400)."""
        plan = access.access_plan(_user(request), _pk(pk))
        services.inspection_plan_delete(actor=_user(request), plan=plan)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=AccountabilityRecordWriteSerializer, responses={201: AccountabilityRecordSerializer}
    )
    @action(detail=True, methods=["post"])
    def records(self, request: Request, pk: str) -> Response:
        """Record a visit of the plan (the office or the plan's team)."""
        plan = access.access_plan(_user(request), _pk(pk))
        data = _valid(AccountabilityRecordWriteSerializer, request.data)
        record = services.inspection_record_create(actor=_user(request), plan=plan, **data)
        return Response(AccountabilityRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class RecordViewSet(viewsets.GenericViewSet):
    """督察 records are written under their plan (POST plans/{id}/records/); here one is deleted."""

    permission_classes = PERMISSIONS
    serializer_class = AccountabilityRecordSerializer

    def get_queryset(self) -> QuerySet[InspectionRecord]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return InspectionRecord.objects.none()
        user = _user(self.request)
        qs = InspectionRecord.objects.select_related("plan")
        return qs if access.is_office(user) else qs.filter(plan__team=user).distinct()

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        """Delete a record written by mistake (the office or its author), unless a finding refers to it (400)."""
        record = self.get_object()
        services.inspection_record_delete(actor=_user(request), record=record)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FindingViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = PERMISSIONS
    serializer_class = AccountabilityFindingSerializer

    def get_queryset(self) -> QuerySet[Finding]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Finding.objects.none()
        user = _user(self.request)
        qs = selectors.findings().order_by("-plan__year", "pk")
        if access.is_office(user):
            return qs
        visible = Q(plan__team=user)
        if access.is_unit(user):
            visible |= Q(target_id=user.org_id)
        return qs.filter(visible).distinct()

    @extend_schema(
        request=AccountabilityFindingWriteSerializer, responses={201: AccountabilityFindingSerializer}
    )
    def create(self, request: Request) -> Response:
        """Record a finding of a plan; with the problem tracker installed it is opened there too."""
        data = _valid(AccountabilityFindingWriteSerializer, request.data)
        plan = access.access_plan(_user(request), data.pop("plan"))
        with transaction.atomic():  # the finding and its problem together, or neither
            finding = services.finding_create(actor=_user(request), plan=plan, **data)
            problems_link.finding_open_problem(actor=_user(request), finding=finding)
        fresh = selectors.findings().get(pk=finding.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)


class ActionViewSet(viewsets.GenericViewSet):
    permission_classes = PERMISSIONS
    serializer_class = AccountabilityActionSerializer

    def get_queryset(self) -> QuerySet[AccountabilityAction]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return AccountabilityAction.objects.none()
        if not access.is_office(_user(self.request)):
            raise Http404
        return selectors.actions().order_by("-year", "org__code", "pk")

    def _action(self) -> AccountabilityAction:
        return access.access_action(_user(self.request), _pk(self.kwargs["pk"]))

    @extend_schema(responses={200: AccountabilityActionSerializer(many=True)})
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={200: AccountabilityActionSerializer})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self._action()).data)

    @extend_schema(
        request=AccountabilityYearSerializer,
        # The created actions, not a page of them (a many=True serializer would be documented paginated).
        responses={201: {"type": "array", "items": {"$ref": "#/components/schemas/AccountabilityAction"}}},
    )
    def create(self, request: Request) -> Response:
        """Run the 责 rules for the year; returns the proposals made now."""
        if not access.is_office(_user(request)):
            raise PermissionDenied("只有市委依法治市办可以生成问责建议。")
        data = _valid(AccountabilityYearSerializer, request.data)
        created = services.actions_propose(actor=_user(request), year=data["year"])
        return Response(self.get_serializer(created, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AccountabilityDecideSerializer, responses={200: AccountabilityActionSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        data = _valid(AccountabilityDecideSerializer, request.data)
        done = services.action_decide(
            actor=_user(request),
            action=self._action(),
            confirm=data["decision"] == "confirm",
            reason=data["reason"],
        )
        return Response(self.get_serializer(done).data)

    @extend_schema(request=AccountabilityFollowUpSerializer, responses={200: AccountabilityActionSerializer})
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, pk: str) -> Response:
        data = _valid(AccountabilityFollowUpSerializer, request.data)
        done = services.action_follow_up(actor=_user(request), action=self._action(), **data)
        return Response(self.get_serializer(done).data)


class AccountabilityIndicatorFigureSerializer(serializers.ModelSerializer):
    figure_display = serializers.CharField(source="get_figure_display", read_only=True)

    class Meta:
        model = IndicatorFigureLink
        fields = ["id", "year", "indicator_code", "figure", "figure_display", "created_at"]


class AccountabilityIndicatorFigureWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    indicator_code = serializers.CharField(max_length=20)
    figure = serializers.ChoiceField(choices=Figure.choices)


class IndicatorFigureViewSet(viewsets.GenericViewSet):
    """考: which campaign indicators read a 述、评、督 figure (office only; others 404)."""

    permission_classes = PERMISSIONS
    serializer_class = AccountabilityIndicatorFigureSerializer

    def get_queryset(self) -> QuerySet[IndicatorFigureLink]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return IndicatorFigureLink.objects.none()
        if not access.is_office(_user(self.request)):
            raise Http404
        qs = IndicatorFigureLink.objects.order_by("-year", "indicator_code", "figure", "pk")
        year = self.request.query_params.get("year", "")
        return qs.filter(year=int(year)) if year.isdigit() else qs

    @extend_schema(responses={200: AccountabilityIndicatorFigureSerializer(many=True)})
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=AccountabilityIndicatorFigureWriteSerializer,
        responses={201: AccountabilityIndicatorFigureSerializer},
    )
    def create(self, request: Request) -> Response:
        """Link the year's campaign indicator (by code) to a figure."""
        self.get_queryset()  # 404 for whoever is not the office
        data = _valid(AccountabilityIndicatorFigureWriteSerializer, request.data)
        link = services.indicator_figure_link(actor=_user(request), **data)
        return Response(self.get_serializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        link = self.get_queryset().filter(pk=_pk(pk)).first()
        if link is None:
            raise Http404
        services.indicator_figure_unlink(actor=_user(request), link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(responses={200: dict}, operation_id="accountability_dossier_leader")
@api_view(["GET"])
@permission_classes(PERMISSIONS)
def leader_dossier(request: Request, pk: int, year: int) -> Response:
    leader = User.objects.filter(pk=pk, role_id="leader").select_related("org").first()
    if leader is None or leader.org is None or not access.can_see_leader_dossier(_user(request), leader):
        raise Http404
    return Response(selectors.dossier(org=leader.org, year=year, leader=leader).as_dict())


@extend_schema(responses={200: dict}, operation_id="accountability_dossier_org")
@api_view(["GET"])
@permission_classes(PERMISSIONS)
def org_dossier(request: Request, pk: int, year: int) -> Response:
    org = Org.objects.filter(pk=pk).first()
    if org is None or not access.can_see_org_dossier(_user(request), org):
        raise Http404
    return Response(selectors.dossier(org=org, year=year).as_dict())


urlpatterns = [
    path(
        "accountability/dossiers/leaders/<int:pk>/<int:year>/",
        leader_dossier,
        name="accountability-dossier-leader",
    ),
    path("accountability/dossiers/orgs/<int:pk>/<int:year>/", org_dossier, name="accountability-dossier-org"),
]


def register(router: Any) -> None:
    router.register("accountability/rounds", RoundViewSet, basename="accountability-round")
    router.register("accountability/reports", ReportViewSet, basename="accountability-report")
    router.register("accountability/plans", PlanViewSet, basename="accountability-plan")
    router.register("accountability/records", RecordViewSet, basename="accountability-record")
    router.register("accountability/findings", FindingViewSet, basename="accountability-finding")
    router.register("accountability/actions", ActionViewSet, basename="accountability-action")
    router.register(
        "accountability/indicator-figures", IndicatorFigureViewSet, basename="accountability-indicator-figure"
    )
