from __future__ import annotations

from decimal import Decimal as D

from assessments.models import Method, Phase, Score, ScoreStatus, SocialEvaluation
from assessments.selectors import results
from assessments.services import campaigns as campaign_services
from assessments.services import frameworks as fw
from assessments.services import publication as publication_services
from assessments.services import scores as score_services
from assessments.services.scores import ItemInput
from assessments.tests.fixtures import ResultsTestCase, WorkflowTestCase, build_framework, future_deadlines


class CampaignResultsTestCase(ResultsTestCase):
    def test_it_aggregates_approved_scores_per_target(self):
        # in hundredths of a point (scoring.TargetUnits)
        inputs = {t.code: t for t in results.campaign_inputs(self.campaign).inputs}
        self.assertEqual(inputs["440703"].indicator_total, 9500)
        self.assertEqual(inputs["440703"].bonus, 300)
        self.assertEqual(inputs["440703"].lost, 500)
        self.assertEqual(inputs["440704"].indicator_total, 8800)
        self.assertEqual(inputs["440704"].lost, 1200)

    def test_it_reads_the_totals_in_a_constant_number_of_queries(self):
        # indicators, vetoes (partial index), aggregate, social evaluation,
        # targets, applies_to, the campaign's classes (分类考评: none, so no
        # members), and one query for the targets not scored on every
        # indicator (江海 has no bonus)
        with self.assertNumQueries(8):
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
        self.assertEqual(inputs["440703"].indicator_total, 5700)

    def test_it_counts_lost_points_of_incompletely_scored_and_limited_targets(self):
        Score.objects.filter(target=self.county_org, indicator__code="A2").update(
            status=ScoreStatus.SUBMITTED
        )
        a2 = Score.objects.get(target=self.stranger_org, indicator__code="A2").indicator
        a2.applies_to.add(self.stranger_org)  # A2 applies to 江海 only: 蓬江 is complete without it
        inputs = {t.code: t for t in results.campaign_inputs(self.campaign).inputs}
        self.assertEqual((inputs["440703"].indicator_total, inputs["440703"].lost), (6500, 500))
        self.assertEqual(inputs["440704"].lost, 1200)
        Score.objects.filter(target=self.stranger_org, indicator__code="B1").update(status=ScoreStatus.DRAFT)
        inputs = {t.code: t for t in results.campaign_inputs(self.campaign).inputs}
        self.assertEqual((inputs["440704"].indicator_total, inputs["440704"].lost), (6400, 600))

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


class NegativeListAndVetoTestCase(WorkflowTestCase):
    """The composite as it counts, through the database: scores entered and
    approved through the services on a framework with a 负面清单 indicator
    (C1, 一票否决 method, 分值 0: every deduction comes off the total) and a
    veto rule (A1-2)."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        framework = build_framework(cls.office, cls.sfj, cls.gaj, year=2024, lock=False)
        section = fw.section_create(actor=cls.office, framework=framework, code="C", name="负面清单", order=3)
        c1 = fw.indicator_create(
            actor=cls.office,
            section=section,
            code="C1",
            name="法治建设重大负面事项",
            max_score=D(0),
            method=Method.VETO,
            assessors=[cls.sfj],
        )
        fw.rule_create(
            actor=cls.office, indicator=c1, code="C1-1", text="发生负面事项的，每起扣3分", points=D(3)
        )
        framework = fw.framework_lock(actor=cls.office, framework=framework)
        cls.campaign = campaign_services.campaign_create(
            actor=cls.office,
            year=2024,
            name="2024年度法治建设考评",
            framework=framework,
            targets=[cls.county_org, cls.stranger_org],
            deadlines=future_deadlines(),
        )
        cls.framework = framework

    def enter_and_approve(self, target, code: str, *items: tuple[str, int], base_rule: str = "") -> None:
        score = self.score(target, code)
        rules = {r.code: r for r in score.indicator.rules.all()}
        chosen = [ItemInput(rule_id=rules[c].pk, count=n, reason=f"{c}：查实") for c, n in items]
        if base_rule:
            chosen.append(ItemInput(rule_id=rules[base_rule].pk))
        clerk, reviewer = (
            (self.assessor_b, self.reviewer_b) if code == "A2" else (self.assessor, self.reviewer)
        )
        score = score_services.score_save(
            actor=clerk,
            score=score,
            expected_version=score.version,
            items=chosen,
            reason="" if items or base_rule else "无加分事项" if code == "B2" else "",
            submit=True,
        )
        score_services.score_approve(actor=reviewer, score=score, expected_version=score.version)

    def score_everything(self) -> None:
        self.advance_to(Phase.SCORING)
        for target in (self.county_org, self.stranger_org):
            self.enter_and_approve(target, "A2")
            self.enter_and_approve(target, "B1", base_rule="B1-1")
            self.enter_and_approve(target, "B2")
        self.enter_and_approve(self.county_org, "A1")
        self.enter_and_approve(self.county_org, "C1", ("C1-1", 2))
        self.enter_and_approve(self.stranger_org, "A1", ("A1-2", 1))
        self.enter_and_approve(self.stranger_org, "C1")

    def test_it_takes_negative_list_deductions_beyond_the_indicator_from_the_total(self):
        self.score_everything()
        c1 = self.score(self.county_org, "C1")
        self.assertEqual((c1.score, c1.veto), (D("0.00"), False))  # the indicator stays in [0, 分值]
        ranking = {r.code: r for r in results.campaign_ranking(self.campaign)}
        self.assertEqual(ranking["440703"].deductions, D("6.00"))
        self.assertEqual(ranking["440703"].total, D("94.00"))  # 100 − 2 × 3
        self.assertEqual(ranking["440703"].grade, "优秀")

    def test_it_fails_a_target_with_a_veto_whatever_its_points(self):
        self.score_everything()
        a1 = self.score(self.stranger_org, "A1")
        self.assertEqual((a1.score, a1.veto), (D("40.00"), True))
        ranking = {r.code: r for r in results.campaign_ranking(self.campaign)}
        self.assertEqual((ranking["440704"].total, ranking["440704"].deductions), (D("100.00"), D("0.00")))
        self.assertEqual((ranking["440704"].veto, ranking["440704"].grade), (True, "不合格"))
        self.assertEqual(ranking["440704"].rank, 1)  # points rank first; the veto decides the grade

    def test_it_publishes_the_same_figures_it_ranks(self):
        self.score_everything()
        for phase in (Phase.FEEDBACK, Phase.APPEAL, Phase.FINAL_REVIEW):
            self.advance_to(phase)
        publication = publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        published = {r["code"]: r for r in publication.snapshot["ranking"]}
        self.assertEqual(
            (published["440703"]["deductions"], published["440703"]["total"], published["440704"]["grade"]),
            ("6.00", "94.00", "不合格"),
        )
