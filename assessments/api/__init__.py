"""/api/v1/assessments/…: one module per resource group, one registration.

The same access functions and services as the pages (`assessments.access`,
`assessments.services`): a county sees only its own, an assessing unit only
its indicators, nobody another target's unpublished scores."""

from __future__ import annotations

from typing import Any

from assessments.api import (
    appeals,
    bonus_claims,
    campaigns,
    duties,
    frameworks,
    rectifications,
    results,
    scores,
    self_assessments,
    unit_classes,
)


def register(router: Any) -> None:
    router.register("assessments/frameworks", frameworks.FrameworkViewSet, basename="assessments-framework")
    router.register("assessments/campaigns", campaigns.CampaignViewSet, basename="assessments-campaign")
    router.register(
        "assessments/self-assessments",
        self_assessments.SelfAssessmentViewSet,
        basename="assessments-self-assessment",
    )
    router.register("assessments/scores", scores.ScoreViewSet, basename="assessments-score")
    router.register(
        "assessments/bonus-claims", bonus_claims.BonusClaimViewSet, basename="assessments-bonus-claim"
    )
    router.register(
        "assessments/scoring-duties", duties.ScoringDutyViewSet, basename="assessments-scoring-duty"
    )
    router.register("assessments/results", results.ResultViewSet, basename="assessments-result")
    router.register("assessments/appeals", appeals.AppealViewSet, basename="assessments-appeal")
    router.register(
        "assessments/rectifications",
        rectifications.RectificationViewSet,
        basename="assessments-rectification",
    )
    router.register(
        "assessments/unit-classes", unit_classes.UnitClassViewSet, basename="assessments-unit-class"
    )
