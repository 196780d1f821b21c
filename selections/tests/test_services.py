from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEntry
from selections import services
from selections.models import Decision, Nomination, Phase, Review, Screening, Vote, VoteCode
from selections.tests.factories import SelectionTestCase, scores

AT = timezone.make_aware(datetime.datetime(2023, 9, 1, 10, 0))


class NominationTestCase(SelectionTestCase):
    def test_it_numbers_nominations_and_gives_the_public_a_lookup_code(self):
        edition = self.edition()
        first = self.nominate(edition, org=self.county_org, user=self.county)
        second, code = services.nomination_submit(
            actor=None,
            edition=edition,
            title="<script>alert(1)</script>",
            nominating_unit="王某",
            description="d",
            beneficiaries="b",
            timeline="t",
        )
        self.assertEqual((first.number, second.number), (1, 2))
        self.assertEqual(second.title, "<script>alert(1)</script>")  # kept as text; templates escape it
        self.assertEqual(len(code), 11)
        self.assertNotIn(code.replace("-", ""), second.lookup_hash)

    def test_it_refuses_a_nomination_after_the_call_closes(self):
        edition = self.edition(deadlines={"collect": datetime.date(2023, 3, 31)})
        with self.assertRaisesMessage(ValidationError, "项目征集已经结束"):
            self.nominate(edition)
        self.assertFalse(Nomination.objects.filter(edition=edition).exists())

    def test_it_refuses_deadlines_out_of_phase_order(self):
        with self.assertRaisesMessage(ValidationError, "早于"):
            self.edition(
                deadlines={"collect": datetime.date(2023, 5, 1), "screen": datetime.date(2023, 4, 1)}
            )

    def test_it_needs_a_reason_to_screen_a_nomination_out(self):
        edition = self.edition()
        nomination = self.nominate(edition)
        self.advance(edition, Phase.SCREEN)
        with self.assertRaisesMessage(ValidationError, "必须填写理由"):
            services.nomination_screen(actor=self.office, nomination=nomination, eligible=False, reason=" ")
        services.nomination_screen(
            actor=self.office, nomination=nomination, eligible=False, reason="属于常规工作，不具惠民实事特点"
        )
        nomination.refresh_from_db()
        self.assertEqual(
            (nomination.screening, nomination.screening_reason),
            (Screening.INELIGIBLE, "属于常规工作，不具惠民实事特点"),
        )
        self.assertTrue(
            AuditEntry.objects.filter(
                action="selections.nomination.screened", target_id=str(nomination.pk)
            ).exists()
        )


class PanelTestCase(SelectionTestCase):
    def test_it_never_assigns_an_expert_a_nomination_of_its_employer_or_a_declared_conflict(self):
        edition = self.edition()
        made = self.to_review(
            edition,
            panel=[
                (self.expert, self.county_org, []),
                (self.expert2, None, [self.sfj.pk]),
                (self.expert3, None, []),
            ],
        )
        assigned = set(
            Review.objects.filter(nomination__edition=edition).values_list(
                "member__user__username", "nomination__number"
            )
        )
        self.assertNotIn(("expert01", made[0].number), assigned)  # employer 蓬江区 nominated no. 1
        self.assertNotIn(("expert02", made[1].number), assigned)  # declared conflict 市司法局 nominated no. 2
        self.assertIn(("expert01", made[1].number), assigned)
        self.assertEqual(len(assigned), 7)

    def test_it_refuses_review_when_every_expert_is_conflicted_with_a_nomination(self):
        edition = self.edition()
        with self.assertRaisesMessage(ValidationError, "1号"):
            self.to_review(edition, panel=[(self.expert, self.county_org, [])])
        edition.refresh_from_db()
        self.assertEqual(edition.phase, Phase.SCREEN)

    def test_it_takes_only_expert_accounts(self):
        edition = self.edition()
        with self.assertRaisesMessage(ValidationError, "不是在用的专家账号"):
            services.panel_assign(actor=self.office, edition=edition, members=[(self.county, None, [])])

    def test_it_assigns_reviews_to_a_member_added_during_review(self):
        edition = self.edition()
        self.to_review(edition, panel=[(self.expert, None, [])])
        services.panel_assign(actor=self.office, edition=edition, members=[(self.expert2, self.sfj, [])])
        self.assertEqual(Review.objects.filter(member__user=self.expert2).count(), 2)


