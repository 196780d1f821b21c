"""加分申报: filed with evidence in 自评填报, scored by the 加分 indicator's unit
through the indicator's score (经办 enters, 审核 approves), the outcome shown to
the applicant, the points in the composite's capped bonus."""

from __future__ import annotations

from decimal import Decimal as D

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from assessments import access
from assessments.models import BonusClaim, Campaign
from assessments.selectors.results import campaign_ranking
from assessments.services import bonus_claims as services
from assessments.services import scores as score_services
from assessments.services.scores import ItemInput
from assessments.tests.fixtures import WorkflowTestCase
from audit.models import AuditEntry

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "表彰文件.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


class BonusClaimTestCase(WorkflowTestCase):
    def setUp(self) -> None:
        self.advance_to("self_assess")
        self.b2 = self.indicator("B2")
        self.rule = self.b2.rules.get(code="B2-1")

    def file(self, actor=None, **overrides) -> BonusClaim:
        fields = {
            "indicator": self.b2,
            "rule": self.rule,
            "title": "",
            "claimed_points": D(3),
            "reason": "2023年获评全国法治政府建设示范地区",
            "files": [pdf()],
        }
        fields.update(overrides)
        return services.bonus_claim_create(actor=actor or self.county, campaign=self.campaign, **fields)

    def score_and_approve(self) -> None:
        score = self.score(self.county_org, "B2")
        score_services.score_save(
            actor=self.assessor,
            score=score,
            expected_version=score.version,
            items=[ItemInput(rule_id=self.rule.pk, reason="核实表彰文件")],
            submit=True,
        )
        score = self.score(self.county_org, "B2")
        score_services.score_approve(actor=self.reviewer, score=score, expected_version=score.version)


