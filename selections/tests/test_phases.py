from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from selections import phases, services
from selections.models import Phase
from selections.tests.factories import SelectionTestCase


class PhaseMachineTestCase(SimpleTestCase):
    def test_it_allows_exactly_the_next_phase_from_every_phase(self):
        for i, source in enumerate(phases.ORDER):
            for j, target in enumerate(phases.ORDER):
                with self.subTest(source=source, target=target):
                    self.assertEqual(phases.allowed(source, target), j == i + 1)
                    if j == i + 1:
                        phases.check(source, target)
                    else:
                        with self.assertRaises(phases.TransitionRefused):
                            phases.check(source, target)

    def test_it_explains_a_refused_move_in_chinese(self):
        with self.assertRaisesMessage(phases.TransitionRefused, "须先进入「资格审查」阶段"):
            phases.check(phases.COLLECT, phases.VOTE)
        with self.assertRaisesMessage(phases.TransitionRefused, "不能从「公众投票」退回「征集」"):
            phases.check(phases.VOTE, phases.COLLECT)
        with self.assertRaisesMessage(phases.TransitionRefused, "未知的阶段"):
            phases.check(phases.COLLECT, "nope")

    def test_it_freezes_the_rules_from_the_vote_on(self):
        self.assertEqual(
            [phases.rules_frozen(p) for p in phases.ORDER],
            [False, False, False, True, True, True, True, True],
        )


class EditionAdvanceTestCase(SelectionTestCase):
    def test_it_refuses_a_skipped_phase_and_changes_nothing(self):
        edition = self.edition()
        self.nominate(edition)
        with self.assertRaisesMessage(ValidationError, "须先进入「资格审查」阶段"):
            self.advance(edition, Phase.REVIEW)
        edition.refresh_from_db()
        self.assertEqual(edition.phase, Phase.COLLECT)

    def test_it_refuses_to_screen_an_edition_without_nominations(self):
        with self.assertRaisesMessage(ValidationError, "尚未收到任何推荐项目"):
            self.advance(self.edition(), Phase.SCREEN)

    def test_it_refuses_review_until_every_nomination_is_screened_and_a_panel_exists(self):
        edition = self.edition()
        self.nominate(edition)
        self.advance(edition, Phase.SCREEN)
        with self.assertRaises(ValidationError) as caught:
            self.advance(edition, Phase.REVIEW)
        self.assertIn("尚有 1 个推荐项目未完成资格审查。", caught.exception.messages)
        self.assertIn("尚未组成评审专家组（从咨询专家库抽取专家）。", caught.exception.messages)

    def test_it_refuses_the_vote_until_every_review_is_submitted(self):
        edition = self.edition()
        self.to_review(edition)
        with self.assertRaisesMessage(ValidationError, "尚有 9 份专家评审未提交"):
            self.advance(edition, Phase.VOTE)

    def test_it_walks_every_phase_to_tracking_and_records_each_move(self):
        edition = self.edition()
        made = self.to_vote(edition)
        self.vote(edition, made[0])
        for phase in (Phase.RANK, Phase.PUBLICITY, Phase.PUBLISHED):
            edition = self.advance(edition, phase)
        third = edition.nominations.get(number=3)
        services.nomination_set_responsible(actor=self.office, nomination=third, org=self.stranger_org)
        edition = self.advance(edition, Phase.TRACKING)
        self.assertEqual(edition.phase, Phase.TRACKING)
        self.assertEqual(
            list(edition.phase_changes.values_list("to_phase", flat=True)),
            ["screen", "review", "vote", "rank", "publicity", "published", "tracking"],
        )
        self.assertIsNotNone(edition.results)
        self.assertEqual(services.advance_problems(edition), ["评选已处于最后阶段（跟踪）。"])

    def test_it_refuses_tracking_while_a_selected_project_has_no_responsible_unit(self):
        edition = self.edition()
        made = self.to_vote(edition)
        self.vote(edition, made[2])
        for phase in (Phase.RANK, Phase.PUBLICITY, Phase.PUBLISHED):
            edition = self.advance(edition, phase)
        with self.assertRaisesMessage(ValidationError, "以下入选项目未确定责任单位：3号"):
            self.advance(edition, Phase.TRACKING)
