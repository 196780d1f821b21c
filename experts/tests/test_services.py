import hashlib

from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from experts import draw as algorithm
from experts import selectors, services
from experts.models import Assignment, AssignmentStatus, ConflictKind, Draw, DrawStatus, ExpertStatus, Purpose
from experts.tests.factories import expert, pool
from fazhi.testing import BaseTestCase


class DrawServicesTestCase(BaseTestCase):
    def setUp(self):
        self.pool = pool(self.office, 8, "administrative")
        self.civil = expert(self.office, "民法专家", "civil")

    def prepare(self, **kwargs):
        params = {"actor": self.office, "purpose": "述法评议专家组", "purpose_code": Purpose.SHUFA, "size": 3}
        params.update(kwargs)
        return services.draw_prepare(**params)


class PrepareTestCase(DrawServicesTestCase):
    def test_it_freezes_the_list_and_publishes_the_commitment_keeping_the_seed_secret(self):
        draw = self.prepare(backups=2)
        self.assertEqual(draw.status, DrawStatus.COMMITTED)
        self.assertEqual(draw.commitment, hashlib.sha256(bytes.fromhex(draw.seed)).hexdigest())
        self.assertIsNone(draw.revealed_at)
        self.assertIsNone(draw.result)
        self.assertEqual([c["id"] for c in draw.candidates], sorted(e.pk for e in [*self.pool, self.civil]))
        entry = AuditEntry.objects.get(action="experts.draw.committed", target_id=str(draw.pk))
        self.assertEqual(entry.data["commitment"], draw.commitment)
        self.assertNotIn("seed", entry.data)

    def test_it_sets_aside_conflicted_suspended_and_recently_seated_experts_with_reasons(self):
        services.expert_update(actor=self.office, expert=self.pool[0], employer_org=self.sfj)
        services.conflict_declare(
            actor=self.office, expert=self.pool[1], kind=ConflictKind.RELATIVE, org=self.county_org
        )
        services.expert_update(actor=self.office, expert=self.pool[2], status=ExpertStatus.SUSPENDED)
        earlier = self.prepare(size=1, exclude_expert_ids=[e.pk for e in self.pool[:3]] + [self.civil.pk])
        earlier = services.draw_execute(actor=self.office, draw=earlier)
        seated = earlier.result["panel"][0]
        draw = self.prepare(exclude_org_ids=[self.sfj.pk, self.county_org.pk], recent_months=6)
        reasons = {e["id"]: e["reason"] for e in draw.excluded}
        self.assertEqual(reasons[self.pool[0].pk], "需回避：工作单位 江门市司法局")
        self.assertEqual(reasons[self.pool[1].pk], "需回避：近亲属任职单位 蓬江区")
        self.assertEqual(reasons[self.pool[2].pk], "状态为暂停")
        self.assertIn("近 6 个月内已被抽中", reasons[seated])
        listed = {c["id"] for c in draw.candidates}
        self.assertFalse(listed & {self.pool[0].pk, self.pool[1].pk, self.pool[2].pk, seated})

    def test_it_refuses_bad_parameters_in_chinese_and_saves_nothing(self):
        before = (Draw.objects.count(), AuditEntry.objects.count())
        cases = [
            ({"size": 0}, "size", "专家组人数至少为 1 人。"),
            ({"size": 10}, "size", "符合条件的候选专家只有 9 人，不足以抽取 10 人。"),
            ({"size": 8, "backups": 3}, "backups", "最多还能设 1 名候补"),
            ({"required_fields": ["astrology"]}, "required_fields", "未知的专业领域：astrology。"),
            ({"required_fields": ["criminal"]}, "required_fields", "没有人具备以下必需专业领域：刑事法"),
            ({"purpose": "  "}, "purpose", "请填写抽取事由。"),
            ({"exclude_org_ids": [987654]}, "exclude_org_ids", "不存在的单位"),
        ]
        for params, field, message in cases:
            with self.subTest(params), self.assertRaises(ValidationError) as caught:
                self.prepare(**params)
            self.assertIn(message, caught.exception.message_dict[field][0])
        self.assertEqual((Draw.objects.count(), AuditEntry.objects.count()), before)

    def test_it_covers_a_required_field_held_by_one_expert_only(self):
        draw = services.draw_execute(actor=self.office, draw=self.prepare(required_fields=["civil"]))
        self.assertIn(self.civil.pk, draw.result["panel"])


