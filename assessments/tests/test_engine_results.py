"""The engine through the database (#9): a framework written as offices write
it — a 二级指标 with a group rule, 酌情扣分, 全额, a veto with its own wording,
a 满意度测评 section on a scale of 100, a 负面清单 indicator, a 附加项 outside
the total — scored and approved through the services, then ranked; 分类考评
with 折算百分制; and the lock's subtotal checks and warnings. Expected figures
worked by hand."""

from __future__ import annotations

from decimal import Decimal as D

from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import Indicator, IndicatorGroup, Method, Phase, Rule, UnitClass
from assessments.selectors import frameworks as framework_selectors
from assessments.selectors import results
from assessments.services import campaigns as campaign_services
from assessments.services import frameworks as fw
from assessments.services import publication as publication_services
from assessments.services import scores as score_services
from assessments.services.scores import ItemInput
from assessments.tests.fixtures import WorkflowTestCase, future_deadlines


def build_engine_framework(office, sfj, *, lock: bool = True):
    """总分 100: A 60 (二级指标 G 60: A1 30, A2 30), S 满意度测评 20 (scale 100),
    B 20 (B1 负面清单), X 附加项 outside the total (X1 加分, cap 5)."""
    framework = fw.framework_create(actor=office, year=2025, name="2025年度考评办法", total_score=D(100))
    a = fw.section_create(actor=office, framework=framework, code="A", name="法治政府建设", points=D(60))
    group = fw.group_create(actor=office, section=a, code="（一）", name="依法决策", points=D(60))
    a1 = fw.indicator_create(
        actor=office, section=a, group=group, code="A1", name="决策程序", max_score=D(30), assessors=[sfj]
    )
    a2 = fw.indicator_create(
        actor=office, section=a, group=group, code="A2", name="合法性审查", max_score=D(30), assessors=[sfj]
    )
    fw.rule_create(actor=office, indicator=a1, code="A1-1", text="程序缺失的，每件扣2分", points=D(2))
    fw.rule_create(
        actor=office,
        indicator=a1,
        code="G-1",
        text="以上各项工作被上级通报的，每次扣5分",
        points=D(5),
        scope="group",
    )
    fw.rule_create(
        actor=office,
        indicator=a1,
        code="A1-V",
        text="未完成年度目标任务的，一票否决",
        kind="veto",
        veto_result="当年目标未完成",
    )
    fw.rule_create(
        actor=office,
        indicator=a2,
        code="A2-D",
        text="审查质量不高的，酌情扣0.5至3分",
        kind="discretionary",
        min_points=D("0.5"),
        max_points=D(3),
    )
    fw.rule_create(actor=office, indicator=a2, code="A2-F", text="未建立审查机制的，不得分", kind="full")
    s = fw.section_create(
        actor=office,
        framework=framework,
        code="S",
        name="群众满意度",
        kind="survey",
        points=D(20),
        survey_scale=D(100),
    )
    s1 = fw.indicator_create(
        actor=office, section=s, code="S1", name="满意度测评", max_score=D(100), assessors=[sfj]
    )
    fw.rule_create(actor=office, indicator=s1, code="S1-1", text="每低1分扣1分", points=D(1))
    b = fw.section_create(actor=office, framework=framework, code="B", name="负面清单", points=D(20))
    b1 = fw.indicator_create(
        actor=office,
        section=b,
        code="B1",
        name="重大负面事项",
        max_score=D(20),
        overflow=True,
        assessors=[sfj],
    )
    fw.rule_create(actor=office, indicator=b1, code="B1-1", text="每起扣8分", points=D(8))
    x = fw.section_create(
        actor=office, framework=framework, code="X", name="附加项", kind="bonus", in_total=False
    )
    x1 = fw.indicator_create(
        actor=office,
        section=x,
        code="X1",
        name="创新加分",
        max_score=D(5),
        method=Method.BONUS,
        bonus_cap=D(5),
        assessors=[sfj],
    )
    fw.rule_create(
        actor=office, indicator=x1, code="X1-1", text="获省级表彰的，加2分", kind="add", points=D(2)
    )
    return fw.framework_lock(actor=office, framework=framework) if lock else framework


