"""The 惠民实事 review panel drawn from the expert pool (issue #10 items 7 and 11)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import roles
from experts import selectors as expert_selectors
from experts import services as expert_services
from experts.models import Assignment, AssignmentStatus, ConflictKind, Draw, DrawStatus, Purpose
from experts.tests.factories import expert as make_expert
from fazhi.testing import make_user
from selections import panel, selectors, services
from selections.models import MemberStatus, Phase, Review
from selections.tests.factories import SelectionTestCase


class PanelDrawBase(SelectionTestCase):
    expert4: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.expert4 = make_user("expert04", cls.pool_org, roles.EXPERT)

    def setUp(self) -> None:
        # four experts who can log in: one works at 蓬江区, one declared a conflict with 市司法局
        self.at_county = make_expert(self.office, "区里专家", user=self.expert, employer_org=self.county_org)
        self.conflicted = make_expert(self.office, "司法局亲属专家", user=self.expert2)
        expert_services.conflict_declare(
            actor=self.office, expert=self.conflicted, kind=ConflictKind.RELATIVE, org=self.sfj
        )
        self.plain = [
            make_expert(self.office, "高校专家", user=self.expert3),
            make_expert(self.office, "律所专家", user=self.expert4),
        ]
        self.no_account = make_expert(self.office, "无账号专家")
        self.ed = self.edition()
        self.made = [
            self.nominate(self.ed, "项目1", org=self.county_org),
            self.nominate(self.ed, "项目2", org=self.sfj),
            self.nominate(self.ed, "项目3"),
        ]
        self.advance(self.ed, Phase.SCREEN)
        for n in self.made:
            services.nomination_screen(actor=self.office, nomination=n, eligible=True, reason="符合条件")

    def drawn(self, size: int, backups: int = 0) -> Draw:
        draw = panel.panel_draw(actor=self.office, edition=self.ed, size=size, backups=backups)
        return panel.panel_draw_execute(actor=self.office, edition=self.ed, draw=draw)


class PanelDrawTestCase(PanelDrawBase):
    def test_it_seats_the_drawn_panel_as_panel_members(self) -> None:
        draw = self.drawn(3, backups=1)
        self.assertEqual(draw.purpose_code, Purpose.SELECTION)
        self.assertEqual(draw.object_id, str(self.ed.pk))
        self.assertEqual(draw.link, reverse("selections:edition_detail", args=[self.ed.pk]))
        self.assertTrue(draw.require_account)
        self.assertNotIn(self.no_account.pk, [c["id"] for c in draw.candidates])
        seated = [m.user for m in expert_selectors.panel_members(draw)]
        self.assertEqual(len(seated), 3)
        self.assertEqual([m.user for m in self.ed.panel.all()], seated)
        self.assertEqual(panel.current_draw(self.ed), draw)

    def test_it_keeps_employer_and_declared_conflicts_out_of_the_reviews(self) -> None:
        self.drawn(4)
        member = self.ed.panel.get(user=self.expert2)
        self.assertEqual(member.conflict_org_ids, [self.sfj.pk])
        self.assertEqual(self.ed.panel.get(user=self.expert).employer_org, self.county_org)
        self.advance(self.ed, Phase.REVIEW)
        reviewed = set(Review.objects.values_list("member__user__username", "nomination__title"))
        self.assertNotIn(("expert01", "项目1"), reviewed)
        self.assertNotIn(("expert02", "项目2"), reviewed)
        self.assertIn(("expert01", "项目2"), reviewed)
        self.assertIn(("expert02", "项目1"), reviewed)
        for review in Review.objects.select_related("member", "nomination"):
            self.assertFalse(selectors.conflicted(review.member, review.nomination))

    def test_it_seats_the_backup_as_a_reviewer_when_an_expert_declines(self) -> None:
        draw = self.drawn(3, backups=1)
        self.advance(self.ed, Phase.REVIEW)
        backup = Assignment.objects.get(draw=draw, status=AssignmentStatus.STANDBY).expert.user
        self.assertFalse(self.ed.panel.filter(user=backup).exists())
        leaving = expert_selectors.panel_members(draw)[0]
        expert_services.assignment_decline(actor=leaving.user, assignment=leaving.assignment, reason="出差")
        joined = self.ed.panel.get(user=backup)
        self.assertEqual(joined.status, MemberStatus.ACTIVE)
        self.assertTrue(Review.objects.filter(member=joined).exists())
        gone = self.ed.panel.get(user=leaving.user)
        self.assertEqual(gone.status, MemberStatus.DECLINED)
        self.assertFalse(Review.objects.filter(member=gone, submitted_at__isnull=True).exists())
        # running the sync again changes nothing
        self.assertEqual(panel.panel_assign_from_draw(actor=self.office, edition=self.ed, draw=draw), [])
        self.assertEqual(self.ed.panel.filter(status=MemberStatus.ACTIVE).count(), 3)

    def test_it_leaves_out_experts_who_could_review_nothing_or_sit_already(self) -> None:
        services.panel_assign(actor=self.office, edition=self.ed, members=[(self.expert3, None, [])])
        everywhere = make_expert(
            self.office, "全冲突专家", user=make_user("expert05", self.pool_org, roles.EXPERT)
        )
        for org in (self.county_org, self.sfj):
            expert_services.conflict_declare(
                actor=self.office, expert=everywhere, kind=ConflictKind.OTHER, org=org
            )
        self.ed.nominations.filter(title="项目3").update(screening="ineligible")
        draw = panel.panel_draw(actor=self.office, edition=self.ed, size=1)
        candidates = {c["id"] for c in draw.candidates}
        self.assertNotIn(everywhere.pk, candidates)
        self.assertNotIn(self.plain[0].pk, candidates)
        self.assertIn(self.plain[1].pk, candidates)

    def test_it_lets_only_the_office_draw(self) -> None:
        for user in (self.county, self.stranger, self.expert):
            with self.assertRaises(PermissionDenied):
                panel.panel_draw(actor=user, edition=self.ed, size=2)
        self.assertFalse(Draw.objects.exists())

    def test_it_refuses_a_second_live_draw_and_a_draw_after_review(self) -> None:
        first = panel.panel_draw(actor=self.office, edition=self.ed, size=2)
        with self.assertRaisesMessage(ValidationError, f"本届已有抽取 #{first.pk}"):
            panel.panel_draw(actor=self.office, edition=self.ed, size=2)
        expert_services.draw_cancel(actor=self.office, draw=first, reason="参数有误")
        draw = self.drawn(4)
        self.assertEqual(draw.status, DrawStatus.EXECUTED)
        self.advance(self.ed, Phase.REVIEW)
        self.score_all(self.ed)
        self.advance(self.ed, Phase.VOTE)
        expert_services.draw_cancel(actor=self.office, draw=draw, reason="测试")
        with self.assertRaisesMessage(ValidationError, "只能在资格审查或专家评审阶段"):
            panel.panel_draw(actor=self.office, edition=self.ed, size=2)

    def test_it_does_not_touch_the_panel_when_a_decline_comes_after_voting_started(self) -> None:
        draw = self.drawn(3, backups=1)
        self.advance(self.ed, Phase.REVIEW)
        self.score_all(self.ed)
        self.advance(self.ed, Phase.VOTE)
        leaving = expert_selectors.panel_members(draw)[0]
        expert_services.assignment_decline(actor=self.office, assignment=leaving.assignment, reason="补记")
        self.assertEqual(self.ed.panel.filter(status=MemberStatus.ACTIVE).count(), 3)


class PanelDrawViewTestCase(PanelDrawBase):
    def test_it_draws_and_seats_the_panel_from_the_edition_page(self) -> None:
        self.client.force_login(self.office)
        page = self.client.get(reverse("selections:edition_detail", args=[self.ed.pk]))
        self.assertContains(page, "从专家库抽取评审专家组")
        response = self.client.post(
            reverse("selections:panel_draw", args=[self.ed.pk]), {"size": 3, "backups": 1}
        )
        self.assertRedirects(response, reverse("selections:panel", args=[self.ed.pk]))
        draw = Draw.objects.get()
        page = self.client.get(reverse("selections:panel", args=[self.ed.pk]))
        self.assertContains(page, draw.commitment)
        self.assertContains(page, reverse("experts:draw_detail", args=[draw.pk]))
        self.client.post(reverse("selections:panel_draw_execute", args=[self.ed.pk]))
        self.assertEqual(self.ed.panel.count(), 3)
        page = self.client.get(reverse("selections:edition_detail", args=[self.ed.pk]))
        self.assertContains(page, f"抽取 #{draw.pk}")
        self.assertContains(page, reverse("experts:draw_record", args=[draw.pk]))

    def test_it_shows_a_chinese_message_for_a_panel_too_large(self) -> None:
        self.client.force_login(self.office)
        response = self.client.post(reverse("selections:panel_draw", args=[self.ed.pk]), {"size": 9})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "请填写候补人数", status_code=400)
        response = self.client.post(
            reverse("selections:panel_draw", args=[self.ed.pk]), {"size": 9, "backups": 0}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Draw.objects.exists())

    def test_it_denies_the_draw_to_everyone_but_the_office(self) -> None:
        for user in (self.county, self.stranger, self.expert):
            self.client.force_login(user)
            for name in ("selections:panel_draw", "selections:panel_draw_execute"):
                response = self.client.post(reverse(name, args=[self.ed.pk]), {"size": 2, "backups": 0})
                self.assertIn(response.status_code, (403, 404), (user, name))
        self.assertFalse(Draw.objects.exists())
