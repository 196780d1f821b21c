from __future__ import annotations

from decimal import Decimal as D

from assessments.models import Score, ScoreStatus, SocialEvaluation
from assessments.selectors import results
from assessments.tests.fixtures import ResultsTestCase


class CampaignResultsTestCase(ResultsTestCase):
    def test_it_aggregates_approved_scores_per_target(self):
        inputs = {t.code: t for t in results.campaign_inputs(self.campaign).inputs}
        self.assertEqual(inputs["440703"].indicator_total, D("95.00"))
        self.assertEqual(inputs["440703"].bonus, D("3.00"))
        self.assertEqual(inputs["440703"].lost, D("5.00"))
        self.assertEqual(inputs["440704"].indicator_total, D("88.00"))
        self.assertEqual(inputs["440704"].lost, D("12.00"))

    def test_it_reads_the_totals_in_a_constant_number_of_queries(self):
        # indicators, vetoes (partial index), aggregate, social evaluation, targets,
        # applies_to, and one query for the targets not scored on every indicator
        # (江海 has no bonus)
        with self.assertNumQueries(7):
            ranking = results.campaign_ranking(self.campaign)
        self.assertEqual(
            [(r.code, r.total, r.grade) for r in ranking],
            [("440703", D("98.00"), "优秀"), ("440704", D("88.00"), "良好")],
        )

    def test_it_ignores_scores_not_yet_approved(self):
        Score.objects.filter(target=self.county_org, indicator__code="A1").update(
            status=ScoreStatus.SUBMITTED
        )
        inputs = {t.code: t for t in results.campaign_inputs(self.campaign).inputs}
        self.assertEqual(inputs["440703"].indicator_total, D("57.00"))

    def test_it_counts_lost_points_of_incompletely_scored_and_limited_targets(self):
        Score.objects.filter(target=self.county_org, indicator__code="A2").update(
            status=ScoreStatus.SUBMITTED
        )
        a2 = Score.objects.get(target=self.stranger_org, indicator__code="A2").indicator
        a2.applies_to.add(self.stranger_org)  # A2 applies to 江海 only: 蓬江 is complete without it
        inputs = {t.code: t for t in results.campaign_inputs(self.campaign).inputs}
        self.assertEqual((inputs["440703"].indicator_total, inputs["440703"].lost), (D("65.00"), D("5.00")))
        self.assertEqual(inputs["440704"].lost, D("12.00"))
        Score.objects.filter(target=self.stranger_org, indicator__code="B1").update(status=ScoreStatus.DRAFT)
        inputs = {t.code: t for t in results.campaign_inputs(self.campaign).inputs}
        self.assertEqual((inputs["440704"].indicator_total, inputs["440704"].lost), (D("64.00"), D("6.00")))

    def test_it_fails_a_vetoed_target(self):
        Score.objects.filter(target=self.county_org, indicator__code="A1").update(veto=True)
        ranking = {r.code: r for r in results.campaign_ranking(self.campaign)}
        self.assertEqual(ranking["440703"].grade, "不合格")

    def test_it_weights_social_evaluation(self):
        SocialEvaluation.objects.create(campaign=self.campaign, target=self.county_org, score=D(80))
        rules = results.rules_with(results.campaign_rules(self.campaign), social_weight=D("0.5"))
        ranking = {r.code: r for r in results.campaign_ranking(self.campaign, rules)}
        self.assertEqual(ranking["440703"].total, D("89.00"))


class WhatIfTestCase(ResultsTestCase):
    def test_it_shows_ranks_and_grades_moving_without_saving(self):
        rules = results.rules_with(
            results.campaign_rules(self.campaign), thresholds={"优秀": D(99), "良好": D(85)}
        )
        rows = {r.now.code: r for r in results.what_if(self.campaign, rules)}
        self.assertEqual((rows["440703"].was.grade, rows["440703"].now.grade), ("优秀", "良好"))
        self.assertTrue(rows["440703"].grade_changed)
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.grade_rules["thresholds"]["优秀"], 90)

    def test_it_moves_ranks_with_the_social_weight(self):
        SocialEvaluation.objects.create(campaign=self.campaign, target=self.county_org, score=D(10))
        SocialEvaluation.objects.create(campaign=self.campaign, target=self.stranger_org, score=D(100))
        rules = results.rules_with(results.campaign_rules(self.campaign), social_weight=D("0.5"))
        rows = {r.now.code: r for r in results.what_if(self.campaign, rules)}
        self.assertEqual(rows["440704"].rank_move, 1)
        self.assertEqual(rows["440703"].rank_move, -1)