class EngineResultsTestCase(WorkflowTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.framework = build_engine_framework(cls.office, cls.sfj)
        cls.campaign = campaign_services.campaign_create(
            actor=cls.office,
            year=2025,
            name="2025年度法治建设考评",
            framework=cls.framework,
            targets=[cls.county_org, cls.stranger_org],
            deadlines=future_deadlines(),
        )

    def enter(self, target, code: str, *items: ItemInput | tuple[str, int], reason: str = "") -> None:
        score = self.score(target, code)
        rules = {r.code: r for r in score.indicator.rules.all()}
        chosen = [
            i if isinstance(i, ItemInput) else ItemInput(rule_id=rules[i[0]].pk, count=i[1], reason="查实")
            for i in items
        ]
        score = score_services.score_save(
            actor=self.assessor,
            score=score,
            expected_version=score.version,
            items=chosen,
            reason=reason,
            submit=True,
        )
        score_services.score_approve(actor=self.reviewer, score=score, expected_version=score.version)

    def rule(self, code: str):
        return next(
            r
            for i in Indicator.objects.filter(section__framework=self.framework)
            for r in i.rules.all()
            if r.code == code
        )

    def score_everything(self) -> None:
        self.advance_to(Phase.SCORING)
        county, stranger = self.county_org, self.stranger_org
        # 蓬江: A1 28 (one 程序缺失), the group rule twice (10 from the group's 58.5),
        # A2 28.5 (酌情 1.5), S1 92 of 100 = 18.4, B1 3 × 8 = 24 of 20 (4 off the total), X1 +2
        self.enter(county, "A1", ("A1-1", 1), ("G-1", 2))
        self.enter(
            county, "A2", ItemInput(rule_id=self.rule("A2-D").pk, points=D("1.5"), reason="审查意见不充分")
        )
        self.enter(county, "S1", ("S1-1", 8))
        self.enter(county, "B1", ("B1-1", 3))
        self.enter(county, "X1", ("X1-1", 1))
        # 江海: vetoed with its wording; A2 not met (全额 → 0); everything else full
        self.enter(stranger, "A1", ("A1-V", 1))
        self.enter(stranger, "A2", ("A2-F", 1))
        self.enter(stranger, "S1")
        self.enter(stranger, "B1")
        self.enter(stranger, "X1", reason="无加分事项")

    def test_it_ranks_with_every_rule_of_the_framework(self):
        self.score_everything()
        ranking = {r.code: r for r in results.campaign_ranking(self.campaign)}
        county, stranger = ranking["440703"], ranking["440704"]
        # 46.5 + 18.4 + 0 − 4 + 2
        self.assertEqual(
            (county.indicator_total, county.bonus, county.deductions), (D("64.90"), D("2.00"), D("4.00"))
        )
        self.assertEqual((county.total, county.grade), (D("62.90"), "一般"))
        # 30 + 0 + 20 + 20, vetoed: the veto's own wording
        self.assertEqual(
            (stranger.total, stranger.veto, stranger.grade), (D("70.00"), True, "当年目标未完成")
        )

    def test_it_stores_an_indicator_score_without_its_group_deduction(self):
        self.score_everything()
        self.assertEqual(self.score(self.county_org, "A1").score, D("28.00"))
        self.assertEqual(self.score(self.stranger_org, "A2").score, D("0.00"))

    def test_it_refuses_a_discretionary_value_outside_the_range(self):
        self.advance_to(Phase.SCORING)
        score = self.score(self.county_org, "A2")
        with self.assertRaises(ValidationError) as caught:
            score_services.score_save(
                actor=self.assessor,
                score=score,
                expected_version=score.version,
                items=[ItemInput(rule_id=self.rule("A2-D").pk, points=D(5), reason="x")],
            )
        self.assertIn("酌情扣分须在 0.5 至 3 分之间", " ".join(caught.exception.messages))

    def test_it_grades_a_class_on_its_percent_score(self):
        self.score_everything()
        # 县区 of 80: 蓬江's 62.9 points before bonus/负面清单 are 64.9 of 80 = 81.125 → 81.13 − 4 + 2
        unit_class = UnitClass.objects.create(campaign=self.campaign, name="县区", full_marks=D(80))
        unit_class.members.set([self.county_org])
        county = {r.code: r for r in results.campaign_ranking(self.campaign)}["440703"]
        self.assertEqual(
            (county.unit_class, county.full_marks, county.converted), ("县区", D(80), D("81.13"))
        )
        self.assertEqual((county.total, county.grade), (D("79.13"), "一般"))

    def test_it_rescales_a_class_member_an_indicator_does_not_apply_to(self):
        self.score_everything()
        # B1 (20) applies only to 江海 within the class of 100: 蓬江's own full marks are 80
        Indicator.objects.get(section__framework=self.framework, code="B1").applies_to.set(
            [self.stranger_org]
        )
        unit_class = UnitClass.objects.create(campaign=self.campaign, name="县区", full_marks=D(100))
        unit_class.members.set([self.county_org, self.stranger_org])
        ranking = {r.code: r for r in results.campaign_ranking(self.campaign)}
        self.assertEqual((ranking["440703"].full_marks, ranking["440704"].full_marks), (D(80), D(100)))
        self.assertEqual(ranking["440704"].converted, D("70.00"))

    def test_it_publishes_the_veto_wording_and_the_class(self):
        self.score_everything()
        unit_class = UnitClass.objects.create(campaign=self.campaign, name="县区", full_marks=D(100))
        unit_class.members.set([self.county_org, self.stranger_org])
        for phase in (Phase.FEEDBACK, Phase.APPEAL, Phase.FINAL_REVIEW):
            self.advance_to(phase)
        publication = publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        published = {r["code"]: r for r in publication.snapshot["ranking"]}
        self.assertEqual(published["440704"]["grade"], "当年目标未完成")
        self.assertEqual(
            (published["440703"]["unit_class"], published["440703"]["converted"]), ("县区", "64.90")
        )

    def test_it_publishes_group_subtotals_after_the_group_rules(self):
        self.score_everything()
        for phase in (Phase.FEEDBACK, Phase.APPEAL, Phase.FINAL_REVIEW):
            self.advance_to(phase)
        snapshot = publication_services.campaign_publish(actor=self.office, campaign=self.campaign).snapshot
        self.assertEqual(snapshot["groups"][0]["name"], "依法决策")
        key = snapshot["groups"][0]["key"]
        # 蓬江 28 + 28.5 − 10; 江海 30 + 0
        self.assertEqual(
            (snapshot["group_totals"]["440703"][key], snapshot["group_totals"]["440704"][key]),
            ("46.50", "30.00"),
        )
        self.assertEqual(
            snapshot["sections"][1]["max"], "20.00"
        )  # the survey section's points, not its scale

    def test_it_shows_class_converted_score_and_group_subtotals(self):
        self.score_everything()
        unit_class = UnitClass.objects.create(campaign=self.campaign, name="县区", full_marks=D(80))
        unit_class.members.set([self.county_org])
        client = self.client_for(self.office)
        response = client.get(reverse("assessments:results", args=[self.campaign.pk]))
        self.assertContains(response, "折算得分")
        self.assertContains(response, "81.13")
        self.assertContains(response, "当年目标未完成")
        response = client.get(
            reverse("assessments:target_scores", args=[self.campaign.pk, self.county_org.pk])
        )
        self.assertContains(response, "二级指标小计")
        self.assertContains(response, "46.50")

    def test_it_puts_class_and_converted_score_into_the_notice(self):
        from assessments.publication_docs import _ranking_table

        table = _ranking_table(
            [
                {
                    "rank": 1,
                    "name": "甲",
                    "total": "90.00",
                    "indicator_total": "72.00",
                    "bonus": "0.00",
                    "deductions": "0.00",
                    "social": None,
                    "grade": "优秀",
                    "veto": False,
                    "unit_class": "县区",
                    "converted": "90.00",
                },
            ],
            2025,
        )
        self.assertEqual(table.rows[0][3:5], ["类别", "折算得分"])
        self.assertEqual(table.rows[1][3], "县区")

    def test_it_takes_the_discretionary_points_typed_in_the_score_editor(self):
        self.advance_to(Phase.SCORING)
        score = self.score(self.county_org, "A2")
        rule = self.rule("A2-D")
        client = self.client_for(self.assessor)
        page = client.get(reverse("assessments:score_detail", args=[score.pk]))
        self.assertContains(page, "酌情扣 0.50–3 分")
        client.post(
            reverse("assessments:score_detail", args=[score.pk]),
            {
                "version": score.version,
                f"rule_{rule.pk}_count": "1.25",
                f"rule_{rule.pk}_reason": "审查意见说理不充分",
                "action": "save",
            },
        )
        score.refresh_from_db()
        self.assertEqual(score.score, D("28.75"))
        self.assertEqual(score.items.get().points, D("1.25"))

    def test_it_marks_a_full_rule_not_met_with_a_checkbox_in_the_score_editor(self):
        self.advance_to(Phase.SCORING)
        score = self.score(self.county_org, "A2")
        rule = self.rule("A2-F")
        client = self.client_for(self.assessor)
        url = reverse("assessments:score_detail", args=[score.pk])
        page = client.get(url)
        self.assertContains(
            page,
            f'type="checkbox" name="rule_{rule.pk}_count" id="rule-{rule.pk}-unmet" value="1">',
            html=False,
        )
        self.assertContains(page, "未达到要求")
        self.assertNotContains(page, "（填 1）")
        data = {
            "version": score.version,
            f"rule_{rule.pk}_count": "1",
            f"rule_{rule.pk}_reason": "未建立合法性审查机制",
            "action": "save",
        }
        client.post(url, data)
        score.refresh_from_db()
        self.assertEqual(score.score, D(0))
        self.assertEqual(score.items.get().count, 1)
        self.assertContains(client.get(url), f'id="rule-{rule.pk}-unmet" value="1" checked>')
        # unticked: the rule is met again and the indicator gets its points back
        client.post(url, {"version": score.version, "action": "save"})
        score.refresh_from_db()
        self.assertEqual(score.score, D(30))
        self.assertFalse(score.items.exists())

    def test_it_refuses_a_count_typed_for_a_full_rule(self):
        self.advance_to(Phase.SCORING)
        score = self.score(self.county_org, "A2")
        rule = self.rule("A2-F")
        response = self.client_for(self.assessor).post(
            reverse("assessments:score_detail", args=[score.pk]),
            {"version": score.version, f"rule_{rule.pk}_count": "3", "action": "save"},
        )
        self.assertContains(response, "细则 A2-F 为全额细则，只能勾选“未达到要求”。")
        score.refresh_from_db()
        self.assertFalse(score.items.exists())


class FrameworkLockChecksTestCase(WorkflowTestCase):
    def test_it_locks_a_framework_whose_subtotals_agree(self):
        framework = build_engine_framework(self.office, self.sfj, lock=False)
        self.assertEqual(fw.framework_problems(framework), [])
        self.assertEqual(fw.framework_lock(actor=self.office, framework=framework).status, "locked")

    def test_it_refuses_to_lock_when_a_group_does_not_add_up(self):
        framework = build_engine_framework(self.office, self.sfj, lock=False)
        IndicatorGroup.objects.filter(section__framework=framework).update(points=D(55))
        problems = fw.framework_problems(framework)
        self.assertIn(
            "二级指标「依法决策」：下设各项合计 60 分，与其分值 55 分不一致（超出 5 分）。", problems
        )
        with self.assertRaises(ValidationError):
            fw.framework_lock(actor=self.office, framework=framework)

    def test_it_refuses_to_lock_when_a_section_does_not_add_up(self):
        framework = build_engine_framework(self.office, self.sfj, lock=False)
        section = framework.sections.get(code="B")
        fw.section_update(actor=self.office, section=section, points=D(25))
        self.assertEqual(
            fw.framework_problems(framework)[:2],
            [
                "板块「负面清单」：下设各项合计 20 分，与其分值 25 分不一致（还差 5 分）。",
                "计入总分的各板块合计 105 分（加分指标、总分外的附加项不计入），与总分 100 分不一致（超出 5 分）。",
            ],
        )

    def test_it_warns_about_rules_that_can_never_take_an_indicator_to_zero(self):
        framework = build_engine_framework(self.office, self.sfj, lock=False)
        section = framework.sections.get(code="A")
        a3 = fw.indicator_create(
            actor=self.office, section=section, code="A3", name="公开", max_score=D(3), assessors=[self.sfj]
        )
        fw.rule_create(
            actor=self.office,
            indicator=a3,
            code="A3-1",
            text="每项扣1分，最多扣2分",
            points=D(1),
            max_points=D(2),
        )
        fw.rule_create(
            actor=self.office,
            indicator=a3,
            code="A3-2",
            text="酌情扣0.5分",
            kind="discretionary",
            max_points=D("0.5"),
        )
        self.assertEqual(
            fw.framework_warnings(framework),
            [
                "指标 A3「公开」：各细则合计最多扣 2.5 分，本指标 3 分不可能被扣至 0 分，请核对细则的累计上限。"
            ],
        )
        client = self.client_for(self.office)
        response = client.get(reverse("assessments:framework_detail", args=[framework.pk]))
        self.assertContains(response, "各细则合计最多扣 2.5 分")

    def test_it_clones_groups_kinds_and_the_new_rule_fields(self):
        source = build_engine_framework(self.office, self.sfj)
        clone = fw.framework_clone(actor=self.office, source=source, year=2026)
        self.assertEqual(
            framework_selectors.framework_structure(clone), framework_selectors.framework_structure(source)
        )
        self.assertEqual(Indicator.objects.get(section__framework=clone, code="A1").group.name, "依法决策")

    def test_it_refuses_a_group_rule_on_an_indicator_outside_any_group(self):
        framework = build_engine_framework(self.office, self.sfj, lock=False)
        b1 = Indicator.objects.get(section__framework=framework, code="B1")
        with self.assertRaises(ValidationError):
            fw.rule_create(actor=self.office, indicator=b1, code="B1-G", text="x", points=D(1), scope="group")


class GroupEditorTestCase(WorkflowTestCase):
    def test_it_creates_a_group_from_the_editor(self):
        framework = build_engine_framework(self.office, self.sfj, lock=False)
        section = framework.sections.get(code="B")
        client = self.client_for(self.office)
        response = client.post(
            reverse("assessments:group_create", args=[framework.pk, section.pk]),
            {"code": "（二）", "name": "负面事项", "points": "20", "order": "1"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(section.groups.get().points, D(20))

    def test_it_denies_the_unrelated_persona(self):
        framework = build_engine_framework(self.office, self.sfj, lock=False)
        group = IndicatorGroup.objects.get(section__framework=framework)
        client = self.client_for(self.stranger)
        response = client.post(
            reverse("assessments:group_edit", args=[framework.pk, group.pk]), {"name": "x"}
        )
        self.assertIn(response.status_code, (403, 404))
        self.assertEqual(IndicatorGroup.objects.get(pk=group.pk).name, "依法决策")


class UnitClassPagesTestCase(WorkflowTestCase):
    def test_it_creates_a_class_from_the_page(self):
        client = self.client_for(self.office)
        response = client.post(
            reverse("assessments:unit_classes", args=[self.campaign.pk]),
            {
                "name": "县区",
                "full_marks": "100",
                "members": [self.county_org.pk, self.stranger_org.pk],
                "order": "1",
            },
        )
        self.assertEqual(response.status_code, 302)
        unit_class = UnitClass.objects.get(campaign=self.campaign)
        self.assertEqual(
            set(unit_class.members.values_list("pk", flat=True)), {self.county_org.pk, self.stranger_org.pk}
        )

    def test_it_refuses_a_target_in_two_classes(self):
        from assessments.services import unit_classes

        unit_classes.unit_class_save(
            actor=self.office,
            campaign=self.campaign,
            name="县区",
            full_marks=D(100),
            members=[self.county_org],
        )
        with self.assertRaises(ValidationError) as caught:
            unit_classes.unit_class_save(
                actor=self.office,
                campaign=self.campaign,
                name="市直单位",
                full_marks=D(100),
                members=[self.county_org],
            )
        self.assertIn("已属于其他类别", " ".join(caught.exception.messages))

    def test_it_denies_the_unrelated_persona(self):
        client = self.client_for(self.stranger)
        response = client.post(
            reverse("assessments:unit_classes", args=[self.campaign.pk]),
            {"name": "县区", "full_marks": "100", "members": [self.stranger_org.pk]},
        )
        self.assertIn(response.status_code, (403, 404))
        self.assertFalse(UnitClass.objects.exists())


def _unordered(value):
    """The structure without its "order" numbers (the template keeps rows in order instead)."""
    if isinstance(value, dict):
        return {k: _unordered(v) for k, v in value.items() if k != "order"}
    if isinstance(value, list):
        return [_unordered(v) for v in value]
    return value


class EngineXlsxAndDiffTestCase(WorkflowTestCase):
    def test_it_round_trips_groups_kinds_and_the_new_rule_fields_through_our_template(self):
        from assessments import frameworks_xlsx
        from orgs.selectors import assessors, targets

        source = build_engine_framework(self.office, self.sfj)
        content = frameworks_xlsx.export_workbook(framework_selectors.framework_structure(source))
        structure = frameworks_xlsx.parse(content, assessors=assessors(), targets=targets())
        imported = fw.framework_import(
            actor=self.office, structure=structure, year=2026, name="导入", total_score=D(100)
        )
        expected = _unordered(framework_selectors.framework_structure(source))
        self.assertEqual(expected[0]["groups"][0]["code"], "（一）")  # the 二级指标编号 column
        self.assertEqual(_unordered(framework_selectors.framework_structure(imported)), expected)
        self.assertEqual(fw.framework_problems(imported), [])

    def test_it_reports_a_moved_indicator_and_a_new_rule_range_in_the_diff(self):
        from assessments.framework_diff import framework_diff

        source = build_engine_framework(self.office, self.sfj)
        draft = fw.framework_new_version(actor=self.office, framework=source)
        a1 = Indicator.objects.get(section__framework=draft, code="A1")
        fw.indicator_update(actor=self.office, indicator=a1, group=None, overflow=True)
        rule = Rule.objects.get(indicator__section__framework=draft, code="A2-D")
        fw.rule_update(actor=self.office, rule=rule, min_points=D(1))
        diff = framework_diff(
            framework_selectors.framework_structure(source), framework_selectors.framework_structure(draft)
        )
        changes = {d.code: d for d in diff.changed}
        self.assertEqual({c.label for c in changes["A1"].changes}, {"二级指标", "负面清单"})
        self.assertEqual(changes["A2"].rules_changed[0][1][0].label, "酌情扣分下限")
        self.assertEqual((diff.old_total, diff.new_total), (D(100), D(100)))