class ReviewTestCase(SelectionTestCase):
    def setUp(self):
        self.edition_ = self.edition()
        self.to_review(self.edition_)
        self.review = Review.objects.filter(member__user=self.expert).first()

    def test_it_refuses_a_score_outside_zero_to_ten_and_keeps_the_old_one(self):
        with self.assertRaises(ValidationError) as caught:
            services.review_save(
                actor=self.expert, review=self.review, scores={**scores(8), "mass": Decimal("11")}, comment=""
            )
        self.assertEqual(caught.exception.message_dict, {"mass": ["「群众性」的得分须在 0 到 10 分之间。"]})
        self.review.refresh_from_db()
        self.assertIsNone(self.review.mass)

    def test_it_refuses_another_experts_review(self):
        with self.assertRaisesMessage(ValidationError, "只能填写分配给自己的评审"):
            services.review_save(actor=self.expert2, review=self.review, scores=scores(8), comment="")

    def test_it_computes_the_weighted_total_and_locks_a_submitted_review(self):
        review = services.review_save(
            actor=self.expert, review=self.review, scores=scores("7.5"), comment="可行", submit=True
        )
        self.assertEqual(review.total, Decimal("7.5000"))
        with self.assertRaisesMessage(ValidationError, "已经提交"):
            services.review_save(actor=self.expert, review=review, scores=scores(9), comment="")

    def test_it_needs_all_five_scores_to_submit(self):
        with self.assertRaises(ValidationError) as caught:
            services.review_save(
                actor=self.expert,
                review=self.review,
                scores={"legality": Decimal(5)},
                comment="",
                submit=True,
            )
        self.assertIn("innovation", caught.exception.message_dict)

    def test_it_fixes_trimmed_expert_scores_and_the_shortlist_when_voting_starts(self):
        edition = self.edition_
        self.score_all(edition, {1: "6", 2: "9", 3: "7"})
        services.edition_rules_update(
            actor=self.office,
            edition=edition,
            criteria_weights={c: Decimal("0.2") for c in scores(1)},
            expert_weight=Decimal("0.7"),
            public_weight=Decimal("0.3"),
            shortlist_size=2,
            top_n=1,
            disagreement_threshold=Decimal("3"),
        )
        self.advance(edition, Phase.VOTE)
        rows = {n.number: (n.expert_score, n.shortlisted) for n in edition.nominations.all()}
        self.assertEqual(
            rows, {1: (Decimal("6.0000"), False), 2: (Decimal("9.0000"), True), 3: (Decimal("7.0000"), True)}
        )
        with self.assertRaisesMessage(ValidationError, "规则已冻结"):
            services.edition_rules_update(
                actor=self.office,
                edition=edition,
                criteria_weights={c: Decimal("0.2") for c in scores(1)},
                expert_weight=Decimal("0.5"),
                public_weight=Decimal("0.5"),
                shortlist_size=2,
                top_n=1,
                disagreement_threshold=Decimal("3"),
            )


