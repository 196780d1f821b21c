"""经办 and 审核 are distinct duties of distinct people; an approved score is
frozen except for an appeal decision or the office's reopen with a reason.
Through the services, the pages, the API and the to-do list."""

from __future__ import annotations

import importlib
from decimal import Decimal as D

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import roles
from assessments.models import Appeal, AppealStatus, Score, ScoreChange, ScoringDuty
from assessments.selectors import scores as score_selectors
from assessments.services import appeals
from assessments.services import scores as services
from assessments.services.duties import scoring_duty_assign
from assessments.services.scores import ItemInput, ScoreLocked
from assessments.tests.fixtures import WorkflowTestCase
from audit.models import AuditEntry
from fazhi.testing import make_user
from workbench import nav

API = "/api/v1/assessments"


class DutyTestCase(WorkflowTestCase):
    def setUp(self) -> None:
        self.advance_to("scoring")
        self.a1 = self.score(self.county_org, "A1")
        self.rule = self.a1.indicator.rules.get(code="A1-1")

    def api(self, user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    def enter(self, user, score: Score, *, count: int = 1, submit: bool = True) -> Score:
        return services.score_save(
            actor=user,
            score=score,
            expected_version=score.version,
            items=[ItemInput(rule_id=self.rule.pk, count=count, reason=f"{count}件未审查")],
            submit=submit,
        )

    def approved(self) -> Score:
        score = self.enter(self.assessor, self.a1)
        return services.score_approve(actor=self.reviewer, score=score, expected_version=score.version)

    def stored(self) -> Score:
        return Score.objects.get(pk=self.a1.pk)

    def todos(self, user) -> list[str]:
        return [t.title for t in nav.todos_for(user)]


class DutySeparationTestCase(DutyTestCase):
    def test_it_does_not_let_a_clerk_approve_another_clerks_entry(self):
        score = self.enter(self.clerk2, self.a1)
        with self.assertRaises(PermissionDenied) as ctx:
            services.score_approve(actor=self.assessor, score=score, expected_version=score.version)
        self.assertIn("承担经办职责，不能审核评分", str(ctx.exception))
        response = self.client_for(self.assessor).post(
            reverse("assessments:score_approve", args=[score.pk]),
            {"version": score.version},
            HTTP_HX_REQUEST="true",
        )
        self.assertContains(response, "承担经办职责，不能审核评分")
        self.assertNotContains(response, "审核通过</button>")
        api = self.api(self.assessor).post(
            f"{API}/scores/{score.pk}/approve/", {"version": score.version}, format="json"
        )
        self.assertEqual(api.status_code, 403)
        self.assertEqual(api.json()["error"]["code"], "permission_denied")
        self.assertEqual((self.stored().status, self.stored().reviewed_by), ("submitted", None))

    def test_it_does_not_let_a_clerk_approve_in_bulk(self):
        self.enter(self.clerk2, self.a1)
        response = self.client_for(self.assessor).post(
            reverse("assessments:scoring_approve_all", args=[self.campaign.pk])
        )
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "承担经办职责", status_code=403)
        self.assertEqual(self.stored().status, "submitted")

    def test_it_does_not_let_a_reviewer_enter_or_submit(self):
        with self.assertRaises(PermissionDenied) as ctx:
            self.enter(self.reviewer, self.a1)
        self.assertIn("承担审核职责，不能填写或提交评分", str(ctx.exception))
        page = self.client_for(self.reviewer).post(
            reverse("assessments:score_detail", args=[self.a1.pk]),
            {"version": 0, f"rule_{self.rule.pk}_count": "1", f"rule_{self.rule.pk}_reason": "x"},
        )
        self.assertEqual(page.status_code, 403)
        self.assertContains(page, "承担审核职责", status_code=403)
        api = self.api(self.reviewer).patch(
            f"{API}/scores/{self.a1.pk}/",
            {"version": 0, "items": [{"rule": self.rule.pk, "count": 1, "reason": "x"}], "submit": True},
            format="json",
        )
        self.assertEqual(api.status_code, 403)
        self.assertIn("承担审核职责", api.json()["error"]["message"])
        stored = self.stored()
        self.assertEqual((stored.score, stored.version, stored.entered_by), (None, 0, None))

    def test_it_shows_each_person_only_the_buttons_of_its_duty(self):
        score = self.enter(self.assessor, self.a1)
        url = reverse("assessments:score_detail", args=[score.pk])
        as_reviewer = self.client_for(self.reviewer).get(url)
        self.assertContains(as_reviewer, "审核通过</button>")
        self.assertNotContains(as_reviewer, "保存草稿")
        as_clerk = self.client_for(self.clerk2).get(url)
        self.assertContains(as_clerk, "保存草稿")
        self.assertNotContains(as_clerk, "审核通过</button>")
        grid = self.client_for(self.reviewer).get(reverse("assessments:scoring", args=[self.campaign.pk]))
        self.assertContains(grid, "全部审核通过（1）")
        self.assertContains(grid, '<strong id="my-duty">审核</strong>', html=False)
        grid = self.client_for(self.clerk2).get(reverse("assessments:scoring", args=[self.campaign.pk]))
        self.assertNotContains(grid, "全部审核通过")

    def test_it_never_lets_one_person_hold_both_duties(self):
        scoring_duty_assign(actor=self.office, user=self.assessor, duty="review")
        self.assertEqual(
            list(ScoringDuty.objects.filter(user=self.assessor).values_list("duty")), [("review",)]
        )
        with self.assertRaises(PermissionDenied):
            self.enter(self.assessor, self.a1)  # the 经办 duty went with the change
        with self.assertRaises(IntegrityError), transaction.atomic():
            ScoringDuty.objects.create(user=self.assessor, org=self.sfj, duty="enter")
        self.assertEqual(ScoringDuty.objects.filter(user=self.assessor).count(), 1)
        entry = AuditEntry.objects.filter(action="assessments.scoring_duty.assigned").latest("seq")
        self.assertEqual((entry.before["duty"], entry.after["duty"]), ("enter", "review"))

    def test_it_voids_a_duty_when_the_person_moves_to_another_unit(self):
        from accounts.models import User

        User.objects.filter(pk=self.assessor.pk).update(org=self.gaj)
        moved = User.objects.get(pk=self.assessor.pk)
        a2 = self.score(self.county_org, "A2")
        with self.assertRaises(PermissionDenied) as ctx:
            services.score_save(actor=moved, score=a2, expected_version=0)
        self.assertIn("尚未被分配经办或审核职责", str(ctx.exception))

    def test_it_tells_someone_without_a_duty_and_lets_it_do_nothing(self):
        newcomer = make_user("assessor_sfj_new", self.sfj, roles.ASSESSOR)
        with self.assertRaises(PermissionDenied):
            self.enter(newcomer, self.a1)
        grid = self.client_for(newcomer).get(reverse("assessments:scoring", args=[self.campaign.pk]))
        self.assertContains(grid, 'id="no-duty"')
        self.assertTrue(any("尚未被分配经办或审核职责" in t for t in self.todos(newcomer)))
        self.assertIsNone(self.stored().score)


