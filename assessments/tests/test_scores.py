from __future__ import annotations

from decimal import Decimal as D

from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from assessments.models import Rule, Score, ScoreChange
from assessments.services import scores as services
from assessments.services.duties import scoring_duty_assign
from assessments.services.scores import ItemInput, ScoreConflict
from assessments.tests.fixtures import WorkflowTestCase
from audit.models import AuditEntry


def rule(indicator, code: str) -> Rule:
    return Rule.objects.get(indicator=indicator, code=code)


class ScoreEntryTestCase(WorkflowTestCase):
    def setUp(self) -> None:
        self.advance_to("scoring")
        self.a1 = self.score(self.county_org, "A1")

    def test_it_computes_the_score_from_the_chosen_deductions(self):
        r = rule(self.a1.indicator, "A1-1")
        score = services.score_save(
            actor=self.assessor,
            score=self.a1,
            expected_version=0,
            items=[ItemInput(rule_id=r.pk, count=2, reason="两件决策未经审查", evidence_note="决策目录")],
            evidence_note="查阅了2023年决策目录",
        )
        self.assertEqual(score.score, D(36))
        self.assertEqual(score.reason, "两件决策未经审查")
        self.assertEqual((score.status, score.version, score.entered_by), ("draft", 1, self.assessor))
        self.assertEqual(score.items.get().count, 2)
        self.assertEqual(ScoreChange.objects.get(score=score).after, D(36))

    def test_it_caps_a_rule_at_its_maximum_and_never_goes_below_zero(self):
        r = rule(self.a1.indicator, "A1-1")
        score = services.score_save(
            actor=self.assessor,
            score=self.a1,
            expected_version=0,
            items=[ItemInput(rule_id=r.pk, count=50, reason="多件")],
        )
        self.assertEqual(score.score, D(30))  # at most 10 points off under A1-1

    def test_it_needs_a_reason_below_full_marks(self):
        r = rule(self.a1.indicator, "A1-1")
        with self.assertRaises(ValidationError) as ctx:
            services.score_save(
                actor=self.assessor,
                score=self.a1,
                expected_version=0,
                items=[ItemInput(rule_id=r.pk, count=1, reason="")],
            )
        self.assertIn("须填写扣分理由", ctx.exception.messages[0])
        self.a1.refresh_from_db()
        self.assertIsNone(self.a1.score)
        self.assertEqual(self.a1.version, 0)

    def test_it_gives_full_marks_without_items_or_reason(self):
        score = services.score_save(actor=self.assessor, score=self.a1, expected_version=0)
        self.assertEqual(score.score, D(40))

    def test_it_refuses_a_score_above_the_indicator_points(self):
        with self.assertRaises(ValidationError) as ctx:
            services.score_save(actor=self.assessor, score=self.a1, expected_version=0, claimed_score=D(41))
        self.assertIn("得分须在 0 至 40 分之间", " ".join(ctx.exception.messages))
        b1 = self.score(self.county_org, "B1")
        with self.assertRaises(ValidationError) as ctx:
            services.score_save(actor=self.assessor, score=b1, expected_version=0, base=D(35), reason="x")
        self.assertIn("得分须在 0 至 30 分之间", " ".join(ctx.exception.messages))
        self.assertFalse(Score.objects.filter(campaign=self.campaign, score__isnull=False).exists())

    def test_it_takes_the_grade_of_a_grade_rule(self):
        b1 = self.score(self.county_org, "B1")
        score = services.score_save(
            actor=self.assessor,
            score=b1,
            expected_version=0,
            items=[ItemInput(rule_id=rule(b1.indicator, "B1-2").pk, reason="")],
            reason="宣传覆盖不足",
        )
        self.assertEqual((score.score, score.base), (D(24), D(24)))

    def test_it_marks_a_veto(self):
        score = services.score_save(
            actor=self.assessor,
            score=self.a1,
            expected_version=0,
            items=[ItemInput(rule_id=rule(self.a1.indicator, "A1-2").pk, reason="重大违法决策被追责")],
        )
        self.assertTrue(score.veto)  # the target's grade becomes 不合格 in the results
        self.assertEqual(score.reason, "重大违法决策被追责")

    def test_it_refuses_rules_of_another_indicator(self):
        other = rule(self.indicator("A2"), "A2-1")
        with self.assertRaises(ValidationError):
            services.score_save(
                actor=self.assessor,
                score=self.a1,
                expected_version=0,
                items=[ItemInput(rule_id=other.pk, reason="x")],
            )

    def test_it_lets_only_the_responsible_unit_score(self):
        with self.assertRaises(PermissionDenied):
            services.score_save(actor=self.assessor_b, score=self.a1, expected_version=0)
        for persona in (self.office, self.county, self.stranger):
            with self.assertRaises(PermissionDenied):
                services.score_save(actor=persona, score=self.a1, expected_version=0)

    def test_it_refuses_scoring_outside_the_scoring_phase(self):
        self.advance_to("feedback")
        self.a1.refresh_from_db()
        self.a1.campaign.refresh_from_db()
        with self.assertRaises(ValidationError):
            services.score_save(actor=self.assessor, score=self.a1, expected_version=0)