class VoteTestCase(SelectionTestCase):
    def setUp(self):
        self.edition_ = self.edition(deadlines={"vote": datetime.date(2023, 9, 30)})
        self.made = self.to_vote(self.edition_)

    def cast(self, credential, *, method="code", nomination=None, **kwargs):
        return services.vote_cast(
            edition=self.edition_,
            nomination_id=(nomination or self.made[0]).pk,
            method=method,
            credential=credential,
            address=kwargs.pop("address", "10.0.0.1"),
            now=kwargs.pop("now", AT),
            **kwargs,
        )

    def test_it_refuses_a_replayed_code(self):
        code = services.vote_codes_generate(actor=self.office, edition=self.edition_, count=1)[0]
        self.cast(code)
        with self.assertRaisesMessage(ValidationError, "该投票码已经使用过"):
            self.cast(code.lower().replace("-", ""), now=AT + datetime.timedelta(days=1))
        self.assertEqual(Vote.objects.filter(edition=self.edition_).count(), 1)

    def test_it_refuses_an_unknown_code_without_spending_anything(self):
        with self.assertRaisesMessage(ValidationError, "投票码无效"):
            self.cast("AAAAA-BBBBB")
        self.assertFalse(Vote.objects.exists())

    def test_it_keeps_codes_only_as_keyed_hashes(self):
        code = services.vote_codes_generate(actor=self.office, edition=self.edition_, count=3)[0]
        stored = list(VoteCode.objects.values_list("code_hash", flat=True))
        self.assertEqual(len(stored), 3)
        self.assertFalse(any(code.replace("-", "") in h.upper() for h in stored))

    def test_it_takes_one_vote_per_phone_per_day(self):
        self.cast("138 0000 1111", method="phone")
        with self.assertRaisesMessage(ValidationError, "每人每天只能投一票"):
            self.cast("13800001111", method="phone", nomination=self.made[1])
        self.cast("13800001111", method="phone", now=AT + datetime.timedelta(days=1))
        vote = Vote.objects.first()
        self.assertNotIn("13800001111", vote.voter_key)
        self.assertEqual(Vote.objects.count(), 2)

    def test_it_refuses_a_vote_after_close(self):
        code = services.vote_codes_generate(actor=self.office, edition=self.edition_, count=1)[0]
        with self.assertRaisesMessage(ValidationError, "公众投票已经结束"):
            self.cast(code, now=timezone.make_aware(datetime.datetime(2023, 10, 1, 9, 0)))
        self.assertFalse(Vote.objects.exists())
        self.assertFalse(VoteCode.objects.filter(used_at__isnull=False).exists())

    def test_it_refuses_a_vote_for_a_nomination_not_on_the_shortlist(self):
        edition = self.edition()
        other = self.nominate(edition)
        with self.assertRaisesMessage(ValidationError, "不在本届公众投票的入围名单中"):
            self.cast("13800001111", method="phone", nomination=other)

    def test_it_marks_a_burst_doubtful_and_keeps_every_vote(self):
        for i in range(6):
            self.cast(f"1380000111{i}", method="phone", now=AT + datetime.timedelta(minutes=i))
        votes = list(Vote.objects.order_by("cast_at"))
        self.assertEqual(len(votes), 6)
        self.assertEqual([v.doubtful for v in votes], [False] * 4 + [True] * 2)
        self.assertEqual(votes[-1].reasons, ["address_burst"])
        newly = services.votes_rescreen(actor=self.office, edition=self.edition_)
        self.assertEqual(newly, 4)
        self.assertEqual(Vote.objects.filter(doubtful=True).count(), 6)

    def test_it_marks_a_night_vote_and_counts_it_only_once_found_valid(self):
        vote = self.cast(
            "13800001111", method="phone", now=timezone.make_aware(datetime.datetime(2023, 9, 2, 2, 30))
        )
        self.assertEqual(vote.reasons, ["night"])
        from selections import selectors

        self.assertEqual(selectors.valid_vote_counts(self.edition_), {})
        with self.assertRaisesMessage(ValidationError, "请填写认定理由"):
            services.votes_decide(
                actor=self.office, edition=self.edition_, vote_ids=[vote.pk], valid=True, reason=""
            )
        services.votes_decide(
            actor=self.office,
            edition=self.edition_,
            vote_ids=[vote.pk],
            valid=True,
            reason="夜班工人，已电话核实",
        )
        vote.refresh_from_db()
        self.assertEqual((vote.decision, vote.decided_by), (Decision.VALID, self.office))
        self.assertEqual(selectors.valid_vote_counts(self.edition_), {self.made[0].pk: 1})

    def test_it_refuses_publicity_while_doubtful_votes_are_undecided(self):
        self.cast(
            "13800001111", method="phone", now=timezone.make_aware(datetime.datetime(2023, 9, 2, 2, 30))
        )
        self.advance(self.edition_, Phase.RANK)
        with self.assertRaisesMessage(ValidationError, "尚有 1 张存疑选票未作出认定"):
            self.advance(self.edition_, Phase.PUBLICITY)


