"""/api/v1/selections/…: editions, nominations, the assigned expert's reviews,
vote statistics for the office; and, without an account, the published results
and the vote with a one-time code.

Same access functions and services as the pages: an expert lists only its own
reviews; a unit only its own nominations; the office everything."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from audit.middleware import client_ip
from selections import access, aggregate, selectors, services, voters
from selections.models import Edition, Nomination, Phase, Review


class EditionSerializer(serializers.ModelSerializer):
    phase_label = serializers.CharField(source="get_phase_display", read_only=True)

    class Meta:
        model = Edition
        fields = [
            "id",
            "year",
            "ordinal",
            "name",
            "phase",
            "phase_label",
            "deadlines",
            "criteria_weights",
            "expert_weight",
            "public_weight",
            "shortlist_size",
            "top_n",
            "rules_frozen_at",
            "tracking_year",
            "indicator_code",
            "published_at",
        ]


class NominationSerializer(serializers.ModelSerializer):
    screening_label = serializers.CharField(source="get_screening_display", read_only=True)

    class Meta:
        model = Nomination
        fields = [
            "id",
            "edition",
            "number",
            "source",
            "title",
            "nominating_unit",
            "org",
            "description",
            "beneficiaries",
            "budget",
            "timeline",
            "screening",
            "screening_label",
            "screening_reason",
            "expert_score",
            "disagreement",
            "shortlisted",
            "votes_valid",
            "public_score",
            "composite",
            "rank",
            "selected",
            "responsible_org",
        ]


@extend_schema_serializer(component_name="SelectionReview")  # not 考评's score Review
class ReviewSerializer(serializers.ModelSerializer):
    nomination = NominationSerializer(read_only=True)
    submitted = serializers.BooleanField(read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "nomination",
            *aggregate.CRITERIA_CODES,
            "total",
            "comment",
            "submitted",
            "submitted_at",
        ]
        read_only_fields = ["total", "submitted_at"]


class ReviewWriteSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in aggregate.CRITERIA:
            self.fields[code] = serializers.DecimalField(
                max_digits=4,
                decimal_places=1,
                required=False,
                allow_null=True,
                min_value=aggregate.SCORE_MIN,
                max_value=aggregate.SCORE_MAX,
                error_messages={
                    "min_value": f"「{label}」的得分须在 0 到 10 分之间。",
                    "max_value": f"「{label}」的得分须在 0 到 10 分之间。",
                    "max_whole_digits": f"「{label}」的得分须在 0 到 10 分之间。",
                    "max_digits": f"「{label}」的得分须在 0 到 10 分之间。",
                    "invalid": f"「{label}」请填写 0 到 10 之间的数字。",
                },
            )


class ScreenSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class EditionViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500
    serializer_class = EditionSerializer

    def get_queryset(self) -> Any:
        if not access.can_see_module(self.request.user):
            raise PermissionDenied("没有权限查看惠民实事评选。")
        return Edition.objects.order_by("-year", "-ordinal")

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"], url_path="vote-stats")
    def vote_stats(self, request: Request, pk: str) -> Response:
        edition = access.access_edition(request.user, int(pk), write=True)
        stats = selectors.vote_stats(edition)
        stats["per_nomination"] = {str(k): v for k, v in stats["per_nomination"].items()}
        return Response(stats)


class NominationViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500
    serializer_class = NominationSerializer

    def get_queryset(self) -> Any:
        user: Any = self.request.user
        qs = Nomination.objects.order_by("edition_id", "number")
        if access.is_office(user):
            pass
        elif access.is_expert(user):
            qs = qs.filter(reviews__member__user=user).distinct()
        elif access.is_unit_user(user):
            qs = selectors.nominations_of_org(user.org_id).order_by("edition_id", "number")
        else:
            raise PermissionDenied("没有权限查看推荐项目。")
        edition = self.request.query_params.get("edition", "")
        if edition.isdigit():
            qs = qs.filter(edition_id=int(edition))
        return qs

    def get_object(self) -> Nomination:
        return access.access_nomination(self.request.user, int(self.kwargs["pk"]))

    @extend_schema(request=ScreenSerializer, responses={200: NominationSerializer})
    @action(detail=True, methods=["post"])
    def screen(self, request: Request, pk: str) -> Response:
        nomination = access.access_nomination(request.user, int(pk), write=True)
        data = ScreenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        nomination = services.nomination_screen(
            actor=request.user, nomination=nomination, **data.validated_data
        )
        return Response(NominationSerializer(nomination).data)


class ReviewViewSet(viewsets.GenericViewSet):
    """The reviews assigned to the expert (the office reads all of them)."""

    lookup_value_regex = r"\d+"  # ids are integers: anything else is a 404, not a 500

    serializer_class = ReviewSerializer

    def get_queryset(self) -> Any:
        user = self.request.user
        if access.is_office(user):
            return Review.objects.select_related("nomination").order_by(
                "nomination__edition_id", "nomination__number", "pk"
            )
        if access.is_expert(user):
            return selectors.reviews_for(user)
        raise PermissionDenied("只有评审专家可以查看评审任务。")

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ReviewSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ReviewSerializer(access.access_review(request.user, int(pk))).data)

    def _save(self, request: Request, pk: str, *, submit: bool) -> Response:
        review = access.access_review(request.user, int(pk), write=True)
        data = ReviewWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scores = {c: data.validated_data.get(c, getattr(review, c)) for c in aggregate.CRITERIA_CODES}
        review = services.review_save(
            actor=request.user,
            review=review,
            scores=scores,
            comment=data.validated_data.get("comment", review.comment),
            submit=submit,
        )
        return Response(ReviewSerializer(review).data)

    @extend_schema(request=ReviewWriteSerializer, responses={200: ReviewSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        return self._save(request, pk, submit=False)

    @extend_schema(request=ReviewWriteSerializer, responses={200: ReviewSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._save(request, pk, submit=True)


class PublicResultSerializer(serializers.ModelSerializer):
    results = serializers.JSONField(read_only=True)

    class Meta:
        model = Edition
        fields = ["id", "year", "ordinal", "name", "published_at", "results"]


class PublicResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Published results only; an edition not yet published does not exist here."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = PublicResultSerializer

    def get_queryset(self) -> Any:
        return Edition.objects.filter(phase__in=(Phase.PUBLISHED, Phase.TRACKING)).order_by("-year")


class VoteThrottle(SimpleRateThrottle):
    scope = "huimin_vote"

    def get_rate(self) -> str:
        return f"{int(settings.PUBLIC_VOTES_PER_HOUR)}/hour"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request._request) or "unknown"}


class VoteRefusedError(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "vote_refused"


class VoteInSerializer(serializers.Serializer):
    nomination = serializers.IntegerField()
    code = serializers.CharField(max_length=20)


class PublicVoteView(APIView):
    """POST a vote with a one-time code (the phone-number way needs the captcha of the web page)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [VoteThrottle]

    @extend_schema(request=VoteInSerializer, responses={201: dict})
    def post(self, request: Request, pk: int) -> Response:
        edition = Edition.objects.filter(pk=pk).first()
        if edition is None:
            raise Http404
        data = VoteInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            vote = services.vote_cast(
                edition=edition,
                nomination_id=data.validated_data["nomination"],
                method="code",
                credential=data.validated_data["code"],
                address=client_ip(request._request),
                fingerprint=voters.fingerprint(request._request),
            )
        except services.VoteRefused as exc:
            error = VoteRefusedError(exc.messages[0], code=exc.reason)
            error.default_code = exc.reason
            raise error from None
        return Response(
            {"vote": {"id": vote.pk, "nomination": vote.nomination_id, "doubtful": vote.doubtful}},
            status=status.HTTP_201_CREATED,
        )


def register(router: DefaultRouter) -> None:
    router.register("selections/editions", EditionViewSet, basename="selections-edition")
    router.register("selections/nominations", NominationViewSet, basename="selections-nomination")
    router.register("selections/reviews", ReviewViewSet, basename="selections-review")
    router.register("selections/public/results", PublicResultViewSet, basename="selections-public-result")


from django.urls import path  # noqa: E402

urlpatterns = [
    path(
        "selections/public/editions/<int:pk>/votes/", PublicVoteView.as_view(), name="selections-public-vote"
    ),
]
