import io
import json

from openpyxl import load_workbook

from audit.models import AuditEntry
from experts import services
from experts.models import Assignment, AssignmentStatus, Draw, DrawStatus, Expert
from experts.tests.factories import expert, pool
from fazhi.testing import BaseTestCase

ADMINS = ("sysadmin", "secadmin", "auditadmin")


class ExpertViewsTestCase(BaseTestCase):
    def setUp(self):
        self.mine = expert(self.office, "陈志远", "administrative", user=self.expert, phone="13812345678")
        self.other = expert(self.office, "李慧敏", "civil", phone="13987654321", email="li@example.com")
        services.conflict_declare(
            actor=self.office, expert=self.other, kind="relative", org=self.county_org, description="配偶任职"
        )
        self.office_client = self.client_for(self.office)


class PoolPagesTestCase(ExpertViewsTestCase):
    def test_it_shows_the_office_the_pool_with_contacts_in_clear(self):
        response = self.office_client.get("/experts/pool/")
        self.assertContains(response, "13987654321")
        detail = self.office_client.get(f"/experts/pool/{self.other.pk}/")
        self.assertContains(detail, "13987654321")
        self.assertContains(detail, "配偶任职")

    def test_it_masks_contacts_for_counties_assessors_and_other_experts_and_hides_conflicts(self):
        for name in ("county", "stranger", "assessor", "expert"):
            client = self.client_for(getattr(self, name))
            with self.subTest(name):
                listing = client.get("/experts/pool/")
                self.assertContains(listing, "139****4321")
                self.assertNotContains(listing, "13987654321")
                detail = client.get(f"/experts/pool/{self.other.pk}/")
                self.assertContains(detail, "l***@example.com")
                self.assertNotContains(detail, "13987654321")
                self.assertNotContains(detail, "配偶任职")
                self.assertNotContains(detail, "参与记录")

    def test_it_masks_the_export_for_non_office_users_and_audits_it(self):
        def phones(user):
            content = self.client_for(user).get("/experts/pool/export.xlsx").content
            sheet = load_workbook(io.BytesIO(content)).active
            return [row[6] for row in sheet.iter_rows(min_row=2, values_only=True)]

        self.assertEqual(phones(self.office), ["13812345678", "13987654321"])
        self.assertEqual(phones(self.assessor), ["138****5678", "139****4321"])
        self.assertEqual(AuditEntry.objects.filter(action="experts.pool.exported").count(), 2)

    def test_it_filters_the_pool_by_field_and_status_with_htmx(self):
        response = self.office_client.get("/experts/pool/?field=civil", headers={"HX-Request": "true"})
        self.assertContains(response, "李慧敏")
        self.assertNotContains(response, "陈志远")
        self.assertNotContains(response, "<html")
        self.assertNotContains(self.office_client.get("/experts/pool/?status=suspended"), "李慧敏")

    def test_it_keeps_the_three_admins_out_of_the_pool(self):
        for name in ADMINS:
            with self.subTest(name):
                client = self.client_for(getattr(self, name))
                self.assertEqual(client.get("/experts/pool/").status_code, 404)
                self.assertEqual(client.get(f"/experts/pool/{self.other.pk}/").status_code, 404)

    def test_it_lets_the_office_create_and_edit_a_profile_with_chinese_messages_for_bad_input(self):
        response = self.office_client.post(
            "/experts/pool/new/",
            {
                "name": "",
                "employer_name": "x",
                "term_start": "2024-01-01",
                "term_end": "2023-01-01",
                "phone": "123",
            },
        )
        self.assertContains(response, "请填写姓名。")
        self.assertContains(response, "聘期结束日期不能早于开始日期。")
        self.assertContains(response, "手机号码应为 11 位手机号")
        self.assertContains(response, "请至少选择一个专业领域。")
        self.assertNotContains(response, "Constraint")
        self.assertEqual(Expert.objects.count(), 2)
        response = self.office_client.post(
            "/experts/pool/new/",
            {
                "name": "黄建华",
                "employer_name": "广东某律师事务所",
                "fields": ["civil", "economic"],
                "term_start": "2024-01-01",
                "term_end": "2026-12-31",
                "status": "active",
                "phone": "13711112222",
            },
        )
        created = Expert.objects.get(name="黄建华")
        self.assertRedirects(response, f"/experts/pool/{created.pk}/")
        self.assertEqual(sorted(created.fields.values_list("code", flat=True)), ["civil", "economic"])
        edit = self.office_client.post(
            f"/experts/pool/{created.pk}/edit/",
            {
                "name": "黄建华",
                "employer_name": "广东某律师事务所",
                "fields": ["civil"],
                "term_start": "2024-01-01",
                "term_end": "2026-12-31",
                "status": "suspended",
                "status_note": "本人申请暂停",
            },
        )
        self.assertEqual(edit.status_code, 302)
        created.refresh_from_db()
        self.assertEqual(created.status, "suspended")

    def test_it_refuses_profile_writes_to_everyone_but_the_office(self):
        for name in ("county", "assessor", "expert"):
            with self.subTest(name):
                client = self.client_for(getattr(self, name))
                self.assertEqual(client.get(f"/experts/pool/{self.other.pk}/edit/").status_code, 403)
                self.assertEqual(client.get("/experts/pool/new/").status_code, 404)
                response = client.post(
                    f"/experts/pool/{self.other.pk}/conflicts/", {"kind": "other", "description": "x"}
                )
                self.assertEqual(response.status_code, 403)
        self.assertEqual(self.other.conflicts.count(), 1)