class ExecuteTestCase(DrawServicesTestCase):
    def test_it_reveals_the_seed_and_records_the_panel_the_algorithm_gives(self):
        draw = services.draw_execute(actor=self.office, draw=self.prepare(backups=2))
        expected = algorithm.draw(
            [algorithm.Candidate.from_json(c) for c in draw.candidates],
            size=3,
            backups=2,
            seed=bytes.fromhex(draw.seed),
        )
        self.assertEqual(draw.result, expected.to_json())
        self.assertEqual(draw.status, DrawStatus.EXECUTED)
        self.assertIsNotNone(draw.revealed_at)
        seats = Assignment.objects.filter(draw=draw).order_by("pk")
        self.assertEqual(
            [(a.expert_id, a.role, a.status) for a in seats],
            [(i, "member", "active") for i in expected.panel]
            + [(i, "backup", "standby") for i in expected.backups],
        )
        entry = AuditEntry.objects.get(action="experts.draw.executed", target_id=str(draw.pk))
        self.assertEqual(entry.data["panel"], list(expected.panel))

    def test_it_never_draws_twice_from_the_same_commitment(self):
        draw = services.draw_execute(actor=self.office, draw=self.prepare())
        result = draw.result
        with self.assertRaises(ValidationError) as caught:
            services.draw_execute(actor=self.office, draw=draw)
        self.assertIn("不能再次执行", caught.exception.messages[0])
        draw.refresh_from_db()
        self.assertEqual(draw.result, result)
        self.assertEqual(Assignment.objects.filter(draw=draw).count(), 3)


class CancelTestCase(DrawServicesTestCase):
    def test_it_keeps_a_cancelled_draw_on_record_reveals_its_seed_and_ends_its_assignments(self):
        draw = services.draw_execute(actor=self.office, draw=self.prepare(backups=1))
        with self.assertRaises(ValidationError):
            services.draw_cancel(actor=self.office, draw=draw, reason=" ")
        services.draw_cancel(actor=self.office, draw=draw, reason="评议方案调整")
        draw.refresh_from_db()
        self.assertEqual((draw.status, draw.cancel_reason), (DrawStatus.CANCELLED, "评议方案调整"))
        self.assertTrue(draw.is_revealed)
        self.assertEqual(
            set(Assignment.objects.filter(draw=draw).values_list("status", flat=True)), {"cancelled"}
        )
        again = self.prepare(replaces=draw)
        self.assertEqual(again.replaces, draw)
        with self.assertRaises(ValidationError) as twice:
            self.prepare(replaces=draw)
        self.assertIn("已经重新抽取过", twice.exception.message_dict["replaces"][0])
        with self.assertRaises(ValidationError):
            self.prepare(replaces=again)  # not cancelled
        self.assertEqual(Draw.objects.count(), 2)

    def test_it_reveals_the_seed_of_a_draw_cancelled_before_it_was_made(self):
        draw = self.prepare()
        services.draw_cancel(actor=self.office, draw=draw, reason="事项取消")
        draw.refresh_from_db()
        self.assertIsNotNone(draw.revealed_at)
        self.assertIsNone(draw.result)
        with self.assertRaises(ValidationError):
            services.draw_execute(actor=self.office, draw=draw)


