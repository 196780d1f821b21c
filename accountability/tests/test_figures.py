"""考: a campaign indicator linked to a 述、评、督 figure shows the target's figure and its
source on the assessor's scoring page, and the 督察 deduction as a proposal the assessor
accepts (filled in, never saved by itself)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import SimpleTestCase
from django.urls import reverse

from accountability import figures, linkage, services
from accountability.models import IndicatorFigureLink
from accountability.tests.helpers import YEAR, AccountabilityTestCase
from assessments.models import Campaign, Framework, Indicator, Rule, Score, ScoreItem
from audit.models import AuditEntry

D = Decimal


class FitDeductionTestCase(SimpleTestCase):
    RULES = [
        linkage.RuleSpec(1, "add", D("0.5")),
        linkage.RuleSpec(2, "deduct", D("0.5")),
        linkage.RuleSpec(3, "deduct", D("1"), max_points=D("2")),
        linkage.RuleSpec(4, "deduct", D("0.3")),
    ]

    def test_it_takes_the_rule_that_gives_the_deduction_exactly_the_fewest_times(self):
        self.assertEqual(linkage.fit_deduction(D("1.5"), self.RULES), linkage.Fit(2, 3))
        self.assertEqual(linkage.fit_deduction(D("2"), self.RULES), linkage.Fit(3, 2))

    def test_it_respects_a_rules_cap(self):
        self.assertEqual(linkage.fit_deduction(D("3"), self.RULES), linkage.Fit(2, 6))

    def test_it_proposes_nothing_when_no_rule_fits_or_nothing_is_lost(self):
        self.assertIsNone(linkage.fit_deduction(D("0.25"), self.RULES))
        self.assertIsNone(linkage.fit_deduction(D("0"), self.RULES))
        self.assertIsNone(linkage.fit_deduction(D("1"), [linkage.RuleSpec(1, "add", D("1"))]))


class FiguresWorld(AccountabilityTestCase):
    """A campaign of the year whose indicator 5.3 has a 0.5-point 扣分 rule; 督察 findings
    of 蓬江区 (一般 and 较重) and 江海区 (严重)."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        framework = Framework.objects.create(year=YEAR, name="考评办法", total_score=D("100"))
        section = framework.sections.create(code="五", name="加强法治建设组织领导", order=5)
        cls.indicator = Indicator.objects.create(
            section=section, code="5.3", name="法治督察问题整改", max_score=D("3"), method="deduct"
        )
        cls.other = Indicator.objects.create(section=section, code="5.4", name="其他指标", max_score=D("2"))
        cls.rule = Rule.objects.create(
            indicator=cls.indicator,
            code="5.3-1",
            text="督察发现问题，每个扣0.5分",
            kind="deduct",
            points=D("0.5"),
        )
        for indicator in (cls.indicator, cls.other):
            indicator.assessors.add(cls.sfj)
        cls.campaign = Campaign.objects.create(year=YEAR, name="考评", framework=framework, phase="scoring")
        cls.campaign.targets.add(cls.county_org, cls.stranger_org)
        cls.campaign.assessors.add(cls.sfj)
        plan = services.inspection_plan_create(
            actor=cls.office,
            year=YEAR,
            topic="综合督察",
            start_on=datetime.date(YEAR, 9, 1),
            end_on=datetime.date(YEAR, 9, 30),
            targets=[cls.county_org, cls.stranger_org],
            team=[cls.assessor_b],
        )
        for target, severity in (
            (cls.county_org, "general"),
            (cls.county_org, "serious"),
            (cls.stranger_org, "grave"),
        ):
            services.finding_create(
                actor=cls.office,
                plan=plan,
                target=target,
                text="问题",
                severity=severity,
                deadline=datetime.date(YEAR, 12, 31),
            )

    def link(self, code: str = "5.3", figure: str = "findings") -> IndicatorFigureLink:
        return services.indicator_figure_link(
            actor=self.office, year=YEAR, indicator_code=code, figure=figure
        )

    def score_page(self, target, indicator=None, query: str = ""):
        score, _ = Score.objects.get_or_create(
            campaign=self.campaign, target=target, indicator=indicator or self.indicator
        )
        client = self.client_for(self.assessor)
        return score, client.get(reverse("assessments:score_detail", args=[score.pk]) + query)