class DutyTodoTestCase(DutyTestCase):
    def test_it_gives_the_clerk_the_entry_to_do_and_the_reviewer_the_approval_to_do(self):
        self.enter(self.assessor, self.a1)
        clerk = self.todos(self.assessor)
        reviewer = self.todos(self.reviewer)
        self.assertTrue(any("项未评分" in t for t in clerk))
        self.assertFalse(any("待您审核" in t for t in clerk))
        self.assertTrue(any("1 项评分待您审核" in t for t in reviewer))
        self.assertFalse(any("项未评分" in t for t in reviewer))

    def test_it_tells_the_office_which_units_miss_a_duty(self):
        scoring_duty_assign(actor=self.office, user=self.reviewer_b, duty=None)
        titles = self.todos(self.office)
        self.assertTrue(any("1 个考评单位缺少经办或审核人员" in t for t in titles), titles)


class DutyAssignmentTestCase(DutyTestCase):
    def test_it_lets_the_office_and_the_sysadmin_assign_duties_on_the_page(self):
        url = reverse("assessments:duty_list")
        for user, duty in ((self.office, "review"), (self.sysadmin, "enter")):
            page = self.client_for(user).get(url)
            self.assertContains(page, 'id="duty-assessor_sfj_2"')
            response = self.client_for(user).post(url, {"user": self.clerk2.pk, "duty": duty}, follow=True)
            self.assertContains(response, "的职责设为")
            self.assertEqual(ScoringDuty.objects.get(user=self.clerk2).duty, duty)
        self.assertEqual(AuditEntry.objects.filter(action="assessments.scoring_duty.assigned").count(), 2)

    def test_it_refuses_the_duty_page_to_everyone_else(self):
        url = reverse("assessments:duty_list")
        for name in ("county", "stranger", "assessor", "assessor_b", "secadmin", "auditadmin", "expert"):
            client = self.client_for(getattr(self, name))
            self.assertEqual(client.get(url).status_code, 403, name)
            self.assertEqual(client.post(url, {"user": self.clerk2.pk, "duty": "review"}).status_code, 403)
            self.assertEqual(self.api(getattr(self, name)).get(f"{API}/scoring-duties/").status_code, 403)
        self.assertEqual(ScoringDuty.objects.get(user=self.clerk2).duty, "enter")
        with self.assertRaises(PermissionDenied):
            scoring_duty_assign(actor=self.assessor, user=self.clerk2, duty="review")

    def test_it_refuses_a_bad_duty_or_a_person_outside_the_assessing_units(self):
        url = reverse("assessments:duty_list")
        client = self.client_for(self.office)
        response = client.post(url, {"user": self.clerk2.pk, "duty": "both"}, follow=True)
        self.assertContains(response, "职责须为经办或审核")
        self.assertEqual(client.post(url, {"user": self.county.pk, "duty": "enter"}).status_code, 404)
        with self.assertRaises(ValidationError):
            scoring_duty_assign(actor=self.office, user=self.county, duty="enter")
        api = self.api(self.office).put(
            f"{API}/scoring-duties/{self.clerk2.pk}/", {"duty": "both"}, format="json"
        )
        self.assertEqual(api.status_code, 400)
        self.assertIn("duty", api.json()["error"]["fields"])
        self.assertEqual(self.api(self.office).put(f"{API}/scoring-duties/abc/", {}).status_code, 404)
        self.assertEqual(ScoringDuty.objects.get(user=self.clerk2).duty, "enter")
        self.assertFalse(ScoringDuty.objects.filter(user=self.county).exists())

    def test_it_lists_and_assigns_duties_through_the_api(self):
        rows = self.api(self.sysadmin).get(f"{API}/scoring-duties/").json()
        duties = {r["username"]: r["duty"] for r in rows}
        self.assertEqual(
            (duties["assessor_sfj"], duties["assessor_sfj_sh"], duties["assessor_gaj"]),
            ("enter", "review", "enter"),
        )
        response = self.api(self.office).put(
            f"{API}/scoring-duties/{self.clerk2.pk}/", {"duty": "review"}, format="json"
        )
        self.assertEqual((response.status_code, response.json()["duty"]), (200, "review"))
        removed = self.api(self.office).put(
            f"{API}/scoring-duties/{self.clerk2.pk}/", {"duty": None}, format="json"
        )
        self.assertIsNone(removed.json()["duty"])
        self.assertFalse(ScoringDuty.objects.filter(user=self.clerk2).exists())

    def test_it_pins_the_query_count_of_the_duty_page(self):
        client = self.client_for(self.office)
        url = reverse("assessments:duty_list")
        client.get(url)
        with self.assertNumQueries(6):  # constant, whatever the rows
            response = client.get(url)
        self.assertContains(response, "assessor_gaj_sh")


