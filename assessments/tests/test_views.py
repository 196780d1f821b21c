from __future__ import annotations

import datetime
import io
from decimal import Decimal as D

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from assessments.models import Campaign, Framework, Score, SelfAssessment, SocialEvaluation
from assessments.services import campaigns as campaign_services
from assessments.services import scores as score_services
from assessments.services import self_assessments as sa_services
from assessments.tests.fixtures import WorkflowTestCase, future_deadlines, xlsx

DENIED = (403, 404)


def social_xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["单位代码", "单位名称", "社会评议得分", "来源说明"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


class FrameworkViewsTestCase(WorkflowTestCase):
    def test_it_shows_frameworks_to_the_office_only(self):
        urls = [
            reverse("assessments:framework_list"),
            reverse("assessments:framework_detail", args=[self.framework.pk]),
            reverse("assessments:framework_export", args=[self.framework.pk]),
            reverse("assessments:framework_diff"),
        ]
        for url in urls:
            self.assertEqual(self.client_for(self.office).get(url).status_code, 200, url)
            for name in ("county", "stranger", "assessor", "sysadmin", "secadmin", "auditadmin", "expert"):
                status = self.client_for(getattr(self, name)).get(url).status_code
                self.assertIn(status, DENIED, f"{name} {url}")

    def test_it_pins_the_query_count_of_the_framework_list(self):
        client = self.client_for(self.office)
        client.get(reverse("assessments:framework_list"))
        with self.assertNumQueries(5):
            response = client.get(reverse("assessments:framework_list"))
        self.assertContains(response, "2023年度法治建设考评办法")

    def test_it_shows_why_a_draft_cannot_be_locked(self):
        client = self.client_for(self.office)
        response = client.post(
            reverse("assessments:framework_create"),
            {"year": 2024, "name": "2024年度办法", "total_score": "100"},
        )
        framework = Framework.objects.get(year=2024)
        self.assertRedirects(response, reverse("assessments:framework_detail", args=[framework.pk]))
        response = client.get(reverse("assessments:framework_detail", args=[framework.pk]))
        self.assertContains(response, "尚未设置任何指标")
        response = client.post(reverse("assessments:framework_lock", args=[framework.pk]), follow=True)
        self.assertContains(response, "考评办法不能锁定")
        framework.refresh_from_db()
        self.assertEqual(framework.status, "draft")

    def test_it_imports_with_row_and_column_errors_and_changes_nothing(self):
        content = xlsx(
            [["A", "板块", "A1", "指标", None, "", None, "", "", "江门市司法局", "", "", "", "", None, None]]
        )
        before = Framework.objects.count()
        response = self.client_for(self.office).post(
            reverse("assessments:framework_import"),
            {
                "year": 2024,
                "name": "导入",
                "total_score": "100",
                "file": SimpleUploadedFile("f.xlsx", content),
            },
        )
        self.assertContains(response, "第 2 行，E 列「分值」：缺少分值。")
        self.assertEqual(Framework.objects.count(), before)

    def test_it_clones_and_diffs(self):
        client = self.client_for(self.office)
        response = client.post(
            reverse("assessments:framework_clone", args=[self.framework.pk]),
            {"year": 2024, "name": "2024年度办法"},
        )
        clone = Framework.objects.get(year=2024)
        self.assertRedirects(response, reverse("assessments:framework_detail", args=[clone.pk]))
        response = client.get(reverse("assessments:framework_diff") + f"?a={self.framework.pk}&b={clone.pk}")
        self.assertContains(response, "两个办法的指标和细则完全相同")

    def test_it_edits_a_draft_indicator_and_its_rules(self):
        clone_pk = (
            self.client_for(self.office)
            .post(reverse("assessments:framework_new_version", args=[self.framework.pk]))
            .url.rstrip("/")
            .split("/")[-1]
        )
        draft = Framework.objects.get(pk=int(clone_pk))
        ind = draft.sections.get(code="A").indicators.get(code="A1")
        client = self.client_for(self.office)
        response = client.post(
            reverse("assessments:indicator_edit", args=[draft.pk, ind.pk]),
            {
                "section": ind.section_id,
                "code": "A1",
                "name": "重大行政决策程序",
                "max_score": "40",
                "method": "deduct",
                "order": 1,
                "assessors": [self.sfj.pk],
            },
        )
        self.assertEqual(response.status_code, 302)
        response = client.post(
            reverse("assessments:rule_create", args=[draft.pk, ind.pk]),
            {
                "code": "A1-3",
                "text": "未公开征求意见的，每件扣1分",
                "kind": "deduct",
                "points": "1",
                "order": 3,
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ind.rules.count(), 3)
        locked_ind = self.framework.sections.get(code="A").indicators.get(code="A1")
        response = client.post(
            reverse("assessments:indicator_edit", args=[self.framework.pk, locked_ind.pk]),
            {
                "section": locked_ind.section_id,
                "code": "A1",
                "name": "改",
                "max_score": "40",
                "method": "deduct",
                "order": 1,
                "assessors": [self.sfj.pk],
            },
        )
        self.assertContains(response, "考评办法已锁定")
        locked_ind.refresh_from_db()
        self.assertEqual(locked_ind.name, "重大行政决策合法性审查")


class CampaignViewsTestCase(WorkflowTestCase):
    def test_it_refuses_a_past_deadline_with_a_clear_message(self):
        data = {
            "year": 2024,
            "name": "2024年度考评",
            "framework": self.framework.pk,
            "targets": [self.county_org.pk],
            "social_weight": "0",
            "bonus_cap": "5",
            "remind_days": 3,
        }
        for phase, (_, due) in future_deadlines().items():
            data[f"due_{phase}"] = due.isoformat()
        data["due_deploy"] = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
        before = Campaign.objects.count()
        response = self.client_for(self.office).post(reverse("assessments:campaign_create"), data)
        self.assertContains(response, "「部署」截止日期")
        self.assertContains(response, "已过，请选择今天")
        self.assertEqual(Campaign.objects.count(), before)

    def test_it_lets_each_party_see_only_its_campaigns(self):
        other = campaign_services.campaign_create(
            actor=self.office,
            year=2024,
            name="只考蓬江",
            framework=self.framework,
            targets=[self.county_org],
            deadlines=future_deadlines(),
        )
        url = reverse("assessments:campaign_detail", args=[other.pk])
        for user in (self.office, self.county, self.assessor):
            self.assertEqual(self.client_for(user).get(url).status_code, 200)
        for name in ("stranger", "sysadmin", "secadmin", "auditadmin", "expert"):
            self.assertEqual(self.client_for(getattr(self, name)).get(url).status_code, 404, name)
        self.assertNotContains(
            self.client_for(self.stranger).get(reverse("assessments:campaign_list")), "只考蓬江"
        )

    def test_it_pins_the_query_count_of_the_campaign_list(self):
        client = self.client_for(self.office)
        client.get(reverse("assessments:campaign_list"))
        with self.assertNumQueries(4):
            client.get(reverse("assessments:campaign_list"))
        campaign_services.campaign_create(
            actor=self.office,
            year=2024,
            name="第二个",
            framework=self.framework,
            targets=[self.county_org],
            deadlines=future_deadlines(),
        )
        with self.assertNumQueries(4):
            response = client.get(reverse("assessments:campaign_list"))
        self.assertContains(response, "第二个")

    def test_it_lets_only_the_office_change_settings_and_advance(self):
        for name in ("county", "stranger", "assessor", "expert"):
            client = self.client_for(getattr(self, name))
            self.assertIn(
                client.post(reverse("assessments:campaign_advance", args=[self.campaign.pk])).status_code,
                DENIED,
            )
            self.assertIn(
                client.get(reverse("assessments:campaign_edit", args=[self.campaign.pk])).status_code, DENIED
            )
            self.assertIn(
                client.get(reverse("assessments:social", args=[self.campaign.pk])).status_code, DENIED
            )
        self.assertEqual(Campaign.objects.get(pk=self.campaign.pk).phase, "deploy")

    def test_it_shows_what_is_missing_and_advances_on_the_offices_action(self):
        self.advance_to("self_assess")
        client = self.client_for(self.office)
        response = client.get(reverse("assessments:campaign_detail", args=[self.campaign.pk]))
        self.assertContains(response, "蓬江区：4 项自评未提交。")
        response = client.post(reverse("assessments:campaign_advance", args=[self.campaign.pk]), follow=True)
        self.assertContains(response, "以下事项尚未完成")
        self.assertEqual(Campaign.objects.get(pk=self.campaign.pk).phase, "self_assess")
        response = client.post(
            reverse("assessments:campaign_advance", args=[self.campaign.pk]),
            {"force": "on", "note": "按期推进"},
            follow=True,
        )
        self.assertContains(response, "已进入「考评评分」阶段")

    def test_it_imports_social_evaluation_all_or_nothing(self):
        client = self.client_for(self.office)
        url = reverse("assessments:social", args=[self.campaign.pk])
        bad = social_xlsx(
            [["440703", "蓬江区", 88, "问卷"], ["440704", "江海区", 120, "问卷"], ["440999", "外地", 80, ""]]
        )
        response = client.post(url, {"file": SimpleUploadedFile("s.xlsx", bad)})
        self.assertContains(
            response, "第 3 行，C 列「社会评议得分」：社会评议得分不能大于 100。", status_code=400
        )
        self.assertContains(response, "第 4 行，A 列「单位代码」", status_code=400)
        self.assertFalse(SocialEvaluation.objects.exists())
        good = social_xlsx([["440703", "蓬江区", 88.5, "问卷"], ["440704", "江海区", 91, "问卷"]])
        response = client.post(url, {"file": SimpleUploadedFile("s.xlsx", good)})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(SocialEvaluation.objects.get(target=self.county_org).score, D("88.5"))


class SelfAssessmentViewsTestCase(WorkflowTestCase):
    def setUp(self) -> None:
        self.advance_to("self_assess")
        self.sa = SelfAssessment.objects.get(
            campaign=self.campaign, target=self.county_org, indicator__code="A1"
        )

    def test_it_lets_a_county_fill_and_submit_its_own(self):
        client = self.client_for(self.county)
        response = client.get(reverse("assessments:self_home", args=[self.campaign.pk]))
        self.assertRedirects(
            response, reverse("assessments:self_list", args=[self.campaign.pk, self.county_org.pk])
        )
        url = reverse("assessments:self_detail", args=[self.sa.pk])
        response = client.post(url, {"self_score": "39", "narrative": "已全面开展", "action": "submit"})
        self.assertEqual(response.status_code, 302)
        self.sa.refresh_from_db()
        self.assertEqual(self.sa.status, "submitted")

    def test_it_shows_a_clear_message_for_a_self_score_above_the_points(self):
        response = self.client_for(self.county).post(
            reverse("assessments:self_detail", args=[self.sa.pk]), {"self_score": "45", "narrative": "x"}
        )
        self.assertContains(response, "自评分须在 0 至 40 分之间")
        self.sa.refresh_from_db()
        self.assertIsNone(self.sa.self_score)

    def test_it_never_shows_a_county_another_countys_self_assessment(self):
        client = self.client_for(self.stranger)
        self.assertEqual(client.get(reverse("assessments:self_detail", args=[self.sa.pk])).status_code, 404)
        self.assertEqual(
            client.post(
                reverse("assessments:self_detail", args=[self.sa.pk]), {"self_score": "1", "narrative": "x"}
            ).status_code,
            404,
        )
        self.assertEqual(
            client.get(
                reverse("assessments:self_list", args=[self.campaign.pk, self.county_org.pk])
            ).status_code,
            404,
        )
        for name in ("sysadmin", "auditadmin", "expert", "secadmin"):
            self.assertEqual(
                self.client_for(getattr(self, name))
                .get(reverse("assessments:self_detail", args=[self.sa.pk]))
                .status_code,
                404,
            )

    def test_it_shows_an_assessor_only_submitted_items_of_its_indicators(self):
        url = reverse("assessments:self_detail", args=[self.sa.pk])
        self.assertEqual(self.client_for(self.assessor).get(url).status_code, 404)  # still a draft
        sa_services.self_assessment_save(actor=self.county, sa=self.sa, self_score=D(40), narrative="说明")
        sa_services.self_assessment_submit(actor=self.county, sa=self.sa)
        self.assertEqual(self.client_for(self.assessor).get(url).status_code, 200)
        self.assertEqual(self.client_for(self.assessor_b).get(url).status_code, 404)  # A1 is not 公安局's

    def test_it_lets_the_office_return_an_item(self):
        sa_services.self_assessment_save(actor=self.county, sa=self.sa, self_score=D(40), narrative="说明")
        sa_services.self_assessment_submit(actor=self.county, sa=self.sa)
        url = reverse("assessments:self_return", args=[self.sa.pk])
        self.assertIn(self.client_for(self.county).post(url, {"reason": "x"}).status_code, DENIED)
        response = self.client_for(self.office).post(url, {"reason": "请补充审查意见书"}, follow=True)
        self.assertContains(response, "退回修改")
        self.sa.refresh_from_db()
        self.assertEqual(self.sa.status, "returned")

    def test_it_uploads_evidence_for_the_own_county_only(self):
        pdf = SimpleUploadedFile(
            "审查意见.pdf",
            b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
            content_type="application/pdf",
        )
        url = reverse("assessments:self_evidence", args=[self.sa.pk])
        self.assertEqual(self.client_for(self.stranger).post(url, {"file": pdf}).status_code, 404)
        pdf.seek(0)
        response = self.client_for(self.county).post(url, {"file": pdf}, HTTP_HX_REQUEST="true")
        self.assertContains(response, "审查意见.pdf")
        self.assertEqual(self.sa.evidence.count(), 1)

    def test_it_pins_the_query_count_of_the_self_assessment_list(self):
        client = self.client_for(self.county)
        url = reverse("assessments:self_list", args=[self.campaign.pk, self.county_org.pk])
        client.get(url)
        # +1: the 自评填报 deadline and the unit's 延期, read together (services.extensions.effective_due)
        with self.assertNumQueries(12):
            response = client.get(url)
        self.assertContains(response, "重大行政决策合法性审查")


class ScoringViewsTestCase(WorkflowTestCase):
    def setUp(self) -> None:
        self.advance_to("scoring")
        self.score = Score.objects.get(campaign=self.campaign, target=self.county_org, indicator__code="A1")
        self.rule = self.score.indicator.rules.get(code="A1-1")

    def post_score(self, user, **extra):
        data = {
            "version": self.score.version,
            f"rule_{self.rule.pk}_count": "1",
            f"rule_{self.rule.pk}_reason": "一件未审查",
            "evidence_note": "决策目录",
            "action": "save",
            **extra,
        }
        return self.client_for(user).post(
            reverse("assessments:score_detail", args=[self.score.pk]), data, HTTP_HX_REQUEST="true"
        )

    def test_it_shows_an_assessor_only_its_own_indicators(self):
        response = self.client_for(self.assessor_b).get(
            reverse("assessments:scoring", args=[self.campaign.pk])
        )
        self.assertContains(response, "行政执法规范化")
        self.assertNotContains(response, "重大行政决策合法性审查")
        self.assertEqual(
            self.client_for(self.assessor_b)
            .get(reverse("assessments:score_detail", args=[self.score.pk]))
            .status_code,
            404,
        )

    def test_it_denies_counties_and_strangers_the_scoring_pages(self):
        for name in ("county", "stranger", "sysadmin", "auditadmin", "expert"):
            client = self.client_for(getattr(self, name))
            self.assertIn(
                client.get(reverse("assessments:scoring", args=[self.campaign.pk])).status_code, DENIED
            )
            self.assertIn(
                client.get(reverse("assessments:campaign_matrix", args=[self.campaign.pk])).status_code,
                DENIED,
            )
            self.assertEqual(
                client.get(reverse("assessments:score_detail", args=[self.score.pk])).status_code, 404
            )

    def test_it_saves_a_score_with_htmx_and_updates_the_cell(self):
        response = self.post_score(self.assessor)
        self.assertContains(response, "已保存草稿")
        self.assertContains(response, f'id="cell-{self.score.pk}"')
        self.assertContains(response, 'hx-swap-oob="true"')
        self.score.refresh_from_db()
        self.assertEqual(self.score.score, D(38))

    def test_it_tells_the_second_saver_in_chinese_and_keeps_the_first_save(self):
        self.post_score(self.assessor)
        response = self.post_score(self.clerk2, **{f"rule_{self.rule.pk}_count": "3"})
        self.assertContains(response, "您的修改没有保存")
        self.assertContains(response, "刷新查看最新内容")
        self.score.refresh_from_db()
        self.assertEqual((self.score.score, self.score.entered_by), (D(38), self.assessor))

    def test_it_needs_a_reason_below_full_marks(self):
        response = self.post_score(self.assessor, **{f"rule_{self.rule.pk}_reason": ""})
        self.assertContains(response, "须填写扣分理由")
        self.score.refresh_from_db()
        self.assertIsNone(self.score.score)

    def test_it_applies_the_two_person_rule_in_the_ui(self):
        self.post_score(self.assessor, action="submit")
        self.score.refresh_from_db()
        url = reverse("assessments:score_approve", args=[self.score.pk])
        response = self.client_for(self.assessor).post(
            url, {"version": self.score.version}, HTTP_HX_REQUEST="true"
        )
        self.assertContains(response, "承担经办职责，不能审核评分")
        response = self.client_for(self.reviewer).post(
            url, {"version": self.score.version}, HTTP_HX_REQUEST="true"
        )
        self.assertContains(response, "审核通过，评分已生效")
        self.score.refresh_from_db()
        self.assertEqual(self.score.status, "approved")

    def test_it_hides_unpublished_scores_from_counties_until_feedback(self):
        self.post_score(self.assessor, action="submit")
        url = reverse("assessments:score_detail", args=[self.score.pk])
        self.assertEqual(self.client_for(self.county).get(url).status_code, 404)
        self.advance_to("feedback")
        self.assertEqual(self.client_for(self.county).get(url).status_code, 200)
        self.assertEqual(self.client_for(self.stranger).get(url).status_code, 404)

    def test_it_exports_the_matrix_for_the_office_and_audits_it(self):
        from audit.models import AuditEntry

        response = self.client_for(self.office).get(
            reverse("assessments:campaign_matrix_export", args=[self.campaign.pk])
        )
        self.assertEqual(
            response["Content-Type"].split(";")[0],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.assertTrue(AuditEntry.objects.filter(action="assessments.campaign.matrix_exported").exists())
        for name in ("county", "stranger", "expert"):
            status = (
                self.client_for(getattr(self, name))
                .get(reverse("assessments:campaign_matrix_export", args=[self.campaign.pk]))
                .status_code
            )
            self.assertIn(status, DENIED)

    def test_it_lets_the_office_read_but_not_write_scores(self):
        url = reverse("assessments:score_detail", args=[self.score.pk])
        self.assertEqual(self.client_for(self.office).get(url).status_code, 200)
        response = self.client_for(self.office).post(url, {"version": 0})
        self.assertEqual(response.status_code, 403)

    def test_it_approves_everything_a_reviewer_may_in_one_go(self):
        a1_jh = Score.objects.get(campaign=self.campaign, target=self.stranger_org, indicator__code="A1")
        for s in (self.score, a1_jh):
            score_services.score_save(actor=self.assessor, score=s, expected_version=0, submit=True)
        response = self.client_for(self.reviewer).post(
            reverse("assessments:scoring_approve_all", args=[self.campaign.pk]), follow=True
        )
        self.assertContains(response, "已审核通过 2 项评分")
        self.assertEqual(Score.objects.filter(campaign=self.campaign, status="approved").count(), 2)


class AuthorizationMatrixTestCase(WorkflowTestCase):
    """Every page of frameworks, campaigns, self-assessment and scoring × the personas who must not see it."""

    def setUp(self) -> None:
        self.advance_to("scoring")
        self.sa = SelfAssessment.objects.get(
            campaign=self.campaign, target=self.county_org, indicator__code="A1"
        )
        self.score = Score.objects.get(campaign=self.campaign, target=self.county_org, indicator__code="A1")
        self.ind = self.indicator("A1")
        self.rule = self.ind.rules.first()

    def urls(self) -> dict[str, list[str]]:
        f, c, a1 = self.framework.pk, self.campaign.pk, self.ind.pk
        section = self.ind.section_id
        office_only = [
            reverse("assessments:framework_list"),
            reverse("assessments:framework_create"),
            reverse("assessments:framework_import"),
            reverse("assessments:framework_diff"),
            reverse("assessments:framework_detail", args=[f]),
            reverse("assessments:framework_edit", args=[f]),
            reverse("assessments:framework_clone", args=[f]),
            reverse("assessments:framework_export", args=[f]),
            reverse("assessments:section_create", args=[f]),
            reverse("assessments:section_edit", args=[f, section]),
            reverse("assessments:indicator_create", args=[f]),
            reverse("assessments:indicator_edit", args=[f, a1]),
            reverse("assessments:rule_create", args=[f, a1]),
            reverse("assessments:rule_edit", args=[f, a1, self.rule.pk]),
            reverse("assessments:campaign_create"),
            reverse("assessments:campaign_edit", args=[c]),
            reverse("assessments:social", args=[c]),
            reverse("assessments:social_template", args=[c]),
        ]
        county_data = [
            reverse("assessments:self_list", args=[c, self.county_org.pk]),
            reverse("assessments:self_detail", args=[self.sa.pk]),
            reverse("assessments:score_detail", args=[self.score.pk]),
        ]
        scoring_pages = [
            reverse("assessments:scoring", args=[c]),
            reverse("assessments:campaign_matrix", args=[c]),
            reverse("assessments:campaign_matrix_export", args=[c]),
        ]
        campaign_pages = [
            reverse("assessments:campaign_list"),
            reverse("assessments:campaign_detail", args=[c]),
        ]
        return {
            "stranger": office_only + county_data + scoring_pages,
            "county": office_only + scoring_pages,
            "assessor": office_only,
            "assessor_b": office_only + county_data,
            **{
                name: office_only + county_data + scoring_pages + campaign_pages
                for name in ("sysadmin", "secadmin", "auditadmin", "expert")
            },
        }

    def test_it_denies_every_page_to_those_who_may_not_see_it(self):
        for name, urls in self.urls().items():
            client = self.client_for(getattr(self, name))
            for url in urls:
                self.assertIn(client.get(url).status_code, DENIED, f"{name} GET {url}")

    def test_it_denies_every_write_to_those_who_may_not_make_it(self):
        f, c = self.framework.pk, self.campaign.pk
        posts = [
            reverse("assessments:framework_lock", args=[f]),
            reverse("assessments:framework_new_version", args=[f]),
            reverse("assessments:framework_delete", args=[f]),
            reverse("assessments:campaign_advance", args=[c]),
            reverse("assessments:self_return", args=[self.sa.pk]),
            reverse("assessments:score_approve", args=[self.score.pk]),
        ]
        before = (Framework.objects.count(), Campaign.objects.get(pk=c).phase)
        for name in ("stranger", "county", "expert", "sysadmin", "auditadmin"):
            client = self.client_for(getattr(self, name))
            for url in posts:
                self.assertIn(
                    client.post(url, {"version": 0, "reason": "x"}).status_code, DENIED, f"{name} {url}"
                )
        self.assertEqual(before, (Framework.objects.count(), Campaign.objects.get(pk=c).phase))
        self.assertIsNone(Score.objects.get(pk=self.score.pk).score)


class ScoreEditorInputTestCase(WorkflowTestCase):
    """The score editor's input goes through one Form (`forms.ScoreForm`) and
    the page checks access once per request."""

    def setUp(self) -> None:
        self.advance_to("scoring")
        self.score = Score.objects.get(campaign=self.campaign, target=self.county_org, indicator__code="A1")
        self.rules = {r.code: r for r in self.score.indicator.rules.all()}

    def form(self, **data):
        from assessments.forms import ScoreForm

        return ScoreForm(data, rules=self.rules.values())

    def test_it_turns_the_editor_into_rule_items(self):
        deduct, veto = self.rules["A1-1"], self.rules["A1-2"]
        form = self.form(
            version="3",
            **{
                f"rule_{deduct.pk}_count": "2",
                f"rule_{deduct.pk}_reason": " 两件 ",
                f"rule_{veto.pk}_count": "0",
            },
        )
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["version"], 3)
        self.assertEqual([(i.rule_id, i.count, i.reason) for i in form.items()], [(deduct.pk, 2, "两件")])

    def test_it_reports_a_stale_form_before_bad_points_before_bad_counts(self):
        deduct = self.rules["A1-1"]
        bad_count = {f"rule_{deduct.pk}_count": "两"}
        self.assertEqual(self.form(**bad_count, version="1").problems(), ["细则 A1-1 的次数「两」不是整数。"])
        self.assertEqual(
            self.form(**bad_count, version="1", base="abc").problems(), ["「abc」不是有效的数字。"]
        )
        self.assertEqual(
            self.form(**bad_count, version="x", base="abc").problems(), ["表单已过期，请刷新后重试。"]
        )
        missing = self.form()
        self.assertTrue(missing.is_valid())
        self.assertEqual(missing.cleaned_data["version"], -1)  # refused by the service as a stale edit

    def test_it_checks_access_once_per_request(self):
        from unittest import mock

        from assessments import access

        url = reverse("assessments:score_detail", args=[self.score.pk])
        deduct = self.rules["A1-1"]
        requests = [
            ("get", url, {}),
            (
                "post",
                url,
                {"version": "0", f"rule_{deduct.pk}_count": "1", f"rule_{deduct.pk}_reason": "一件"},
            ),
            ("post", url, {"version": "0", f"rule_{deduct.pk}_count": "x"}),
            ("post", reverse("assessments:score_approve", args=[self.score.pk]), {"version": "1"}),
        ]
        client = self.client_for(self.assessor)
        for method, path, data in requests:
            with mock.patch.object(access, "access_score", wraps=access.access_score) as checked:
                response = getattr(client, method)(path, data, HTTP_HX_REQUEST="true")
            self.assertEqual(response.status_code, 200, path)
            self.assertEqual(checked.call_count, 1, f"{method} {path}")
