"""The leaders' cockpit (驾驶舱): each panel's figures worked out by hand from
the data made here, who sees it, the drill-downs, the xlsx and the query count.

The year 2023, two counties (蓬江区 = county_org, 江海区 = stranger_org):
- 考评: the ResultsTestCase campaign (A1 40, A2 30, B1 30, B2 加分 5; all
  approved but 江海区's B2), 8 target × indicator pairs; self-assessments
  submitted: 蓬江 A1, A2 (2/4 = 50.0%), 江海 A1 (1/4 = 25.0%); scores in
  force: 蓬江 4/4 = 100.0%, 江海 3/4 = 75.0%. Published: 蓬江 95 + 3 = 98.00
  优秀, 江海 88.00 良好.
- 述法: 蓬江 two leaders (one submitted, one draft), 江海 one (submitted);
  ratings 满意 90, 基本满意 80, 不满意 50 → mean 73.3. 督察: 蓬江 two 一般,
  江海 one 较重. 问责: 2023 one 待确认 and one 已确认 (a 2022 one not counted).
- 惠民实事: the 2023 edition in 公众投票 with 4 nominations (3 eligible, 2
  shortlisted, none selected yet); the 2022 edition's two projects carried out
  in 2023: P1 (rank 1) reported 40% then 60%, milestones 1 of 2 done; P2 no
  report, its one milestone done.
- 绩效: 698,000 budgeted, 349,845 executed → 50.12%; 产出 indicators ≥10场
  with 8场 (80.0%) and ≥7个 with 7个 (100.0%).
"""

from __future__ import annotations

import datetime
from decimal import Decimal as D

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accountability.cockpit import accountability_panel
from accountability.models import (
    AccountabilityAction,
    ActionKind,
    ActionState,
    Finding,
    InspectionPlan,
    Rating,
    RatingGrade,
    ReportState,
    Severity,
    ShufaReport,
    ShufaRound,
)
from accounts import roles
from assessments.cockpit import campaign_panel
from assessments.models import Phase, SelfAssessment, SelfAssessmentStatus
from assessments.services import publication as publication_services
from assessments.tests.fixtures import make_campaign
from audit.models import AuditEntry
from documents.ooxml import open_workbook_bounded
from fazhi.testing import BaseTestCase, make_user
from performance.cockpit import performance_panel
from performance.models import BudgetProject
from performance.models import Indicator as BudgetIndicator
from problems import services as problem_services
from problems.cockpit import problem_panel
from selections.cockpit import selection_panel
from selections.models import Edition, Milestone, Nomination, ProgressReport, Screening
from workbench import cockpit

YEAR = 2023


def values(panel: cockpit.PanelData, chart: str, series: int = 0) -> list:
    found = panel.chart(chart)
    assert found is not None, f"no chart {chart}"
    return found.series[series].values


def figures(panel: cockpit.PanelData) -> dict:
    return {f.label: f.value for f in panel.figures}


class CockpitTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.campaign = make_campaign(cls, year=YEAR, phase=Phase.FINAL_REVIEW)
        indicators = {i.code: i for i in cls.campaign.framework.sections.first().indicators.all()}
        for target, code in ((cls.county_org, "A1"), (cls.county_org, "A2"), (cls.stranger_org, "A1")):
            SelfAssessment.objects.create(
                campaign=cls.campaign,
                target=target,
                indicator=indicators[code],
                self_score=D(30),
                status=SelfAssessmentStatus.SUBMITTED,
            )
        cls.make_accountability()
        cls.make_selections()
        cls.make_performance()

    @classmethod
    def make_accountability(cls) -> None:
        cls.shufa_round = ShufaRound.objects.create(
            year=YEAR,
            title="2023年度述法",
            deadline=datetime.date(2024, 1, 31),
            template="述法要点",
            created_by=cls.office,
        )
        leader_a = make_user("leader_pj_a", cls.county_org, roles.LEADER)
        leader_b = make_user("leader_pj_b", cls.county_org, roles.LEADER)
        leader_c = make_user("leader_jh_a", cls.stranger_org, roles.LEADER)
        report_a = ShufaReport.objects.create(
            round=cls.shufa_round,
            leader=leader_a,
            org=cls.county_org,
            body="述法",
            state=ReportState.SUBMITTED,
        )
        ShufaReport.objects.create(round=cls.shufa_round, leader=leader_b, org=cls.county_org, body="草稿")
        report_c = ShufaReport.objects.create(
            round=cls.shufa_round,
            leader=leader_c,
            org=cls.stranger_org,
            body="述法",
            state=ReportState.SUBMITTED,
        )
        Rating.objects.create(report=report_a, reviewer=cls.expert, grade=RatingGrade.SATISFIED, score=90)
        Rating.objects.create(report=report_a, reviewer=cls.assessor, grade=RatingGrade.BASIC, score=80)
        Rating.objects.create(report=report_c, reviewer=cls.expert, grade=RatingGrade.UNSATISFIED, score=50)
        plan = InspectionPlan.objects.create(
            year=YEAR,
            topic="行政执法督察",
            start_on=datetime.date(2023, 9, 1),
            end_on=datetime.date(2023, 9, 30),
            created_by=cls.office,
        )
        for target, severity in (
            (cls.county_org, Severity.GENERAL),
            (cls.county_org, Severity.GENERAL),
            (cls.stranger_org, Severity.SERIOUS),
        ):
            Finding.objects.create(
                plan=plan,
                target=target,
                text="执法案卷不规范",
                severity=severity,
                deadline=datetime.date(2023, 12, 31),
                created_by=cls.office,
            )
        for year, org, kind, state in (
            (YEAR, cls.stranger_org, ActionKind.TALK, ActionState.PROPOSED),
            (YEAR, cls.county_org, ActionKind.RECTIFY, ActionState.CONFIRMED),
            (YEAR - 1, cls.county_org, ActionKind.TALK, ActionState.PROPOSED),
        ):
            AccountabilityAction.objects.create(
                year=year, org=org, kind=kind, basis="评议不满意", state=state
            )

    @classmethod
    def make_selections(cls) -> None:
        current = Edition.objects.create(year=YEAR, ordinal=2, name="2023年第二届评选", phase="vote")
        for number, screening, shortlisted in (
            (1, Screening.ELIGIBLE, True),
            (2, Screening.ELIGIBLE, True),
            (3, Screening.ELIGIBLE, False),
            (4, Screening.INELIGIBLE, False),
        ):
            cls.nomination(current, number, f"推荐{number}", screening=screening, shortlisted=shortlisted)
        previous = Edition.objects.create(
            year=YEAR - 1, ordinal=1, name="2022年第一届评选", phase="tracking", tracking_year=YEAR
        )
        cls.p1 = cls.nomination(previous, 1, "村居法律顾问", selected=True, rank=1)
        cls.p2 = cls.nomination(previous, 2, "法援进侨乡", selected=True, rank=2)
        Milestone.objects.create(
            project=cls.p1, title="启动", due=datetime.date(2023, 3, 1), done_on=datetime.date(2023, 3, 1)
        )
        Milestone.objects.create(project=cls.p1, title="验收", due=datetime.date(2023, 12, 1))
        Milestone.objects.create(
            project=cls.p2, title="建成", due=datetime.date(2023, 6, 1), done_on=datetime.date(2023, 5, 1)
        )
        ProgressReport.objects.create(
            project=cls.p1, text="推进中", percent=40, reported_on=datetime.date(2023, 4, 1)
        )
        ProgressReport.objects.create(
            project=cls.p1, text="大部完成", percent=60, reported_on=datetime.date(2023, 8, 1)
        )

    @classmethod
    def nomination(cls, edition: Edition, number: int, title: str, **kwargs) -> Nomination:
        return Nomination.objects.create(
            edition=edition,
            number=number,
            source="unit",
            title=title,
            nominating_unit="蓬江区",
            description="为群众提供法律服务。",
            beneficiaries="全市群众",
            timeline="全年",
            responsible_org=cls.county_org,
            **kwargs,
        )

    @classmethod
    def make_performance(cls) -> None:
        cls.project = BudgetProject.objects.create(
            year=YEAR,
            name="全面依法治市",
            org=cls.sfj,
            budget_initial=D("698000"),
            budget_adjusted=D("698000"),
            budget_executed=D("349845"),
        )
        for position, name, target, unit, actual, weight in (
            (1, "举办法治培训", "10", "场", "8场", "20"),
            (2, "考评覆盖县区", "7", "个", "7个", "30"),
        ):
            BudgetIndicator.objects.create(
                project=cls.project,
                position=position,
                level1="产出指标",
                level2="数量指标",
                name=name,
                target_op=">=",
                target_value=D(target),
                target_unit=unit,
                target_text=f"≥{target}{unit}",
                actual=actual,
                weight=D(weight),
            )