class ApprovedScoreTestCase(DutyTestCase):
    def test_it_refuses_another_clerk_saving_over_an_approved_score_and_changes_nothing(self):
        score = self.approved()
        with self.assertRaises(ScoreLocked) as ctx:
            self.enter(self.clerk2, score, count=3)
        self.assertIn("已审核生效，不能再修改", ctx.exception.messages[0])
        with self.assertRaises(ScoreLocked):
            services.score_submit(actor=self.assessor, score=score, expected_version=score.version)
        stored = self.stored()
        self.assertEqual(
            (stored.score, stored.status, stored.version, stored.reviewed_by, stored.entered_by),
            (D(38), "approved", score.version, self.reviewer, self.assessor),
        )
        self.assertEqual(stored.items.get().count, 1)

    def test_it_answers_409_in_the_api_and_a_chinese_message_on_the_page(self):
        score = self.approved()
        body = {"version": score.version, "items": [{"rule": self.rule.pk, "count": 3, "reason": "三件"}]}
        response = self.api(self.clerk2).patch(f"{API}/scores/{score.pk}/", body, format="json")
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["error"]["code"], "score_approved")
        self.assertIn("已审核生效", response.json()["error"]["message"])
        page = self.client_for(self.clerk2).post(
            reverse("assessments:score_detail", args=[score.pk]),
            {
                "version": score.version,
                f"rule_{self.rule.pk}_count": "3",
                f"rule_{self.rule.pk}_reason": "三件",
            },
            HTTP_HX_REQUEST="true",
        )
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "已审核生效，不能再修改")
        self.assertContains(page, 'id="score-locked"')
        self.assertNotContains(page, "保存草稿")
        again = self.api(self.reviewer).post(f"{API}/scores/{score.pk}/approve/", {"version": score.version})
        self.assertEqual(again.status_code, 409)
        self.assertEqual((self.stored().score, self.stored().version), (D(38), score.version))

    def test_it_refuses_a_save_racing_an_approval(self):
        score = self.enter(self.assessor, self.a1)
        seen = Score.objects.get(pk=score.pk)  # the 经办's form, opened before the approval
        services.score_approve(actor=self.reviewer, score=score, expected_version=score.version)
        with self.assertRaises(ValidationError):
            self.enter(self.assessor, seen, count=4)
        self.assertEqual((self.stored().score, self.stored().status), (D(38), "approved"))


