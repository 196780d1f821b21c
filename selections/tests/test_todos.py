from __future__ import annotations

import datetime

from django.urls import reverse

from selections import services
from selections.models import Phase
from selections.tests.factories import SelectionTestCase


class TodoTestCase(SelectionTestCase):
    def test_it_gives_each_party_its_own_to_dos(self):
        edition = self.edition(deadlines={"review": datetime.date(2099, 1, 31)})
        made = self.to_review(edition)
        home = self.client_for(self.expert).get(reverse("workbench:home"))
        self.assertContains(home, "3 个惠民实事推荐项目待您评审")
        self.assertContains(home, "截止 2099-01-31")
        self.assertNotContains(self.client_for(self.county).get(reverse("workbench:home")), "待您评审")
        self.score_all(edition)
        self.advance(edition, Phase.VOTE)
        self.vote(edition, made[0])
        for phase in (Phase.RANK, Phase.PUBLICITY, Phase.PUBLISHED):
            edition = self.advance(edition, phase)
        project = edition.nominations.get(pk=made[0].pk)
        services.milestone_add(
            actor=self.office, project=project, title="建成服务站", due=datetime.date(2024, 1, 31)
        )
        county_home = self.client_for(self.county).get(reverse("workbench:home"))
        self.assertContains(county_home, "惠民实事节点逾期：项目0 · 建成服务站")
        self.assertContains(
            self.client_for(self.office).get(reverse("workbench:home")), "1 个惠民实事项目节点已逾期"
        )
        self.assertNotContains(self.client_for(self.stranger).get(reverse("workbench:home")), "建成服务站")