class RankingTestCase(SelectionTestCase):
    def test_it_selects_the_top_n_by_composite_and_replaces_one_removed_by_an_objection(self):
        edition = self.edition()
        made = self.to_review(edition, count=4)
        self.score_all(edition, {1: "9", 2: "8", 3: "7", 4: "6"})
        services.edition_rules_update(
            actor=self.office,
            edition=edition,
            criteria_weights={c: Decimal("0.2") for c in scores(1)},
            expert_weight=Decimal("0.7"),
            public_weight=Decimal("0.3"),
            shortlist_size=4,
            top_n=2,
            disagreement_threshold=Decimal("3"),
        )
        self.advance(edition, Phase.VOTE)
        for i in range(3):  # no. 3 gets every vote: public 10 → 7×0.7+3 = 7.9 beats no. 2 (8×0.7 = 5.6)
            self.vote(edition, made[2], address=f"10.{i}.0.1")
        self.advance(edition, Phase.RANK)
        edition = self.advance(edition, Phase.PUBLICITY)
        ranking = {n.number: (n.rank, n.selected, n.composite) for n in edition.nominations.all()}
        self.assertEqual(ranking[3], (1, True, Decimal("7.9000")))
        self.assertEqual(ranking[1], (2, True, Decimal("6.3000")))
        self.assertEqual(ranking[2][:2], (3, False))
        objection, code = services.objection_submit(
            edition=edition, nomination_id=made[0].pk, text="该项目已于上一年度实施完毕，不属新增实事。"
        )
        with self.assertRaisesMessage(ValidationError, "公示异议未答复"):
            self.advance(edition, Phase.PUBLISHED)
        services.objection_answer(
            actor=self.office, objection=objection, upheld=True, answer="经核实异议成立，撤销入选。"
        )
        selected = set(edition.nominations.filter(selected=True).values_list("number", flat=True))
        self.assertEqual(selected, {3, 2})
        edition = self.advance(edition, Phase.PUBLISHED)
        self.assertEqual([r["number"] for r in edition.results["ranking"] if r["selected"]], [3, 2])


class TrackingTestCase(SelectionTestCase):
    def test_it_tracks_milestones_and_progress_of_a_selected_project(self):
        edition = self.edition()
        made = self.to_vote(edition)
        self.vote(edition, made[0])
        for phase in (Phase.RANK, Phase.PUBLICITY, Phase.PUBLISHED):
            edition = self.advance(edition, phase)
        project = Nomination.objects.get(pk=made[0].pk)
        self.assertEqual(project.responsible_org, self.county_org)
        milestone = services.milestone_add(
            actor=self.office, project=project, title="完成选址", due=datetime.date(2024, 3, 31)
        )
        with self.assertRaisesMessage(ValidationError, "不能晚于今天"):
            services.milestone_complete(
                actor=self.county,
                milestone=milestone,
                done_on=timezone.localdate() + datetime.timedelta(days=1),
            )
        services.milestone_complete(
            actor=self.county, milestone=milestone, done_on=datetime.date(2024, 3, 20)
        )
        with self.assertRaisesMessage(ValidationError, "0 到 100"):
            services.progress_report(actor=self.county, project=project, text="进展", percent=120)
        services.progress_report(actor=self.county, project=project, text="已完成选址", percent=30)
        self.assertEqual(project.progress_reports.count(), 1)
        unselected = self.nominate(self.edition())
        with self.assertRaisesMessage(ValidationError, "只有已公布的入选项目"):
            services.milestone_add(
                actor=self.office, project=unselected, title="x", due=datetime.date(2024, 1, 1)
            )


class PanelSeamTestCase(SelectionTestCase):
    def test_it_offers_the_expert_pool_one_narrow_entry_point(self):
        from selections import panel

        edition = self.edition()
        self.nominate(edition, org=self.county_org)
        self.nominate(edition)
        self.assertEqual(panel.candidates_excluded(edition), {self.county_org.pk})
        added = panel.panel_assign(
            actor=self.office, edition=edition, members=[(self.expert, self.county_org, [self.sfj.pk])]
        )
        self.assertEqual(added[0].conflicts(), {self.county_org.pk, self.sfj.pk})
        with self.assertRaisesMessage(ValidationError, "已在本届评审专家组中"):
            panel.panel_assign(actor=self.office, edition=edition, members=[(self.expert, None, [])])