class ReopenTestCase(DutyTestCase):
    def test_it_refuses_a_reopen_without_a_reason_and_changes_nothing(self):
        score = self.approved()
        with self.assertRaises(ValidationError) as ctx:
            services.score_reopen(actor=self.office, score=score, expected_version=score.version, reason="  ")
        self.assertIn("须填写理由", str(ctx.exception.message_dict["reason"]))
        api = self.api(self.office).post(f"{API}/scores/{score.pk}/reopen/", {"version": score.version})
        self.assertEqual(api.status_code, 400)
        self.assertIn("须填写理由", str(api.json()["error"]["fields"]["reason"]))
        page = self.client_for(self.office).post(
            reverse("assessments:score_reopen", args=[score.pk]), {"version": score.version, "reason": ""}
        )
        self.assertContains(page, "重新打开评分须填写理由")
        self.assertEqual((self.stored().status, self.stored().version), ("approved", score.version))
        self.assertFalse(ScoreChange.objects.filter(score=score, source="reopen").exists())

    def test_it_lets_only_the_office_reopen(self):
        score = self.approved()
        body = {"version": score.version, "reason": "评分依据有误"}
        for name in ("assessor", "clerk2", "reviewer"):
            with self.assertRaises(PermissionDenied):
                services.score_reopen(
                    actor=getattr(self, name), score=score, expected_version=score.version, reason="x"
                )
            self.assertEqual(
                self.api(getattr(self, name)).post(f"{API}/scores/{score.pk}/reopen/", body).status_code, 403
            )
            page = self.client_for(getattr(self, name)).post(
                reverse("assessments:score_reopen", args=[score.pk]), body
            )
            self.assertEqual(page.status_code, 403, name)
        for name in ("county", "stranger", "assessor_b", "expert", "sysadmin"):
            self.assertEqual(
                self.api(getattr(self, name)).post(f"{API}/scores/{score.pk}/reopen/", body).status_code, 404
            )
            page = self.client_for(getattr(self, name)).post(
                reverse("assessments:score_reopen", args=[score.pk]), body
            )
            self.assertEqual(page.status_code, 404, name)
        self.assertEqual((self.stored().status, self.stored().version), ("approved", score.version))

    def test_it_reopens_then_the_clerk_edits_and_the_reviewer_approves_with_the_history_kept(self):
        score = self.approved()
        page = self.client_for(self.office).get(reverse("assessments:score_detail", args=[score.pk]))
        self.assertContains(page, 'id="score-reopen"')
        response = self.client_for(self.office).post(
            reverse("assessments:score_reopen", args=[score.pk]),
            {"version": score.version, "reason": "被考评单位补充了审查记录"},
            follow=True,
        )
        self.assertContains(response, "已重新打开")
        reopened = self.stored()
        self.assertEqual((reopened.status, reopened.reviewed_by, reopened.approved_at), ("draft", None, None))
        edited = self.enter(self.clerk2, reopened, count=2)
        self.assertEqual((edited.score, edited.status), (D(36), "submitted"))
        final = self.api(self.reviewer).post(
            f"{API}/scores/{edited.pk}/approve/", {"version": edited.version}
        )
        self.assertEqual(
            (final.status_code, final.json()["score"], final.json()["status"]), (200, "36.00", "approved")
        )
        history = list(
            ScoreChange.objects.filter(score=score).order_by("pk").values_list("source", "after", "note")
        )
        self.assertEqual([h[0] for h in history], ["scoring", "review", "reopen", "scoring", "review"])
        self.assertEqual(history[2][2], "被考评单位补充了审查记录")
        entry = AuditEntry.objects.get(action="assessments.score.reopened")
        self.assertEqual((entry.before["status"], entry.after["status"]), ("approved", "draft"))
        self.assertEqual(entry.data["reason"], "被考评单位补充了审查记录")
        drill = self.client_for(self.office).get(reverse("assessments:score_drilldown", args=[score.pk]))
        self.assertContains(drill, "重新打开")

    def test_it_reopens_through_the_api(self):
        score = self.approved()
        response = self.api(self.office).post(
            f"{API}/scores/{score.pk}/reopen/",
            {"version": score.version, "reason": "依据有误"},
            format="json",
        )
        self.assertEqual((response.status_code, response.json()["status"]), (200, "draft"))
        stale = self.api(self.office).post(
            f"{API}/scores/{score.pk}/reopen/", {"version": score.version, "reason": "再来"}, format="json"
        )
        self.assertEqual(stale.status_code, 400)  # no longer approved
        self.assertEqual(ScoreChange.objects.filter(score=score, source="reopen").count(), 1)

    def test_it_refuses_a_reopen_once_scoring_is_over(self):
        score = self.approved()
        self.advance_to("feedback")
        score = Score.objects.select_related("campaign").get(pk=score.pk)
        with self.assertRaises(ValidationError) as ctx:
            services.score_reopen(actor=self.office, score=score, expected_version=score.version, reason="x")
        self.assertIn("只能通过申诉裁决更改", ctx.exception.messages[0])
        self.assertEqual(self.stored().status, "approved")