class TwoPersonRuleTestCase(WorkflowTestCase):
    def setUp(self) -> None:
        self.advance_to("scoring")
        score = self.score(self.county_org, "A1")
        self.a1 = services.score_save(actor=self.assessor, score=score, expected_version=0, submit=True)

    def test_it_does_not_let_the_person_who_entered_a_score_approve_it(self):
        with self.assertRaises(PermissionDenied) as ctx:
            services.score_approve(actor=self.assessor, score=self.a1, expected_version=self.a1.version)
        self.assertIn("承担经办职责，不能审核评分", str(ctx.exception))
        self.a1.refresh_from_db()
        self.assertEqual(self.a1.status, "submitted")

    def test_it_does_not_let_a_clerk_made_reviewer_approve_what_it_entered(self):
        scoring_duty_assign(actor=self.office, user=self.assessor, duty="review")
        with self.assertRaises(PermissionDenied) as ctx:
            services.score_approve(actor=self.assessor, score=self.a1, expected_version=self.a1.version)
        self.assertIn("经办人不能审核自己填写的评分", str(ctx.exception))
        self.assertEqual(Score.objects.get(pk=self.a1.pk).status, "submitted")

    def test_it_does_not_let_another_unit_approve(self):
        with self.assertRaises(PermissionDenied):
            services.score_approve(actor=self.reviewer_b, score=self.a1, expected_version=self.a1.version)

    def test_it_counts_a_score_once_a_second_person_of_the_unit_approves(self):
        score = services.score_approve(actor=self.reviewer, score=self.a1, expected_version=self.a1.version)
        self.assertEqual((score.status, score.reviewed_by), ("approved", self.reviewer))
        self.assertTrue(AuditEntry.objects.filter(action="assessments.score.approved").exists())

    def test_it_sends_a_score_back_with_a_note(self):
        with self.assertRaises(ValidationError):
            services.score_reject(
                actor=self.reviewer, score=self.a1, expected_version=self.a1.version, note=""
            )
        score = services.score_reject(
            actor=self.reviewer, score=self.a1, expected_version=self.a1.version, note="请补充理由"
        )
        self.assertEqual((score.status, score.review_note), ("draft", "请补充理由"))

    def test_it_approves_in_bulk_only_what_the_reviewer_may(self):
        a2 = services.score_save(
            actor=self.assessor_b, score=self.score(self.county_org, "A2"), expected_version=0, submit=True
        )
        done, skipped = services.score_approve_many(actor=self.reviewer, scores=[self.a1, a2])
        self.assertEqual(done, 1)
        self.assertEqual(len(skipped), 1)
        self.assertEqual(Score.objects.get(pk=a2.pk).status, "submitted")


class ConcurrencyTestCase(WorkflowTestCase):
    def setUp(self) -> None:
        self.advance_to("scoring")

    def test_it_tells_the_second_saver_and_overwrites_nothing(self):
        r = rule(self.indicator("A1"), "A1-1")
        first_copy = self.score(self.county_org, "A1")
        second_copy = self.score(self.county_org, "A1")
        services.score_save(
            actor=self.assessor,
            score=first_copy,
            expected_version=first_copy.version,
            items=[ItemInput(rule_id=r.pk, count=1, reason="一件未审查")],
        )
        with self.assertRaises(ScoreConflict) as ctx:
            services.score_save(
                actor=self.clerk2,
                score=second_copy,
                expected_version=second_copy.version,
                items=[ItemInput(rule_id=r.pk, count=3, reason="三件未审查")],
            )
        message = ctx.exception.messages[0]
        self.assertIn("该评分已被assessor_sfj于", message)
        self.assertIn("您的修改没有保存", message)
        stored = self.score(self.county_org, "A1")
        self.assertEqual((stored.score, stored.reason, stored.version), (D(38), "一件未审查", 1))
        self.assertEqual(stored.items.get().count, 1)

    def test_it_refuses_an_approval_of_a_score_changed_since(self):
        score = self.score(self.county_org, "A1")
        score = services.score_save(actor=self.assessor, score=score, expected_version=0, submit=True)
        seen = score.version
        services.score_save(actor=self.assessor, score=score, expected_version=seen, submit=True)
        with self.assertRaises(ScoreConflict):
            services.score_approve(
                actor=self.reviewer, score=self.score(self.county_org, "A1"), expected_version=seen
            )
        self.assertEqual(self.score(self.county_org, "A1").status, "submitted")


class ScoreBoundsPropertyTestCase(HypothesisTestCase):
    @given(
        max_score=st.decimals(min_value=0, max_value=100, places=2),
        counts=st.lists(st.integers(min_value=1, max_value=20), max_size=4),
        points=st.lists(st.decimals(min_value=0, max_value=30, places=2), min_size=4, max_size=4),
    )
    @settings(max_examples=60, deadline=None)
    def test_it_never_computes_a_score_outside_zero_and_the_points(self, max_score, counts, points):
        class Ind:
            method = "deduct"
            bonus_cap = None
            overflow = False

        Ind.max_score = max_score
        rules = {i: Rule(pk=i, code=f"R{i}", text="x", kind="deduct", points=points[i]) for i in range(4)}
        items = [ItemInput(rule_id=i, count=c, reason="r") for i, c in enumerate(counts)]
        result, _, _ = services.compute(indicator=Ind, rules=rules, items=items, base=None)
        self.assertGreaterEqual(result.score, 0)
        self.assertLessEqual(result.score, max_score)
