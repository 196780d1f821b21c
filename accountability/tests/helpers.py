"""Set-up shared by the accountability tests: leaders of two counties, a round with reviewers."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from accountability import services
from accounts import roles
from fazhi.testing import BaseTestCase, make_user

YEAR = 2026
TEMPLATE = "一、履行推进法治建设第一责任人职责情况\n二、存在问题\n三、下一步打算"


class AccountabilityTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.leader = make_user("leader_pj", cls.county_org, roles.LEADER)
        cls.leader_b = make_user("leader_jh", cls.stranger_org, roles.LEADER)
        cls.shufa_round = services.shufa_round_create(
            actor=cls.office,
            year=YEAR,
            title="2026年度述法",
            deadline=timezone.localdate() + datetime.timedelta(days=10),
            template=TEMPLATE,
        )
        services.shufa_round_reviewers_set(
            actor=cls.office, shufa_round=cls.shufa_round, reviewers=[cls.assessor, cls.expert]
        )

    def submitted_report(self, leader: Any = None, body: str = "本年度履职情况") -> Any:
        report = services.shufa_report_save(
            actor=leader or self.leader, shufa_round=self.shufa_round, body=body
        )
        return services.shufa_report_submit(actor=leader or self.leader, report=report)