class FiguresTestCase(FiguresWorld):
    def test_it_links_an_indicator_of_the_years_campaign_audited(self):
        link = self.link()
        entry = AuditEntry.objects.get(action="accountability.indicator_figure.linked")
        self.assertEqual(entry.data, {"year": YEAR, "indicator": "5.3", "figure": "findings"})
        with self.assertRaisesMessage(ValidationError, "该指标已关联这项数据。"):
            self.link()
        services.indicator_figure_unlink(actor=self.office, link=link)
        self.assertFalse(IndicatorFigureLink.objects.exists())
        self.assertTrue(AuditEntry.objects.filter(action="accountability.indicator_figure.unlinked").exists())

    def test_it_refuses_an_unknown_indicator_and_anyone_but_the_office(self):
        with self.assertRaisesMessage(ValidationError, f"{YEAR}年的考评中没有编号为“9.9”的指标。"):
            self.link("9.9")
        with self.assertRaisesMessage(ValidationError, f"{YEAR + 1}年的考评中没有编号为“5.3”的指标。"):
            services.indicator_figure_link(
                actor=self.office, year=YEAR + 1, indicator_code="5.3", figure="rating"
            )
        with self.assertRaises(PermissionDenied):
            services.indicator_figure_link(
                actor=self.assessor, year=YEAR, indicator_code="5.3", figure="rating"
            )
        self.assertFalse(IndicatorFigureLink.objects.exists())

    def test_it_gives_each_target_its_own_findings_and_proposed_deduction(self):
        self.link()
        own = figures.indicator_figures(self.indicator, self.county_org, YEAR)
        self.assertEqual(len(own), 1)
        self.assertEqual(own[0]["value"], "发现问题 2 个（按期整改 0 个），按规则建议扣 1.50 分。")
        self.assertEqual(
            own[0]["proposal"],
            {
                "points": D("1.50"),
                "rule_id": self.rule.pk,
                "count": 3,
                "reason": f"{YEAR}年综合督察发现问题 2 个，按述评督考责联动规则扣 1.50 分。",
            },
        )
        other = figures.indicator_figures(self.indicator, self.stranger_org, YEAR)
        self.assertEqual(other[0]["value"], "发现问题 1 个（按期整改 0 个），按规则建议扣 2.00 分。")
        self.assertEqual(figures.indicator_figures(self.other, self.county_org, YEAR), [])
        self.assertEqual(figures.indicator_figures(self.indicator, self.county_org, YEAR + 1), [])

    def test_it_gives_the_targets_own_shufa_and_rating_figures(self):
        self.link(figure="shufa")
        self.link(figure="rating")
        report = self.submitted_report()
        services.rating_save(actor=self.assessor, report=report, grade="满意", score=92)
        services.rating_save(actor=self.expert, report=report, grade="不满意", score=55)
        services.shufa_round_reviewers_set(
            actor=self.office,
            shufa_round=self.shufa_round,
            reviewers=[self.assessor, self.expert, self.assessor_b],
        )
        services.rating_save(actor=self.assessor_b, report=report, grade="满意", score=95)
        services.shufa_report_save(actor=self.leader_b, shufa_round=self.shufa_round, body="草稿")
        own = {f["label"]: f for f in figures.indicator_figures(self.indicator, self.county_org, YEAR)}
        self.assertEqual(own["述法报告提交情况"]["value"], "1/1 份述法报告已提交。")
        self.assertEqual(
            own["述法评议结果"]["value"],
            "平均 80.67 分（3 份评议：满意 2 份，基本满意 0 份，不满意 1 份；不满意占 33.3%）。",
        )
        self.assertEqual(own["述法评议结果"]["source"], f"来源：述评督考责模块 · {YEAR}年述法评议。")
        other = {
            f["label"]: f["value"] for f in figures.indicator_figures(self.indicator, self.stranger_org, YEAR)
        }
        self.assertEqual(other, {"述法报告提交情况": "0/1 份述法报告已提交。", "述法评议结果": "暂无评议。"})

    def test_it_shows_the_figure_and_its_source_on_the_scoring_page_of_the_linked_indicator_only(self):
        self.link()
        _, page = self.score_page(self.county_org)
        self.assertContains(page, "发现问题 2 个（按期整改 0 个），按规则建议扣 1.50 分。")
        self.assertContains(page, f"来源：述评督考责模块 · {YEAR}年综合督察")
        self.assertContains(page, "采用建议（填入评分表，核对后保存）")
        self.assertNotContains(page, "发现问题 1 个")  # 江海区's figure is not leaked
        _, unlinked = self.score_page(self.county_org, self.other)
        self.assertNotContains(unlinked, "述评督考责模块")

    def test_it_fills_the_proposal_into_the_editor_without_saving_it(self):
        self.link()
        score, page = self.score_page(self.county_org, query="?proposal=0")
        self.assertContains(page, "已将建议扣分填入评分表（尚未保存）")
        self.assertContains(page, f'name="rule_{self.rule.pk}_count" value="3"')
        self.assertContains(page, f"{YEAR}年综合督察发现问题 2 个，按述评督考责联动规则扣 1.50 分。")
        self.assertFalse(ScoreItem.objects.filter(score=score).exists())
        score.refresh_from_db()
        self.assertIsNone(score.score)

    def test_it_offers_no_proposal_to_accept_when_no_rule_gives_the_deduction(self):
        self.rule.points = D("0.4")
        self.rule.save()
        self.link()
        _, page = self.score_page(self.county_org, query="?proposal=0")
        self.assertContains(page, "本指标没有能恰好扣此分值的评分细则")
        self.assertNotContains(page, "采用建议")
        self.assertNotContains(page, "已将建议扣分填入评分表")