class CockpitPanelsTestCase(CockpitTestCase):
    def test_it_shows_each_countys_self_assessment_and_scoring_progress(self):
        panel = campaign_panel(YEAR)
        progress = panel.chart("progress")
        assert progress is not None
        self.assertEqual(progress.categories, ["蓬江区", "江海区"])
        self.assertEqual(values(panel, "progress", 0), [D("50.0"), D("25.0")])
        self.assertEqual(values(panel, "progress", 1), [D("100.0"), D("75.0")])
        self.assertEqual(figures(panel)["自评已提交"], "3/8")
        self.assertEqual(figures(panel)["评分已生效"], "7/8")
        self.assertEqual(figures(panel)["当前阶段"], "审定")
        self.assertIsNone(panel.chart("ranking"))  # nothing published yet

    def test_it_drills_down_to_the_countys_self_assessments_and_scores(self):
        progress = campaign_panel(YEAR).chart("progress")
        assert progress is not None
        self.assertEqual(
            progress.series[0].links[1],
            reverse("assessments:self_list", args=[self.campaign.pk, self.stranger_org.pk]),
        )
        self.assertEqual(
            progress.series[1].links[0],
            reverse("assessments:target_scores", args=[self.campaign.pk, self.county_org.pk]),
        )

    def test_it_shows_the_published_ranking_and_grades(self):
        publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        panel = campaign_panel(YEAR)
        ranking = panel.chart("ranking")
        assert ranking is not None
        self.assertEqual(ranking.categories, ["1. 蓬江区", "2. 江海区"])
        self.assertEqual(values(panel, "ranking"), [D("98.00"), D("88.00")])
        self.assertEqual(
            ranking.series[0].links[1],
            reverse("assessments:feedback", args=[self.campaign.pk, self.stranger_org.pk]),
        )
        grades = panel.chart("grades")
        assert grades is not None
        self.assertEqual(
            dict(zip(grades.categories, grades.series[0].values, strict=True)), {"优秀": 1, "良好": 1}
        )

    def test_it_says_when_the_year_has_no_campaign(self):
        panel = campaign_panel(YEAR - 5)
        self.assertEqual(panel.charts, [])
        self.assertEqual(panel.empty, "2018年度没有法治建设考评。")

    def test_it_counts_reports_ratings_findings_and_actions_of_the_year(self):
        panel = accountability_panel(YEAR)
        reports = panel.chart("reports")
        assert reports is not None
        self.assertEqual(reports.categories, ["蓬江区", "江海区"])
        self.assertEqual(values(panel, "reports", 0), [1, 1])  # submitted
        self.assertEqual(values(panel, "reports", 1), [1, 0])  # draft
        self.assertEqual(values(panel, "ratings"), [1, 1, 1])
        findings = panel.chart("findings")
        assert findings is not None
        self.assertEqual([s.name for s in findings.series], ["一般", "较重", "严重"])
        self.assertEqual(values(panel, "findings", 0), [2, 0])
        self.assertEqual(values(panel, "findings", 1), [0, 1])
        self.assertEqual(values(panel, "actions"), [1, 1, 0, 0])  # 待确认 已确认 已驳回 已办结
        self.assertEqual(figures(panel)["述法报告已提交"], "2/3")
        self.assertEqual(figures(panel)["平均评分"], D("73.3"))
        self.assertEqual(figures(panel)["问责建议待确认"], 1)
        self.assertEqual(
            reports.series[0].links[1],
            reverse("accountability:org_dossier", args=[self.stranger_org.pk, YEAR]),
        )

    def test_it_shows_the_editions_stage_and_the_projects_progress(self):
        panel = selection_panel(YEAR)
        self.assertEqual(figures(panel)["评选阶段"], "公众投票")
        self.assertEqual(values(panel, "pipeline"), [4, 3, 2, 0])
        projects = panel.chart("projects")
        assert projects is not None
        self.assertEqual(projects.categories, ["村居法律顾问", "法援进侨乡"])
        self.assertEqual(values(panel, "projects", 0), [60, 0])
        self.assertEqual(values(panel, "projects", 1), [50, 100])
        self.assertEqual(figures(panel)["节点完成"], "2/3")
        self.assertEqual(figures(panel)["节点全部完成"], 1)
        self.assertEqual(projects.series[0].links[0], reverse("selections:project_detail", args=[self.p1.pk]))

    def test_it_shows_budget_execution_and_indicator_completion(self):
        panel = performance_panel(YEAR)
        self.assertEqual(values(panel, "execution"), [D("50.12")])
        self.assertEqual(values(panel, "indicators"), [D("80.0"), D("100.0")])
        self.assertEqual(figures(panel)["预算执行率"], D("50.12"))
        self.assertEqual(figures(panel)["指标得满分"], "1/2")
        self.assertEqual(figures(panel)["全年预算数"], "698,000.00")

    def test_it_offers_every_year_with_data_and_opens_on_the_campaigns(self):
        years, default = cockpit.years()
        self.assertEqual(years, [YEAR, YEAR - 1])  # 2022: an edition and an action
        self.assertEqual(default, YEAR)