class OwnProfileTestCase(ExpertViewsTestCase):
    def test_it_shows_the_expert_its_own_contacts_and_lets_it_update_them(self):
        client = self.client_for(self.expert)
        page = client.get("/experts/me/")
        self.assertContains(page, "13812345678")
        response = client.post(
            "/experts/me/",
            {
                "title": "教授",
                "employer_name": "五邑大学法学院",
                "fields": ["administrative", "governance"],
                "phone": "13800009999",
                "status": "retired",  # not in the form: ignored
            },
        )
        self.assertRedirects(response, "/experts/me/")
        self.mine.refresh_from_db()
        self.assertEqual(
            (self.mine.phone, self.mine.title, self.mine.status), ("13800009999", "教授", "active")
        )

    def test_it_refuses_a_bad_phone_in_chinese_and_changes_nothing(self):
        response = self.client_for(self.expert).post(
            "/experts/me/", {"employer_name": "五邑大学", "fields": ["civil"], "phone": "<script>"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "手机号码应为 11 位手机号", status_code=400)
        self.mine.refresh_from_db()
        self.assertEqual(self.mine.phone, "13812345678")

    def test_it_lets_the_expert_declare_and_withdraw_its_own_conflicts_only(self):
        client = self.client_for(self.expert)
        response = client.post(
            "/experts/me/conflicts/", {"kind": "employer", "org": self.sfj.pk, "description": "兼职法律顾问"}
        )
        self.assertRedirects(response, "/experts/me/")
        conflict = self.mine.conflicts.get()
        self.assertEqual(conflict.org, self.sfj)
        theirs = self.other.conflicts.get()
        self.assertEqual(client.post(f"/experts/conflicts/{theirs.pk}/withdraw/").status_code, 404)
        self.assertRedirects(client.post(f"/experts/conflicts/{conflict.pk}/withdraw/"), "/experts/me/")
        self.assertFalse(self.mine.conflicts.exists())
        self.assertTrue(self.other.conflicts.exists())

    def test_it_tells_an_expert_account_without_profile_to_ask_the_office(self):
        self.mine.user = None
        self.mine.save()
        response = self.client_for(self.expert).get("/experts/me/")
        self.assertEqual(response.status_code, 404)


class DrawPagesBase(BaseTestCase):
    def setUp(self):
        self.mine = expert(self.office, "陈志远", "administrative", user=self.expert)
        self.pool = [
            self.mine,
            *pool(self.office, 5, "administrative"),
            expert(self.office, "民法专家", "civil"),
        ]
        self.office_client = self.client_for(self.office)

    def wizard(self, **changes):
        data = {
            "purpose": "述法评议专家组",
            "purpose_code": "shufa",
            "size": "3",
            "backups": "1",
            "recent_months": "0",
        }
        data.update(changes)
        return data


class DrawViewsTestCase(DrawPagesBase):
    def test_it_walks_the_office_through_commit_execute_and_verification(self):
        preview = self.office_client.post(
            "/experts/draws/new/preview/",
            self.wizard(required_fields=["civil"], exclude_orgs=[]),
            headers={"HX-Request": "true"},
        )
        self.assertContains(preview, "符合条件的候选专家 7 人")
        response = self.office_client.post("/experts/draws/new/", self.wizard(required_fields=["civil"]))
        draw = Draw.objects.get()
        self.assertRedirects(response, f"/experts/draws/{draw.pk}/")
        page = self.office_client.get(f"/experts/draws/{draw.pk}/")
        self.assertContains(page, draw.commitment)
        self.assertNotContains(page, draw.seed)
        self.assertRedirects(
            self.office_client.post(f"/experts/draws/{draw.pk}/execute/"), f"/experts/draws/{draw.pk}/"
        )
        page = self.office_client.get(f"/experts/draws/{draw.pk}/")
        draw.refresh_from_db()
        self.assertContains(page, draw.seed)
        self.assertContains(page, 'id="verify-ok"')
        self.assertContains(page, "民法专家")
        record = json.loads(self.office_client.get(f"/experts/draws/{draw.pk}/record.json").content)
        self.assertEqual(record["result"], draw.result)
        self.assertEqual(record["seed"], draw.seed)

    def test_it_shows_a_tampered_draw_as_not_verified(self):
        draw = services.draw_execute(
            actor=self.office, draw=services.draw_prepare(actor=self.office, purpose="迎检咨询", size=2)
        )
        Draw.objects.filter(pk=draw.pk).update(
            result={"panel": list(reversed(draw.panel_ids)), "backups": []}
        )
        page = self.office_client.get(f"/experts/draws/{draw.pk}/")
        self.assertContains(page, 'id="verify-failed"')
        self.assertContains(page, "人员相同但顺序不同")
        Draw.objects.filter(pk=draw.pk).update(candidates={"x": 1}, result=[1])
        self.assertContains(self.office_client.get(f"/experts/draws/{draw.pk}/"), "冻结的候选名单不是列表")

    def test_it_previews_the_excluded_with_reasons_and_why_a_draw_would_be_refused(self):
        services.expert_update(actor=self.office, expert=self.pool[1], employer_org=self.sfj)
        preview = self.office_client.post(
            "/experts/draws/new/preview/",
            self.wizard(size="7", exclude_orgs=[self.sfj.pk]),
            headers={"HX-Request": "true"},
        )
        self.assertContains(preview, "需回避：工作单位 江门市司法局")
        self.assertContains(preview, "符合条件的候选专家只有 6 人，不足以抽取 7 人。")

    def test_it_refuses_bad_wizard_input_in_chinese_and_saves_nothing(self):
        cases = [
            ({"size": "0"}, "专家组人数至少为 1 人。"),
            ({"size": "abc"}, "专家组人数应为整数。"),
            ({"size": "30"}, "不足以抽取 30 人"),
            ({"required_fields": ["astrology"]}, "未知的专业领域"),
            ({"required_fields": ["criminal"]}, "没有人具备以下必需专业领域：刑事法"),
            ({"purpose": ""}, "请填写抽取事由。"),
        ]
        for changes, message in cases:
            with self.subTest(changes):
                response = self.office_client.post("/experts/draws/new/", self.wizard(**changes))
                self.assertContains(response, message, status_code=400)
        self.assertFalse(Draw.objects.exists())

    def test_it_cancels_with_a_reason_keeps_the_record_and_draws_again_referencing_it(self):
        draw = services.draw_execute(
            actor=self.office, draw=services.draw_prepare(actor=self.office, purpose="迎检咨询", size=2)
        )
        refused = self.office_client.post(f"/experts/draws/{draw.pk}/cancel/", {"reason": ""})
        self.assertContains(refused, "请说明理由。", status_code=400)
        self.office_client.post(f"/experts/draws/{draw.pk}/cancel/", {"reason": "方案调整"})
        page = self.office_client.get(f"/experts/draws/{draw.pk}/")
        self.assertContains(page, "方案调整")
        self.assertContains(page, f"/experts/draws/new/?replaces={draw.pk}")
        form = self.office_client.get(f"/experts/draws/new/?replaces={draw.pk}")
        self.assertContains(form, "迎检咨询")
        self.office_client.post(
            "/experts/draws/new/", self.wizard(purpose="迎检咨询", size="2", replaces=str(draw.pk))
        )
        again = Draw.objects.exclude(pk=draw.pk).get()
        self.assertEqual(again.replaces, draw)
        self.assertEqual(Draw.objects.get(pk=draw.pk).status, DrawStatus.CANCELLED)

    def test_it_lets_only_the_office_draw_execute_or_cancel(self):
        services.conflict_declare(actor=self.office, expert=self.pool[2], kind="relative", org=self.gaj)
        draw = services.draw_prepare(
            actor=self.office, purpose="迎检咨询", size=2, exclude_org_ids=[self.gaj.pk]
        )
        for name in ("county", "stranger", "assessor", "assessor_b", "sysadmin", "secadmin", "auditadmin"):
            client = self.client_for(getattr(self, name))
            with self.subTest(name):
                self.assertEqual(client.get("/experts/draws/").status_code, 404)
                self.assertEqual(client.get("/experts/draws/new/").status_code, 404)
                self.assertEqual(client.post("/experts/draws/new/", self.wizard()).status_code, 404)
                self.assertEqual(client.get(f"/experts/draws/{draw.pk}/").status_code, 404)
                self.assertEqual(client.post(f"/experts/draws/{draw.pk}/execute/").status_code, 404)
        expert_client = self.client_for(self.expert)  # on the candidate list: may read, not act
        page = expert_client.get(f"/experts/draws/{draw.pk}/")
        self.assertContains(page, draw.commitment)
        self.assertNotContains(page, "近亲属任职单位")  # why another expert was set aside
        record = expert_client.get(f"/experts/draws/{draw.pk}/record.json").json()
        self.assertEqual(record["excluded"], [{"id": self.pool[2].pk, "name": self.pool[2].name}])
        self.assertIsNone(record["seed"])
        self.assertEqual(expert_client.post(f"/experts/draws/{draw.pk}/execute/").status_code, 403)
        self.assertEqual(
            expert_client.post(f"/experts/draws/{draw.pk}/cancel/", {"reason": "x"}).status_code, 403
        )
        self.assertEqual(Draw.objects.get().status, DrawStatus.COMMITTED)


class MyTasksTestCase(DrawPagesBase):
    def test_it_shows_the_expert_only_its_own_assignments_and_lets_it_decline_with_a_reason(self):
        draw = services.draw_prepare(
            actor=self.office, purpose="述法评议专家组", size=6, backups=1, exclude_expert_ids=[]
        )
        draw = services.draw_execute(actor=self.office, draw=draw)
        other = services.draw_execute(
            actor=self.office,
            draw=services.draw_prepare(
                actor=self.office, purpose="别人的任务", size=2, exclude_expert_ids=[self.mine.pk]
            ),
        )
        client = self.client_for(self.expert)
        page = client.get("/experts/tasks/")
        self.assertContains(page, "述法评议专家组")
        self.assertNotContains(page, "别人的任务")
        mine = Assignment.objects.get(draw=draw, expert=self.mine)
        theirs = Assignment.objects.filter(draw=other).first()
        self.assertEqual(
            client.post(f"/experts/assignments/{theirs.pk}/decline/", {"reason": "x"}).status_code, 404
        )
        self.assertEqual(client.get(f"/experts/draws/{other.pk}/").status_code, 404)  # not on its list
        client.post(f"/experts/assignments/{mine.pk}/decline/", {"reason": ""})
        self.assertTrue(Assignment.objects.get(pk=mine.pk).is_open)
        response = client.post(
            f"/experts/assignments/{mine.pk}/decline/", {"reason": "与被评议单位有利害关系"}, follow=True
        )
        mine.refresh_from_db()
        self.assertEqual(mine.status, AssignmentStatus.DECLINED)
        if mine.role == "member":
            self.assertContains(response, "已按顺位递补")
        self.assertContains(response, "与被评议单位有利害关系")
        again = client.post(f"/experts/assignments/{mine.pk}/decline/", {"reason": "再次"})
        self.assertEqual(again.status_code, 403)

    def test_it_lists_the_experts_open_assignments_among_its_home_todos(self):
        draw = services.draw_execute(
            actor=self.office, draw=services.draw_prepare(actor=self.office, purpose="迎检咨询专家", size=7)
        )
        self.assertIn(self.mine.pk, draw.result["panel"])
        home = self.client_for(self.expert).get("/")
        self.assertContains(home, "专家任务：迎检咨询专家")
        self.assertContains(self.office_client.get("/"), "专家库")


class ListQueriesTestCase(BaseTestCase):
    def count(self, client, url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            self.assertEqual(client.get(url).status_code, 200)
        return len(ctx.captured_queries)

    def test_the_pool_and_draw_lists_run_the_same_queries_for_3_rows_as_for_30(self):
        client = self.client_for(self.office)
        pool(self.office, 3, "civil", "administrative")
        services.draw_prepare(actor=self.office, purpose="一", size=1)
        before = (
            self.count(client, "/experts/pool/?per_page=50"),
            self.count(client, "/experts/draws/?per_page=50"),
        )
        pool(self.office, 27, "criminal")
        for n in range(10):
            services.draw_prepare(actor=self.office, purpose=f"抽取{n}", size=1)
        after = (
            self.count(client, "/experts/pool/?per_page=50"),
            self.count(client, "/experts/draws/?per_page=50"),
        )
        self.assertEqual(after, before)


class OfficeTodosTestCase(DrawPagesBase):
    def test_it_reminds_the_office_of_committed_draws_and_panels_short_of_members(self):
        committed = services.draw_prepare(actor=self.office, purpose="待执行", size=1)
        self.assertContains(self.office_client.get("/"), "1 次专家抽取已公布承诺、待执行")
        services.draw_cancel(actor=self.office, draw=committed, reason="不再需要")
        draw = services.draw_execute(
            actor=self.office, draw=services.draw_prepare(actor=self.office, purpose="无候补", size=2)
        )
        self.assertNotContains(self.office_client.get("/"), "候补已用尽")
        seat = Assignment.objects.filter(draw=draw).first()
        services.assignment_decline(actor=self.office, assignment=seat, reason="出国")
        home = self.office_client.get("/")
        self.assertContains(home, "1 个专家组有成员谢绝且候补已用尽")
        self.assertNotContains(home, "已公布承诺、待执行")