class AppealStillChangesAnApprovedScoreTestCase(DutyTestCase):
    def test_it_changes_an_approved_score_by_appeal_decision_through_the_same_write(self):
        score = self.approved()
        self.advance_to("appeal")
        score = Score.objects.select_related("campaign", "indicator").get(pk=score.pk)
        appeal = Appeal.objects.create(
            campaign=self.campaign,
            target=self.county_org,
            score=score,
            reason="已补充",
            created_by=self.county,
        )
        appeals.appeal_answer(actor=self.assessor, appeal=appeal, answer="同意复核")
        appeals.appeal_decide(
            actor=self.office, appeal=appeal, decision="changed", decided_score=D(40), note=""
        )
        stored = self.stored()
        self.assertEqual(
            (stored.score, stored.status, stored.version), (D(40), "approved", score.version + 1)
        )
        change = ScoreChange.objects.get(score=score, source="appeal")
        self.assertEqual((change.before, change.after, change.appeal_id), (D(38), D(40), appeal.pk))
        self.assertEqual(Appeal.objects.get(pk=appeal.pk).status, AppealStatus.DECIDED)


class DutyMigrationTestCase(WorkflowTestCase):
    def test_it_gives_existing_assessors_the_duty_their_history_shows(self):
        self.advance_to("scoring")
        a1 = self.score(self.county_org, "A1")
        Score.objects.filter(pk=a1.pk).update(entered_by=self.clerk2, reviewed_by=self.reviewer)
        ScoringDuty.objects.all().delete()
        migration = importlib.import_module("assessments.migrations.0005_scoring_duties_and_reopen")
        migration.duties_from_history(apps, None)
        duties = dict(ScoringDuty.objects.values_list("user__username", "duty"))
        self.assertEqual(duties, {"assessor_sfj_2": "enter", "assessor_sfj_sh": "review"})