class CockpitViewsTestCase(CockpitTestCase):
    def test_it_is_the_offices_home_page_with_its_todos(self):
        response = self.client_for(self.office).get(reverse("workbench:home"))
        self.assertContains(response, "驾驶舱 · 2023年度")
        for key in ("assessments", "accountability", "selections", "performance"):
            self.assertContains(response, f'id="panel-{key}"')
        self.assertContains(response, "我的待办")
        # every chart is also a table with its numbers and links
        self.assertContains(response, 'id="table-assessments-progress"')
        self.assertContains(
            response, reverse("assessments:self_list", args=[self.campaign.pk, self.county_org.pk])
        )
        self.assertContains(response, reverse("workbench:cockpit_chart", args=["selections", "projects"]))

    def test_it_switches_the_year(self):
        response = self.client_for(self.office).get(reverse("workbench:home"), {"year": YEAR - 1})
        self.assertContains(response, "驾驶舱 · 2022年度")
        self.assertContains(response, "2022年度没有法治建设考评。")
        self.assertContains(response, "2022年第一届评选")

    def test_it_falls_back_to_a_year_with_data_on_a_bad_year(self):
        for bad in ("1999", "abc", "2023x"):
            response = self.client_for(self.office).get(reverse("workbench:home"), {"year": bad})
            self.assertContains(response, "驾驶舱 · 2023年度")
            self.assertContains(response, "所选年度没有数据")

    def test_it_keeps_the_todo_home_page_for_everyone_else(self):
        for persona in (self.county, self.stranger, self.assessor, self.expert, self.sysadmin):
            response = self.client_for(persona).get(reverse("workbench:home"))
            self.assertEqual(response.status_code, 200)
            self.assertNotContains(response, "驾驶舱")
            self.assertNotContains(response, "cockpit")

    def test_it_does_not_show_a_county_the_other_counties_figures(self):
        for persona, other in ((self.county, "江海区"), (self.stranger, "蓬江区")):
            client = self.client_for(persona)
            self.assertNotContains(client.get(reverse("workbench:home")), other)
            chart = client.get(reverse("workbench:cockpit_chart", args=["assessments", "progress"]))
            self.assertEqual(chart.status_code, 404)
            export = client.get(reverse("workbench:cockpit_export", args=["accountability"]))
            self.assertEqual(export.status_code, 404)

    def test_it_draws_each_chart_from_the_same_numbers_with_drill_down_urls(self):
        response = self.client_for(self.office).get(
            reverse("workbench:cockpit_chart", args=["assessments", "progress"]), {"year": YEAR}
        )
        option = response.json()
        self.assertEqual(option["xAxis"]["data"], ["蓬江区", "江海区"])
        first = option["series"][0]["data"][0]
        self.assertEqual(first["value"], 50.0)
        self.assertEqual(
            first["url"], reverse("assessments:self_list", args=[self.campaign.pk, self.county_org.pk])
        )
        pie = self.client_for(self.office).get(
            reverse("workbench:cockpit_chart", args=["accountability", "ratings"])
        )
        self.assertEqual([p["name"] for p in pie.json()["series"][0]["data"]], ["满意", "基本满意", "不满意"])

    def test_it_answers_404_for_an_unknown_panel_or_chart(self):
        client = self.client_for(self.office)
        self.assertEqual(
            client.get(reverse("workbench:cockpit_chart", args=["nope", "progress"])).status_code, 404
        )
        self.assertEqual(
            client.get(reverse("workbench:cockpit_chart", args=["assessments", "nope"])).status_code, 404
        )
        self.assertEqual(client.get(reverse("workbench:cockpit_export", args=["nope"])).status_code, 404)

    def test_it_denies_the_drill_downs_to_an_unrelated_county(self):
        own_pages = [
            reverse("accountability:org_dossier", args=[self.county_org.pk, YEAR]),
            reverse("assessments:target_scores", args=[self.campaign.pk, self.county_org.pk]),
            reverse("assessments:self_list", args=[self.campaign.pk, self.county_org.pk]),
            reverse("selections:project_detail", args=[self.p1.pk]),
            reverse("performance:project_detail", args=[self.project.pk]),
        ]
        for url in own_pages:
            self.assertEqual(self.client_for(self.office).get(url).status_code, 200, url)
            self.assertIn(self.client_for(self.stranger).get(url).status_code, (403, 404), url)