class BonusClaimFilingTestCase(BonusClaimTestCase):
    def test_it_files_a_claim_with_its_evidence_and_audits(self):
        claim = self.file()
        self.assertEqual(claim.title, "获评全国法治创建先进的，加3分")  # the rule's words when no title
        self.assertEqual([a.original_name for a in claim.evidence.all()], ["表彰文件.pdf"])
        entry = AuditEntry.objects.get(action="assessments.bonus_claim.submitted")
        self.assertEqual(entry.after["indicator"], "B2")
        self.assertEqual(entry.after["claimed_points"], "3")

    def test_it_takes_an_item_of_the_counties_own_with_a_title(self):
        claim = self.file(rule=None, title="市级法治文化阵地建设", claimed_points=D("1.5"))
        self.assertIsNone(claim.rule)
        with self.assertRaisesMessage(ValidationError, "请填写申报事项"):
            self.file(rule=None, title=" ")

    def test_it_refuses_bad_claims_and_keeps_nothing(self):
        cases = [
            (
                {"indicator": self.indicator("A1"), "rule": None, "title": "x"},
                "不是本次考评适用于本单位的加分项目",
            ),
            ({"claimed_points": D(6)}, "申报分值须大于 0 且不超过该项目的加分上限 5 分"),
            ({"claimed_points": D(0)}, "申报分值须大于 0"),
            ({"reason": " "}, "请填写申报理由"),
            ({"files": []}, "请上传佐证材料"),
            ({"rule": self.indicator("A1").rules.get(code="A1-1")}, "所选细则不是该加分项目的加分细则"),
        ]
        for overrides, message in cases:
            with self.subTest(message), self.assertRaisesMessage(ValidationError, message):
                self.file(**overrides)
        self.assertFalse(BonusClaim.objects.exists())

    def test_it_refuses_a_refused_file_and_keeps_no_claim(self):
        exe = SimpleUploadedFile("表彰.pdf", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/pdf")
        with self.assertRaisesMessage(ValidationError, "表彰.pdf："):
            self.file(files=[exe])
        self.assertFalse(BonusClaim.objects.exists())

    def test_it_lets_only_the_county_itself_file_and_only_in_self_assessment(self):
        for actor in (self.office, self.assessor):
            with self.assertRaises(PermissionDenied):
                self.file(actor=actor)
        self.advance_to("scoring")
        with self.assertRaisesMessage(
            PermissionDenied, "加分申报在「自评填报」阶段进行，当前阶段为「考评评分」。"
        ):
            self.file()

    def test_it_withdraws_while_self_assessment_is_open(self):
        claim = self.file()
        with self.assertRaises(PermissionDenied):
            services.bonus_claim_withdraw(actor=self.stranger, claim=claim)
        claim = services.bonus_claim_withdraw(actor=self.county, claim=claim)
        self.assertEqual(claim.status, "withdrawn")
        with self.assertRaisesMessage(ValidationError, "该加分申报已撤回。"):
            services.bonus_claim_withdraw(actor=self.county, claim=claim)


class BonusClaimScoringTestCase(BonusClaimTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.claim = self.file()
        self.advance_to("scoring")

    def test_it_shows_the_claim_in_the_units_score_editor(self):
        score = self.score(self.county_org, "B2")
        response = self.client_for(self.assessor).get(reverse("assessments:score_detail", args=[score.pk]))
        self.assertContains(response, "加分申报（1 项）")
        self.assertContains(response, "申报 3 分（B2-1）")
        self.assertContains(response, "表彰文件.pdf")

    def test_it_reports_the_outcome_to_each_party_as_it_may_see_it(self):
        claim = BonusClaim.objects.get(pk=self.claim.pk)
        self.assertEqual(services.claim_outcome(self.county, claim, services.claim_score(claim))[0], "待评分")
        self.score_and_approve()
        score = services.claim_score(claim)
        self.assertEqual(
            services.claim_outcome(self.county, claim, score), ("已评定（结果反馈阶段可查看得分）", None)
        )
        self.assertEqual(
            services.claim_outcome(self.assessor, claim, score), ("已评定：该加分项目得 3 分", D(3))
        )
        self.advance_to("feedback")
        claim = BonusClaim.objects.select_related("campaign").get(pk=self.claim.pk)
        response = self.client_for(self.county).get(
            reverse("assessments:bonus_claim_detail", args=[claim.pk])
        )
        self.assertContains(response, "已评定：该加分项目得 3 分")

    def test_it_feeds_the_composite_bonus_capped_by_the_campaign(self):
        self.score_and_approve()
        bonus = {r.code: r.bonus for r in campaign_ranking(self.campaign)}
        self.assertEqual(bonus[self.county_org.code], D(3))
        Campaign.objects.filter(pk=self.campaign.pk).update(bonus_cap=D(2))
        capped = {r.code: r.bonus for r in campaign_ranking(Campaign.objects.get(pk=self.campaign.pk))}
        self.assertEqual(capped[self.county_org.code], D(2))

    def test_it_shows_claims_only_to_those_concerned(self):
        self.assertEqual(access.access_bonus_claim(self.assessor, self.claim.pk), self.claim)
        self.assertEqual(access.access_bonus_claim(self.office, self.claim.pk), self.claim)
        for user in (self.stranger, self.assessor_b, self.expert):
            with self.subTest(user.username), self.assertRaises(Http404):
                access.access_bonus_claim(user, self.claim.pk)
        url = reverse("assessments:bonus_claims", args=[self.campaign.pk])
        self.assertContains(self.client_for(self.county).get(url), "获评全国法治创建先进")
        self.assertNotContains(self.client_for(self.stranger).get(url), "获评全国法治创建先进")
        evidence = self.claim.evidence.get()
        download = reverse("attachments:download", args=[evidence.pk])
        self.assertEqual(self.client_for(self.assessor).get(download).status_code, 200)
        self.assertIn(self.client_for(self.assessor_b).get(download).status_code, (403, 404))


class BonusClaimPagesTestCase(BonusClaimTestCase):
    def test_it_files_through_the_form(self):
        url = reverse("assessments:bonus_claim_create", args=[self.campaign.pk])
        client = self.client_for(self.county)
        self.assertContains(client.get(url), "B2 法治创建加分 · 其他（自拟事项）")
        response = client.post(
            url,
            {
                "item": f"indicator:{self.b2.pk}",
                "title": "市级法治文化阵地建设",
                "claimed_points": "1",
                "reason": "建成市级法治文化公园",
                "evidence": [pdf("验收意见.pdf")],
            },
            follow=True,
        )
        self.assertContains(response, "已申报加分：市级法治文化阵地建设。")
        self.assertContains(response, "验收意见.pdf")
        response = client.post(
            url, {"item": f"rule:{self.rule.pk}", "claimed_points": "9", "reason": "x", "evidence": [pdf()]}
        )
        self.assertContains(response, "不超过该项目的加分上限 5 分")
        exe = SimpleUploadedFile("表彰.pdf", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/pdf")
        response = client.post(
            url, {"item": f"rule:{self.rule.pk}", "claimed_points": "3", "reason": "x", "evidence": [exe]}
        )
        self.assertContains(response, "表彰.pdf：")
        self.assertEqual(BonusClaim.objects.count(), 1)

    def test_it_denies_the_form_to_those_who_may_not_file(self):
        url = reverse("assessments:bonus_claim_create", args=[self.campaign.pk])
        for user in (self.office, self.assessor):
            self.assertEqual(self.client_for(user).get(url).status_code, 403)
        self.assertEqual(self.client_for(self.expert).get(url).status_code, 404)


class BonusClaimApiTestCase(BonusClaimTestCase):
    def test_it_files_lists_and_withdraws_through_the_api(self):
        client = self.client_for(self.county)
        response = client.post(
            "/api/v1/assessments/bonus-claims/",
            {
                "campaign": self.campaign.pk,
                "indicator": self.b2.pk,
                "rule": self.rule.pk,
                "claimed_points": "3",
                "reason": "获评全国示范",
                "files": [pdf()],
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(
            (body["indicator_code"], body["rule_code"], body["outcome"]), ("B2", "B2-1", "待评分")
        )
        self.assertEqual([e["name"] for e in body["evidence"]], ["表彰文件.pdf"])
        listed = client.get(f"/api/v1/assessments/bonus-claims/?campaign={self.campaign.pk}").json()
        rows = listed["results"] if isinstance(listed, dict) else listed
        self.assertEqual([r["id"] for r in rows], [body["id"]])
        stranger = self.client_for(self.stranger).get("/api/v1/assessments/bonus-claims/").json()
        self.assertEqual(stranger["results"] if isinstance(stranger, dict) else stranger, [])
        bad = client.post(
            "/api/v1/assessments/bonus-claims/",
            {"campaign": self.campaign.pk, "indicator": self.b2.pk, "claimed_points": "3", "reason": "x"},
        )
        self.assertEqual(bad.status_code, 400)
        self.assertIn("请上传佐证材料", bad.content.decode())
        withdrawn = client.post(f"/api/v1/assessments/bonus-claims/{body['id']}/withdraw/")
        self.assertEqual(withdrawn.json()["status"], "withdrawn")