class IndicatorFigurePagesTestCase(FiguresWorld):
    def test_it_lets_the_office_link_and_unlink_on_its_page(self):
        client = self.client_for(self.office)
        url = reverse("accountability:indicator_figures") + f"?year={YEAR}"
        page = client.get(url)
        self.assertContains(page, "5.3 法治督察问题整改")
        done = client.post(url, {"indicator_code": "5.3", "figure": "rating"})
        self.assertRedirects(done, url)
        link = IndicatorFigureLink.objects.get()
        self.assertEqual((link.year, link.indicator_code, link.figure), (YEAR, "5.3", "rating"))
        again = client.post(url, {"indicator_code": "5.3", "figure": "rating"})
        self.assertContains(again, "该指标已关联这项数据。")
        client.post(reverse("accountability:indicator_figure_unlink", args=[link.pk]))
        self.assertFalse(IndicatorFigureLink.objects.exists())

    def test_it_hides_the_page_from_everyone_but_the_office(self):
        link = self.link()
        for user in (self.county, self.stranger, self.assessor, self.leader):
            with self.subTest(user=user.username):
                client = self.client_for(user)
                self.assertEqual(client.get(reverse("accountability:indicator_figures")).status_code, 404)
                unlink = client.post(reverse("accountability:indicator_figure_unlink", args=[link.pk]))
                self.assertEqual(unlink.status_code, 404)
        self.assertTrue(IndicatorFigureLink.objects.exists())


class IndicatorFigureApiTestCase(FiguresWorld):
    BASE = "/api/v1/accountability/indicator-figures/"

    def api(self, user):
        from rest_framework.test import APIClient

        client = APIClient()
        client.force_authenticate(user)
        return client

    def test_it_lets_the_office_list_link_and_unlink_through_the_api(self):
        client = self.api(self.office)
        response = client.post(
            self.BASE, {"year": YEAR, "indicator_code": "5.3", "figure": "rating"}, format="json"
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(
            (response.json()["indicator_code"], response.json()["figure_display"]),
            ("5.3", "评议：本单位述法报告评议结果"),
        )
        pk = response.json()["id"]
        listed = client.get(self.BASE, {"year": YEAR}).json()["results"]
        self.assertEqual([row["id"] for row in listed], [pk])
        self.assertEqual(client.get(self.BASE, {"year": YEAR - 1}).json()["results"], [])
        self.assertEqual(client.delete(f"{self.BASE}{pk}/").status_code, 204)
        self.assertFalse(IndicatorFigureLink.objects.exists())
        self.assertEqual(
            AuditEntry.objects.filter(action__startswith="accountability.indicator_figure.").count(), 2
        )

    def test_it_answers_a_structured_error_for_an_unknown_indicator_or_a_repeat(self):
        client = self.api(self.office)
        response = client.post(
            self.BASE, {"year": YEAR, "indicator_code": "9.9", "figure": "rating"}, format="json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("indicator_code", str(response.json()))
        self.assertIn("没有编号为“9.9”的指标", str(response.json()))
        self.link(figure="rating")
        again = client.post(
            self.BASE, {"year": YEAR, "indicator_code": "5.3", "figure": "rating"}, format="json"
        )
        self.assertEqual(again.status_code, 400)
        self.assertIn("该指标已关联这项数据", str(again.json()))
        bad = client.post(
            self.BASE, {"year": YEAR, "indicator_code": "5.3", "figure": "votes"}, format="json"
        )
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(IndicatorFigureLink.objects.count(), 1)

    def test_it_hides_the_links_from_everyone_but_the_office(self):
        link = self.link()
        for user in (self.county, self.assessor, self.leader):
            client = self.api(user)
            self.assertEqual(client.get(self.BASE).status_code, 404)
            self.assertEqual(
                client.post(
                    self.BASE, {"year": YEAR, "indicator_code": "5.4", "figure": "rating"}, format="json"
                ).status_code,
                404,
            )
            self.assertEqual(client.delete(f"{self.BASE}{link.pk}/").status_code, 404)
        self.assertEqual(IndicatorFigureLink.objects.count(), 1)
