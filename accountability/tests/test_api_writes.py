"""/api/v1/accountability/…: the writes of 述 (open/close a round) and 督 (plans, records,
findings) through the same services as the pages, per persona, with structured errors and
nothing changed on refusal."""

from __future__ import annotations

import datetime
from unittest import mock

from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from accountability import services
from accountability.models import Finding, InspectionPlan, InspectionRecord, Rating, ShufaRound
from accountability.tests.helpers import TEMPLATE, YEAR, AccountabilityTestCase
from audit.models import AuditEntry

BASE = "/api/v1/accountability"
SEPT = {"start_on": f"{YEAR}-09-01", "end_on": f"{YEAR}-09-30"}


class ApiWritesTestCase(AccountabilityTestCase):
    def api(self, user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    def plan(self) -> InspectionPlan:
        return services.inspection_plan_create(
            actor=self.office,
            year=YEAR,
            topic="法治政府建设综合督察",
            start_on=datetime.date(YEAR, 9, 1),
            end_on=datetime.date(YEAR, 9, 30),
            targets=[self.county_org],
            team=[self.assessor_b],
        )


class RoundWritesTestCase(ApiWritesTestCase):
    def round_body(self, year: int = YEAR + 1) -> dict:
        return {"year": year, "title": "述法", "deadline": f"{year}-12-31", "template": TEMPLATE}

    def test_it_lets_the_office_open_a_round(self):
        response = self.api(self.office).post(f"{BASE}/rounds/", self.round_body(), format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["year"], YEAR + 1)
        self.assertIsNone(response.json()["closed_at"])
        self.assertTrue(AuditEntry.objects.filter(action="accountability.round.created").exists())

    def test_it_refuses_a_second_round_of_the_year_with_a_field_error(self):
        response = self.api(self.office).post(f"{BASE}/rounds/", self.round_body(YEAR), format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json()["error"]["fields"]["year"], [f"{YEAR}年的述法工作已开展，不能重复创建。"]
        )

    def test_it_hides_round_writes_from_everyone_but_the_office(self):
        for user in (self.leader, self.county, self.assessor, self.expert):
            with self.subTest(user=user.username):
                opened = self.api(user).post(f"{BASE}/rounds/", self.round_body(), format="json")
                self.assertEqual(opened.status_code, 404)
                closed = self.api(user).post(f"{BASE}/rounds/{self.shufa_round.pk}/close/")
                self.assertEqual(closed.status_code, 404)
        self.assertEqual(self.api(self.sysadmin).post(f"{BASE}/rounds/", self.round_body()).status_code, 403)
        self.assertEqual(ShufaRound.objects.count(), 1)
        self.assertFalse(ShufaRound.objects.get().is_closed)

    def test_it_closes_a_round_once_and_then_takes_no_more_reports_or_ratings(self):
        report = self.submitted_report()
        draft = services.shufa_report_save(actor=self.leader_b, shufa_round=self.shufa_round, body="草稿")
        office = self.api(self.office)
        closed = office.post(f"{BASE}/rounds/{self.shufa_round.pk}/close/")
        self.assertEqual(closed.status_code, 200, closed.content)
        self.assertIsNotNone(closed.json()["closed_at"])
        entry = AuditEntry.objects.get(action="accountability.round.closed")
        self.assertEqual(entry.data["reports"], {"draft": 1, "submitted": 1, "returned": 0})

        again = office.post(f"{BASE}/rounds/{self.shufa_round.pk}/close/")
        self.assertEqual(again.status_code, 400)
        self.assertIn("已于", again.json()["error"]["fields"]["non_field_errors"][0])
        ended = f"{YEAR}年的述法工作已结束，不能再提交、退回或评议述法报告。"
        rated = self.api(self.assessor).post(
            f"{BASE}/reports/{report.pk}/rate/", {"grade": "满意", "score": 90}, format="json"
        )
        self.assertEqual(rated.json()["error"]["fields"]["non_field_errors"], [ended])
        submitted = self.api(self.leader_b).post(f"{BASE}/reports/{draft.pk}/submit/")
        self.assertEqual(submitted.json()["error"]["fields"]["non_field_errors"], [ended])
        returned = office.post(f"{BASE}/reports/{report.pk}/return/", {"reason": "补充"}, format="json")
        self.assertEqual(returned.status_code, 400)
        self.assertFalse(Rating.objects.exists())
        draft.refresh_from_db()
        self.assertEqual(draft.state, "draft")


class PlanWritesTestCase(ApiWritesTestCase):
    def plan_body(self, **changes) -> dict:
        return {
            "year": YEAR,
            "topic": "法治化营商环境专项督察",
            **SEPT,
            "targets": [self.county_org.pk],
            "team": [self.assessor_b.pk],
            **changes,
        }

    def test_it_lets_the_office_make_a_plan(self):
        response = self.api(self.office).post(f"{BASE}/plans/", self.plan_body(), format="json")
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(
            (body["targets"], body["team"], body["version"]), ([self.county_org.pk], [self.assessor_b.pk], 1)
        )

    def test_it_refuses_a_plan_from_anyone_but_the_office(self):
        for user, code in (
            (self.county, 403),
            (self.assessor_b, 403),
            (self.leader, 403),
            (self.sysadmin, 403),
        ):
            with self.subTest(user=user.username):
                response = self.api(user).post(f"{BASE}/plans/", self.plan_body(), format="json")
                self.assertEqual(response.status_code, code)
        self.assertFalse(InspectionPlan.objects.exists())

    def test_it_refuses_an_admin_or_a_leader_on_the_team(self):
        for user in (self.sysadmin, self.leader):
            with self.subTest(user=user.username):
                response = self.api(self.office).post(
                    f"{BASE}/plans/", self.plan_body(team=[self.assessor_b.pk, user.pk]), format="json"
                )
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn("team", response.json()["error"]["fields"])
        self.assertFalse(InspectionPlan.objects.exists())
        plan = services.inspection_plan_create(
            actor=self.office,
            year=YEAR,
            topic="督察",
            start_on=datetime.date(YEAR, 9, 1),
            end_on=datetime.date(YEAR, 9, 30),
            targets=[self.county_org],
            team=[self.assessor_b],
        )
        edited = self.api(self.office).patch(
            f"{BASE}/plans/{plan.pk}/", {"version": plan.version, "team": [self.sysadmin.pk]}, format="json"
        )
        self.assertEqual(edited.status_code, 400)
        self.assertEqual(list(plan.team.all()), [self.assessor_b])

    def test_it_refuses_a_plan_ending_before_it_starts(self):
        response = self.api(self.office).post(
            f"{BASE}/plans/", self.plan_body(end_on=f"{YEAR}-08-01"), format="json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["fields"]["end_on"], ["结束日期不能早于开始日期。"])
        self.assertFalse(InspectionPlan.objects.exists())

    def test_it_edits_the_team_and_dates_on_the_version_read(self):
        plan = self.plan()
        response = self.api(self.office).patch(
            f"{BASE}/plans/{plan.pk}/",
            {"version": 1, "team": [self.assessor.pk, self.assessor_b.pk], "end_on": f"{YEAR}-10-15"},
            format="json",
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["version"], 2)
        self.assertEqual(sorted(response.json()["team"]), sorted([self.assessor.pk, self.assessor_b.pk]))
        self.assertEqual(response.json()["end_on"], f"{YEAR}-10-15")
        entry = AuditEntry.objects.get(action="accountability.inspection.updated")
        self.assertEqual(set(entry.data), {"end_on", "team"})

    def test_it_answers_409_to_a_stale_edit_and_keeps_the_plan(self):
        plan = self.plan()
        office = self.api(self.office)
        office.patch(f"{BASE}/plans/{plan.pk}/", {"version": 1, "topic": "第一次修改"}, format="json")
        stale = office.patch(f"{BASE}/plans/{plan.pk}/", {"version": 1, "topic": "第二次修改"}, format="json")
        self.assertEqual(stale.status_code, 409)
        self.assertEqual(stale.json()["error"]["code"], "conflict")
        plan.refresh_from_db()
        self.assertEqual((plan.topic, plan.version), ("第一次修改", 2))

    def test_it_keeps_a_target_with_findings_and_the_dates_of_its_records(self):
        plan = self.plan()
        services.inspection_record_create(
            actor=self.assessor_b,
            plan=plan,
            target=self.county_org,
            visited_on=datetime.date(YEAR, 9, 20),
            notes="座谈",
        )
        office = self.api(self.office)
        dropped = office.patch(
            f"{BASE}/plans/{plan.pk}/", {"version": 1, "targets": [self.stranger_org.pk]}, format="json"
        )
        self.assertEqual(dropped.status_code, 400)
        self.assertIn("蓬江区已有督察记录或发现问题", dropped.json()["error"]["fields"]["targets"][0])
        shrunk = office.patch(
            f"{BASE}/plans/{plan.pk}/", {"version": 1, "end_on": f"{YEAR}-09-10"}, format="json"
        )
        self.assertEqual(
            shrunk.json()["error"]["fields"]["start_on"],
            [f"已有 {YEAR}-09-20 的督察记录，起止日期须包含它。"],
        )
        plan.refresh_from_db()
        self.assertEqual((plan.version, plan.end_on), (1, datetime.date(YEAR, 9, 30)))

    def test_it_lets_only_the_office_edit_a_plan(self):
        plan = self.plan()
        team = self.api(self.assessor_b).patch(
            f"{BASE}/plans/{plan.pk}/", {"version": 1, "topic": "改"}, format="json"
        )
        self.assertEqual(team.status_code, 403)
        self.assertEqual(team.json()["error"]["message"], "只有市委依法治市办可以修改督察计划。")
        for user in (self.county, self.assessor, self.leader):
            with self.subTest(user=user.username):
                response = self.api(user).patch(
                    f"{BASE}/plans/{plan.pk}/", {"version": 1, "topic": "改"}, format="json"
                )
                self.assertEqual(response.status_code, 404)
        plan.refresh_from_db()
        self.assertEqual(plan.topic, "法治政府建设综合督察")


class RecordAndFindingWritesTestCase(ApiWritesTestCase):
    def test_it_lets_the_team_record_a_visit_within_the_dates(self):
        plan = self.plan()
        team = self.api(self.assessor_b)
        visit = {"target": self.county_org.pk, "visited_on": f"{YEAR}-09-12", "notes": "查阅执法案卷"}
        response = team.post(f"{BASE}/plans/{plan.pk}/records/", visit, format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["recorded_by"], self.assessor_b.pk)
        late = team.post(
            f"{BASE}/plans/{plan.pk}/records/", {**visit, "visited_on": f"{YEAR}-11-01"}, format="json"
        )
        self.assertEqual(late.json()["error"]["fields"]["visited_on"], ["督察日期须在计划的起止日期之内。"])
        other = team.post(
            f"{BASE}/plans/{plan.pk}/records/", {**visit, "target": self.stranger_org.pk}, format="json"
        )
        self.assertEqual(other.json()["error"]["fields"]["target"], ["该单位不是本次督察的对象。"])
        self.assertEqual(InspectionRecord.objects.count(), 1)

    def test_it_hides_the_plan_from_whoever_is_not_on_its_team(self):
        plan = self.plan()
        visit = {"target": self.county_org.pk, "visited_on": f"{YEAR}-09-12", "notes": "查阅"}
        for user in (self.assessor, self.county, self.leader):
            with self.subTest(user=user.username):
                response = self.api(user).post(f"{BASE}/plans/{plan.pk}/records/", visit, format="json")
                self.assertEqual(response.status_code, 404)
        self.assertFalse(InspectionRecord.objects.exists())

    def finding_body(self, plan, **changes) -> dict:
        return {
            "plan": plan.pk,
            "target": self.county_org.pk,
            "text": "行政执法公示不全",
            "severity": "serious",
            "deadline": f"{YEAR}-12-31",
            **changes,
        }

    def test_it_lets_the_team_record_a_finding(self):
        plan = self.plan()
        response = self.api(self.assessor_b).post(f"{BASE}/findings/", self.finding_body(plan), format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual((response.json()["severity"], response.json()["target_name"]), ("serious", "蓬江区"))
        self.assertTrue(AuditEntry.objects.filter(action="accountability.finding.created").exists())

    def test_it_opens_the_finding_as_a_problem_through_the_seam_in_the_same_transaction(self):
        plan = self.plan()
        opened = mock.patch(
            "accountability.problems_link.finding_open_problem", side_effect=RuntimeError("tracker down")
        )
        with opened as seam, self.assertRaises(RuntimeError):
            self.api(self.office).post(f"{BASE}/findings/", self.finding_body(plan), format="json")
        seam.assert_called_once()
        self.assertFalse(Finding.objects.exists())  # the finding rolled back with its problem

    def test_it_refuses_a_finding_with_a_deadline_before_the_inspection(self):
        plan = self.plan()
        response = self.api(self.office).post(
            f"{BASE}/findings/", self.finding_body(plan, deadline=f"{YEAR}-08-01"), format="json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["fields"]["deadline"], ["整改期限不能早于督察开始日期。"])
        self.assertFalse(Finding.objects.exists())

    def test_it_hides_the_plan_of_a_finding_from_whoever_is_not_on_its_team(self):
        plan = self.plan()
        for user in (self.assessor, self.county, self.stranger, self.leader):
            with self.subTest(user=user.username):
                response = self.api(user).post(f"{BASE}/findings/", self.finding_body(plan), format="json")
                self.assertEqual(response.status_code, 404)
        self.assertEqual(
            self.api(self.auditadmin).post(f"{BASE}/findings/", self.finding_body(plan)).status_code, 403
        )
        self.assertFalse(Finding.objects.exists())


class RoundReviewersTestCase(ApiWritesTestCase):
    """PUT …/rounds/{id}/reviewers/: the round page's 选定评议人 through the API."""

    def url(self) -> str:
        return f"{BASE}/rounds/{self.shufa_round.pk}/reviewers/"

    def test_it_lets_the_office_replace_the_reviewers(self):
        response = self.api(self.office).put(self.url(), {"reviewers": [self.assessor_b.pk]}, format="json")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["reviewers"], [self.assessor_b.pk])
        self.assertEqual(list(self.shufa_round.reviewers.all()), [self.assessor_b])
        entry = AuditEntry.objects.filter(action="accountability.round.reviewers_set").latest("pk")
        self.assertEqual(entry.data["reviewers"], [self.assessor_b.pk])

    def test_it_refuses_a_leader_as_reviewer_and_changes_nothing(self):
        response = self.api(self.office).put(self.url(), {"reviewers": [self.leader.pk]}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json()["error"]["fields"]["reviewers"], ["述法对象（领导干部）不能担任评议人。"]
        )
        self.assertEqual(set(self.shufa_round.reviewers.all()), {self.assessor, self.expert})

    def test_it_refuses_an_admin_account_as_reviewer(self):
        # the three admins stay out of business work, by the API as by the page
        response = self.api(self.office).put(self.url(), {"reviewers": [self.sysadmin.pk]}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("reviewers", response.json()["error"]["fields"])
        with self.assertRaisesMessage(ValidationError, "不能是系统、安全、审计管理员"):
            services.shufa_round_reviewers_set(
                actor=self.office, shufa_round=self.shufa_round, reviewers=[self.sysadmin]
            )
        self.assertEqual(set(self.shufa_round.reviewers.all()), {self.assessor, self.expert})

    def test_it_refuses_an_unknown_user_and_an_unknown_draw(self):
        office = self.api(self.office)
        self.assertEqual(office.put(self.url(), {"reviewers": [987654]}, format="json").status_code, 400)
        unknown = office.put(self.url(), {"reviewers": [], "draw": 987654}, format="json")
        self.assertEqual(unknown.status_code, 400)
        self.assertEqual(unknown.json()["error"]["fields"]["draw"], ["请选择已执行的“述法评议”专家抽取。"])
        self.assertEqual(set(self.shufa_round.reviewers.all()), {self.assessor, self.expert})

    def test_it_takes_only_an_executed_draw_for_the_shufa_review(self):
        from experts import services as expert_services
        from experts.models import Purpose
        from experts.tests.factories import pool

        pool(self.office, 4, "administrative")
        other = next(code for code, _ in Purpose.choices if code != Purpose.SHUFA)
        for purpose_code, execute in ((other, True), (Purpose.SHUFA, False)):
            with self.subTest(purpose=purpose_code, executed=execute):
                draw = expert_services.draw_prepare(
                    actor=self.office, purpose="专家组", purpose_code=purpose_code, size=2
                )
                if execute:
                    draw = expert_services.draw_execute(actor=self.office, draw=draw)
                response = self.api(self.office).put(self.url(), {"draw": draw.pk}, format="json")
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual(
                    response.json()["error"]["fields"]["draw"], ["请选择已执行的“述法评议”专家抽取。"]
                )
        self.shufa_round.refresh_from_db()
        self.assertIsNone(self.shufa_round.draw)

    def test_the_round_list_reads_reviewers_in_one_query_whatever_the_rounds(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        office = self.api(self.office)
        office.get(f"{BASE}/rounds/")  # warm: the first request reads what later ones keep
        with CaptureQueriesContext(connection) as one:
            self.assertEqual(office.get(f"{BASE}/rounds/").status_code, 200)
        for year in (YEAR + 1, YEAR + 2):
            round_ = services.shufa_round_create(
                actor=self.office,
                year=year,
                title="述法",
                deadline=datetime.date(year, 12, 31),
                template=TEMPLATE,
            )
            services.shufa_round_reviewers_set(
                actor=self.office, shufa_round=round_, reviewers=[self.assessor]
            )
        with CaptureQueriesContext(connection) as three:
            listed = office.get(f"{BASE}/rounds/").json()
        self.assertEqual(len(three), len(one))
        self.assertEqual(sorted(r["reviewers"] for r in listed["results"])[0], [self.assessor.pk])

    def test_it_hides_the_reviewers_from_everyone_but_the_office(self):
        for user in (self.leader, self.county, self.assessor, self.expert):
            with self.subTest(user=user.username):
                response = self.api(user).put(self.url(), {"reviewers": [user.pk]}, format="json")
                self.assertEqual(response.status_code, 404)
        self.assertEqual(
            self.api(self.sysadmin).put(self.url(), {"reviewers": []}, format="json").status_code, 403
        )
        self.assertEqual(APIClient().put(self.url(), {"reviewers": []}, format="json").status_code, 401)
        self.assertEqual(set(self.shufa_round.reviewers.all()), {self.assessor, self.expert})