class CockpitExportTestCase(CockpitTestCase):
    def test_it_exports_a_panel_with_its_figures_and_each_charts_numbers(self):
        response = self.client_for(self.office).get(
            reverse("workbench:cockpit_export", args=["accountability"]), {"year": YEAR}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        book = open_workbook_bounded(response.content, max_rows=100, max_cols=20).openpyxl()
        self.assertEqual(
            book.sheetnames,
            [
                "述、评、督、考、责",
                "述法报告提交情况",
                "述法评议等次",
                "督察发现问题（按单位、严重程度）",
                "问责建议：提出与确认",
            ],
        )
        summary = book["述、评、督、考、责"]
        self.assertEqual([summary["A2"].value, summary["B2"].value], ["年度", YEAR])
        rows = {r[0]: r[1] for r in summary.iter_rows(min_row=3, values_only=True)}
        self.assertEqual(rows["述法报告已提交"], "2/3")
        self.assertEqual(rows["评议（份）"], 3)
        reports = book["述法报告提交情况"]
        self.assertEqual(
            [list(r) for r in reports.iter_rows(values_only=True)],
            [["单位", "已提交（件）", "未提交（草稿或退回）（件）"], ["蓬江区", 1, 1], ["江海区", 1, 0]],
        )
        self.assertTrue(AuditEntry.objects.filter(action="workbench.cockpit.exported").exists())

    def test_it_writes_user_text_as_text_never_a_formula(self):
        Nomination.objects.filter(pk=self.p1.pk).update(title='=HYPERLINK("http://x")')
        response = self.client_for(self.office).get(reverse("workbench:cockpit_export", args=["selections"]))
        book = open_workbook_bounded(response.content, max_rows=100, max_cols=20).openpyxl()
        cell = book["2023年实施的惠民实事项目进度"]["A2"]
        self.assertEqual(cell.value, '=HYPERLINK("http://x")')
        self.assertEqual(cell.data_type, "s")


class CockpitQueryCountTestCase(CockpitTestCase):
    def page_queries(self) -> int:
        client = self.client_for(self.office)
        client.get(reverse("workbench:home"))  # session and caches warm
        with CaptureQueriesContext(connection) as ctx:
            self.assertEqual(client.get(reverse("workbench:home"), {"year": YEAR}).status_code, 200)
        return len(ctx.captured_queries)

    def test_it_keeps_the_query_count_constant_in_the_number_of_rows(self):
        before = self.page_queries()
        county = make_user("leader_pj_c", self.county_org, roles.LEADER)
        ShufaReport.objects.create(round=self.shufa_round, leader=county, org=self.county_org, body="述法")
        plan = InspectionPlan.objects.get()
        for _ in range(5):
            Finding.objects.create(
                plan=plan,
                target=self.stranger_org,
                text="问题",
                deadline=timezone.localdate(),
                created_by=self.office,
            )
        edition = Edition.objects.get(ordinal=1)
        for n in range(3, 8):
            p = self.nomination(edition, n, f"项目{n}", selected=True, rank=n)
            ProgressReport.objects.create(
                project=p, text="进展", percent=10, reported_on=datetime.date(2023, 5, 1)
            )
        self.assertEqual(self.page_queries(), before)

    def test_it_pins_the_query_count_of_a_chart(self):
        client = self.client_for(self.office)
        client.get(reverse("workbench:home"))
        url = reverse("workbench:cockpit_chart", args=["accountability", "findings"])
        with self.assertNumQueries(CHART_QUERIES):
            client.get(url, {"year": YEAR})


# session + user (with its role and org), the years of the five panels (accountability:
# rounds and plans in one UNION),
# the accountability panel (round, reports, findings, ratings ×2, actions)
CHART_QUERIES = 13


class CockpitProblemsTestCase(BaseTestCase):
    """Problems registered in 2023: 蓬江区 A (deadline 2023-06-30 passed: overdue), B (closed),
    C (no deadline: open); 江海区 D (督察, deadline passed: overdue); one of 2022 not counted.
    By unit: 蓬江 未办结 2 / 逾期 1 / 已销号 1; 江海 1 / 1 / 0. 销号率 1 ÷ 4 = 25.0%."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        at = timezone.make_aware(datetime.datetime(2023, 5, 1, 10, 0))

        def register(org, title, source="hotline", deadline=None, when=at):
            return problem_services.problem_register(
                actor=cls.office,
                source=source,
                title=title,
                org=org,
                deadline=deadline,
                deadline_as_set=deadline is not None,
                registered_at=when,
            )

        cls.overdue = register(cls.county_org, "某路段违规设卡查车", deadline=datetime.date(2023, 6, 30))
        closed = register(cls.county_org, "执法记录仪未开启")
        register(cls.county_org, "罚没款未及时上缴")
        register(
            cls.stranger_org, "江海区执法案卷不规范", source="inspection", deadline=datetime.date(2023, 7, 1)
        )
        register(cls.county_org, "往年问题", when=at.replace(year=2022))
        county = cls.county
        for action, user, extra in (
            ("assign", cls.office, {"deadline": timezone.localdate() + datetime.timedelta(days=30)}),
            ("sign", county, {}),
            ("rectify_now", county, {"note": "已当场纠正"}),
            ("accept", cls.office, {}),
            ("close", cls.office, {}),
        ):
            closed = problem_services.problem_transition(actor=user, problem=closed, action=action, **extra)

    def test_it_counts_open_overdue_and_closed_problems_by_unit(self):
        panel = problem_panel(YEAR)
        units = panel.chart("units")
        assert units is not None
        self.assertEqual(units.categories, ["蓬江区", "江海区"])
        self.assertEqual(values(panel, "units", 0), [2, 1])  # 未办结
        self.assertEqual(values(panel, "units", 1), [1, 1])  # 其中逾期
        self.assertEqual(values(panel, "units", 2), [1, 0])  # 已销号
        self.assertEqual(values(panel, "sources"), [1, 3])  # 督察, 12345转办
        self.assertEqual(figures(panel)["问题总数"], 4)
        self.assertEqual(figures(panel)["逾期"], 2)
        self.assertEqual(figures(panel)["销号率"], D("25.0"))

    def test_it_drills_down_to_the_trackers_list_filtered_by_unit_and_state(self):
        units = problem_panel(YEAR).chart("units")
        assert units is not None
        link = units.series[1].links[0]
        self.assertEqual(link, f"{reverse('problems:list')}?org={self.county_org.pk}&overdue=1&year=2023")
        office = self.client_for(self.office).get(link)
        self.assertContains(office, "某路段违规设卡查车")
        self.assertNotContains(office, "执法记录仪未开启")  # closed, not overdue
        self.assertNotContains(office, "江海区执法案卷不规范")
        # the unrelated county sees nothing of 蓬江区's problems through the same link
        self.assertNotContains(self.client_for(self.stranger).get(link), "某路段违规设卡查车")

    def test_it_shows_the_panel_on_the_home_page_and_exports_it(self):
        client = self.client_for(self.office)
        self.assertContains(client.get(reverse("workbench:home"), {"year": YEAR}), 'id="panel-problems"')
        response = client.get(reverse("workbench:cockpit_export", args=["problems"]), {"year": YEAR})
        book = open_workbook_bounded(response.content, max_rows=100, max_cols=20).openpyxl()
        rows = [list(r) for r in book["问题按责任单位：未办结、逾期、已销号"].iter_rows(values_only=True)]
        self.assertEqual(
            rows,
            [
                ["责任单位", "未办结（个）", "其中逾期（个）", "已销号（个）"],
                ["蓬江区", 2, 1, 1],
                ["江海区", 1, 1, 0],
            ],
        )
