"""Deleting a 督察 plan or record entered by mistake: the office deletes a plan while
nothing was recorded or found under it; the office or a record's author deletes a
record no finding refers to. Findings are never deleted here (they are in the problem
ledger, where a mistaken one is 不予立案). Pages and API, audited, nothing changed on
refusal."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accountability import services
from accountability.models import InspectionPlan, InspectionRecord
from accountability.tests.helpers import YEAR
from accountability.tests.test_api_writes import BASE, ApiWritesTestCase
from audit.models import AuditEntry


class InspectionDeleteTestCase(ApiWritesTestCase):
    def record(self, plan: InspectionPlan, author=None) -> InspectionRecord:
        return services.inspection_record_create(
            actor=author or self.assessor_b,
            plan=plan,
            target=self.county_org,
            visited_on=datetime.date(YEAR, 9, 2),
            notes="查阅行政执法案卷 20 卷",
        )

    def finding(self, plan: InspectionPlan, record: InspectionRecord | None = None):
        return services.finding_create(
            actor=self.assessor_b,
            plan=plan,
            target=self.county_org,
            text="行政执法案卷归档不及时",
            severity="general",
            deadline=datetime.date(YEAR, 12, 31),
            record=record,
        )


class ServicesTestCase(InspectionDeleteTestCase):
    def test_the_office_deletes_an_empty_plan_and_it_is_audited(self):
        plan = self.plan()
        services.inspection_plan_delete(actor=self.office, plan=plan)
        self.assertFalse(InspectionPlan.objects.filter(pk=plan.pk).exists())
        entry = AuditEntry.objects.get(action="accountability.plan.deleted")
        self.assertEqual((entry.target_id, entry.data["topic"]), (str(plan.pk), "法治政府建设综合督察"))

    def test_a_plan_with_a_record_or_a_finding_stays(self):
        with_record, with_finding = self.plan(), self.plan()
        self.record(with_record)
        self.finding(with_finding)
        for plan in (with_record, with_finding):
            with self.subTest(plan=plan.pk), self.assertRaisesMessage(ValidationError, "不能删除"):
                services.inspection_plan_delete(actor=self.office, plan=plan)
        self.assertEqual(InspectionPlan.objects.filter(pk__in=[with_record.pk, with_finding.pk]).count(), 2)

    def test_only_the_office_deletes_a_plan(self):
        plan = self.plan()
        with self.assertRaises(PermissionDenied):
            services.inspection_plan_delete(actor=self.assessor_b, plan=plan)
        self.assertTrue(InspectionPlan.objects.filter(pk=plan.pk).exists())

    def test_the_office_or_the_author_deletes_a_record_no_finding_refers_to(self):
        plan = self.plan()
        services.inspection_plan_update(
            actor=self.office,
            plan=plan,
            expected_version=plan.version,
            topic=plan.topic,
            start_on=plan.start_on,
            end_on=plan.end_on,
            targets=[self.county_org],
            team=[self.assessor_b, self.assessor],
        )
        mine, theirs, cited = self.record(plan), self.record(plan, author=self.assessor), self.record(plan)
        self.finding(plan, record=cited)
        with self.assertRaises(PermissionDenied):
            services.inspection_record_delete(actor=self.assessor_b, record=theirs)
        with self.assertRaisesMessage(ValidationError, "已登记发现问题"):
            services.inspection_record_delete(actor=self.office, record=cited)
        services.inspection_record_delete(actor=self.assessor_b, record=mine)
        services.inspection_record_delete(actor=self.office, record=theirs)
        self.assertEqual(list(InspectionRecord.objects.filter(plan=plan)), [cited])
        self.assertEqual(
            AuditEntry.objects.filter(action="accountability.inspection.record_deleted").count(), 2
        )


class PagesTestCase(InspectionDeleteTestCase):
    def test_the_office_deletes_an_empty_plan_from_its_page(self):
        plan = self.plan()
        office = self.client_for(self.office)
        page = office.get(reverse("accountability:plan_detail", args=[plan.pk]))
        self.assertContains(page, reverse("accountability:plan_delete", args=[plan.pk]))
        response = office.post(reverse("accountability:plan_delete", args=[plan.pk]), follow=True)
        self.assertRedirects(response, reverse("accountability:plan_list"))
        self.assertContains(response, "已删除")
        self.assertFalse(InspectionPlan.objects.filter(pk=plan.pk).exists())

    def test_a_plan_with_records_offers_no_delete_and_refuses_one_in_chinese(self):
        plan = self.plan()
        self.record(plan)
        office = self.client_for(self.office)
        page = office.get(reverse("accountability:plan_detail", args=[plan.pk]))
        self.assertNotContains(page, reverse("accountability:plan_delete", args=[plan.pk]))
        response = office.post(reverse("accountability:plan_delete", args=[plan.pk]), follow=True)
        self.assertContains(response, "该督察计划已有督察记录或发现问题，不能删除。")
        self.assertTrue(InspectionPlan.objects.filter(pk=plan.pk).exists())

    def test_the_team_sees_no_plan_delete_and_gets_403_others_404(self):
        plan = self.plan()
        url = reverse("accountability:plan_delete", args=[plan.pk])
        page = self.client_for(self.assessor_b).get(reverse("accountability:plan_detail", args=[plan.pk]))
        self.assertNotContains(page, url)
        self.assertEqual(self.client_for(self.assessor_b).post(url).status_code, 403)
        for user in (self.assessor, self.county, self.leader):
            with self.subTest(user=user.username):
                self.assertEqual(self.client_for(user).post(url).status_code, 404)
        self.assertTrue(InspectionPlan.objects.filter(pk=plan.pk).exists())

    def test_the_author_deletes_a_record_and_sees_no_button_on_a_cited_one(self):
        plan = self.plan()
        record, cited = self.record(plan), self.record(plan)
        self.finding(plan, record=cited)
        author = self.client_for(self.assessor_b)
        page = author.get(reverse("accountability:plan_detail", args=[plan.pk]))
        self.assertContains(page, reverse("accountability:record_delete", args=[record.pk]))
        self.assertNotContains(page, reverse("accountability:record_delete", args=[cited.pk]))
        refused = author.post(reverse("accountability:record_delete", args=[cited.pk]), follow=True)
        self.assertContains(refused, "该督察记录下已登记发现问题，不能删除。")
        done = author.post(reverse("accountability:record_delete", args=[record.pk]), follow=True)
        self.assertRedirects(done, reverse("accountability:plan_detail", args=[plan.pk]))
        self.assertEqual(list(InspectionRecord.objects.filter(plan=plan)), [cited])
        self.assertEqual(
            self.client_for(self.county)
            .post(reverse("accountability:record_delete", args=[cited.pk]))
            .status_code,
            404,
        )


class ApiTestCase(InspectionDeleteTestCase):
    def test_delete_a_plan_through_the_api(self):
        plan, kept = self.plan(), self.plan()
        self.finding(kept)
        office = self.api(self.office)
        self.assertEqual(office.delete(f"{BASE}/plans/{plan.pk}/").status_code, 204)
        refused = office.delete(f"{BASE}/plans/{kept.pk}/")
        self.assertEqual(refused.status_code, 400)
        self.assertIn("不能删除", str(refused.json()["error"]))
        self.assertEqual(self.api(self.assessor_b).delete(f"{BASE}/plans/{kept.pk}/").status_code, 403)
        self.assertEqual(self.api(self.county).delete(f"{BASE}/plans/{kept.pk}/").status_code, 404)
        self.assertEqual(list(InspectionPlan.objects.all()), [kept])

    def test_delete_a_record_through_the_api(self):
        plan = self.plan()
        record, cited = self.record(plan), self.record(plan)
        self.finding(plan, record=cited)
        self.assertEqual(self.api(self.assessor).delete(f"{BASE}/records/{record.pk}/").status_code, 404)
        self.assertEqual(self.api(self.county).delete(f"{BASE}/records/{record.pk}/").status_code, 404)
        self.assertEqual(self.api(self.assessor_b).delete(f"{BASE}/records/{cited.pk}/").status_code, 400)
        self.assertEqual(self.api(self.assessor_b).delete(f"{BASE}/records/{record.pk}/").status_code, 204)
        self.assertEqual(list(InspectionRecord.objects.all()), [cited])