class ReviewRuleTestCase(DutyTestCase):
    """The two-person review rule has one statement (`services.scores.review_problem`
    for a score, `selectors.scores.awaiting_review` for the list) that the score
    page, the scoring grid, approve-all, the to-do list and the services share."""

    def setUp(self) -> None:
        super().setUp()
        self.own = self.enter(self.assessor, self.a1)  # 经办 assessor_sfj submits A1 of 蓬江
        a1_other = self.score(self.stranger_org, "A1")
        scoring_duty_assign(actor=self.office, user=self.clerk2, duty="review")
        self.reviewer2 = self.clerk2  # a second 审核 of 司法局…
        scoring_duty_assign(actor=self.office, user=self.clerk2, duty="enter")
        self.other = self.enter(self.clerk2, a1_other)  # …made 经办 again, entering 江海's A1
        scoring_duty_assign(actor=self.office, user=self.clerk2, duty="review")

    def test_it_lists_for_a_reviewer_only_what_someone_else_of_its_unit_submitted(self):
        waiting = set(score_selectors.awaiting_review(self.reviewer, self.campaign))
        self.assertEqual(waiting, {self.own, self.other})
        # clerk2 now reviews but entered 江海's A1 itself: only 蓬江's waits for it
        self.assertEqual(list(score_selectors.awaiting_review(self.clerk2, self.campaign)), [self.own])
        for nobody in (self.assessor, self.reviewer_b, self.county, self.office):
            self.assertEqual(list(score_selectors.awaiting_review(nobody, self.campaign)), [], nobody)

    def test_it_gives_the_grid_the_to_do_and_approve_all_the_same_scores(self):
        title = f"{self.campaign.name}：1 项评分待您审核（经办与审核须为不同人员）"
        self.assertIn(title, self.todos(self.clerk2))
        grid = self.client_for(self.clerk2).get(reverse("assessments:scoring", args=[self.campaign.pk]))
        self.assertContains(grid, "全部审核通过（1）")
        self.client_for(self.clerk2).post(reverse("assessments:scoring_approve_all", args=[self.campaign.pk]))
        self.assertEqual(Score.objects.get(pk=self.own.pk).reviewed_by, self.clerk2)
        self.assertEqual(Score.objects.get(pk=self.other.pk).status, "submitted")  # its own entry

    def test_it_tells_why_by_the_type_of_the_refusal(self):
        self.assertIsNone(services.review_problem(self.reviewer, self.own))
        self.assertIsInstance(services.review_problem(self.assessor, self.own), PermissionDenied)
        self.assertIsInstance(services.review_problem(self.clerk2, self.other), PermissionDenied)
        draft = services.score_reject(
            actor=self.reviewer, score=self.other, expected_version=self.other.version, note="补充佐证"
        )
        self.assertIs(type(services.review_problem(self.reviewer, draft)), ValidationError)
        approved = services.score_approve(
            actor=self.reviewer, score=self.own, expected_version=self.own.version
        )
        self.assertIsInstance(services.review_problem(self.reviewer, approved), ScoreLocked)
        self.assertIsInstance(services.entry_problem(self.assessor, approved), ScoreLocked)
        self.assertIsInstance(services.entry_problem(self.reviewer, draft), PermissionDenied)