class DeclineTestCase(DrawServicesTestCase):
    def setUp(self):
        super().setUp()
        services.expert_update(actor=self.office, expert=self.pool[0], user=self.expert)
        self.draw = self.prepare(size=8, exclude_expert_ids=[self.civil.pk])
        services.draw_execute(actor=self.office, draw=self.draw)
        self.draw.refresh_from_db()

    def test_it_seats_the_first_backup_in_place_of_a_declining_member_on_record(self):
        mine = Assignment.objects.get(draw=self.draw, expert=self.pool[0])  # 8 of 8: on the panel
        declined, replacement = services.assignment_decline(
            actor=self.expert, assignment=mine, reason="近亲属参与"
        )
        self.assertEqual(declined.status, AssignmentStatus.DECLINED)
        self.assertIsNone(replacement)  # the pool of 8 has no backup left after the panel
        other = self.prepare(size=2, backups=2, exclude_expert_ids=[self.pool[0].pk])
        services.draw_execute(actor=self.office, draw=other)
        other.refresh_from_db()
        first = Assignment.objects.get(draw=other, expert_id=other.result["panel"][0])
        _, replacement = services.assignment_decline(actor=self.office, assignment=first, reason="出差")
        self.assertEqual(replacement.expert_id, other.result["backups"][0])
        self.assertEqual(replacement.replaces, first)
        self.assertEqual(replacement.status, AssignmentStatus.ACTIVE)
        entry = AuditEntry.objects.filter(action="experts.assignment.declined").order_by("seq").last()
        self.assertEqual(entry.data["replaced_by"], replacement.expert_id)
        self.assertEqual(entry.data["reason"], "出差")
        seated = [m.expert.pk for m in selectors.panel_members(other)]
        self.assertEqual(seated, [other.result["panel"][1], other.result["backups"][0]])

    def test_it_refuses_a_decline_without_reason_twice_or_by_someone_else(self):
        mine = Assignment.objects.get(draw=self.draw, expert=self.pool[0])
        theirs = Assignment.objects.get(draw=self.draw, expert=self.pool[1])
        with self.assertRaises(ValidationError):
            services.assignment_decline(actor=self.expert, assignment=mine, reason="")
        with self.assertRaises(PermissionDenied):
            services.assignment_decline(actor=self.expert, assignment=theirs, reason="代为谢绝")
        services.assignment_decline(actor=self.expert, assignment=mine, reason="回避")
        with self.assertRaises(ValidationError):
            services.assignment_decline(actor=self.expert, assignment=mine, reason="再次")
        self.assertEqual(Assignment.objects.get(pk=theirs.pk).status, AssignmentStatus.ACTIVE)

    def test_it_records_an_evaluation_after_the_task_in_the_participation_history(self):
        mine = Assignment.objects.get(draw=self.draw, expert=self.pool[0])
        with self.assertRaises(PermissionDenied):
            services.assignment_evaluate(actor=self.expert, assignment=mine, rating="excellent")
        services.assignment_evaluate(
            actor=self.office, assignment=mine, rating="excellent", evaluation="意见中肯"
        )
        history = list(selectors.assignments_of(self.pool[0]))
        self.assertEqual((history[0].status, history[0].get_rating_display()), ("completed", "优秀"))


class ProfileServicesTestCase(BaseTestCase):
    def setUp(self):
        self.profile = expert(self.office, "陈志远", "administrative", user=self.expert)

    def test_it_lets_the_expert_change_its_contacts_but_not_its_status_or_term(self):
        services.expert_update(actor=self.expert, expert=self.profile, phone="13900002222", title="教授")
        self.profile.refresh_from_db()
        self.assertEqual((self.profile.phone, self.profile.title), ("13900002222", "教授"))
        for change in (
            {"status": ExpertStatus.RETIRED},
            {"term_end": self.profile.term_start},
            {"user": None},
        ):
            with self.subTest(change), self.assertRaises(PermissionDenied):
                services.expert_update(actor=self.expert, expert=self.profile, **change)
        with self.assertRaises(PermissionDenied):
            services.expert_update(actor=self.assessor, expert=self.profile, phone="13900003333")

    def test_it_writes_masked_contacts_to_the_audit_log(self):
        services.expert_update(actor=self.expert, expert=self.profile, phone="13900002222")
        entry = AuditEntry.objects.filter(action="experts.expert.updated").order_by("seq").last()
        self.assertEqual(entry.after, {"phone": "139****2222"})
        self.assertNotIn("13900002222", str(entry.before) + str(entry.after))

    def test_it_refuses_a_bad_profile_with_messages_per_field(self):
        with self.assertRaises(ValidationError) as caught:
            services.expert_update(
                actor=self.office,
                expert=self.profile,
                phone="12345",
                term_end=self.profile.term_start.replace(year=2000),
            )
        self.assertEqual(set(caught.exception.message_dict), {"phone", "term_end"})
        with self.assertRaises(ValidationError) as account:
            services.expert_update(actor=self.office, expert=self.profile, user=self.assessor)
        self.assertIn("专家", account.exception.message_dict["user"][0])
