"""Shared set-up for the tracker's tests: the base personas (office, county 蓬江区,
stranger 江海区, assessors of 司法局 and 公安局 …), a 专项整治 and helpers that
walk a problem through the flow with the services."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from fazhi.testing import BaseTestCase
from problems import services
from problems.models import Problem, Source


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


class ProblemsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.campaign = services.campaign_create(
            actor=cls.office,
            name="道路交通安全和运输执法领域突出问题专项整治",
            year=2023,
            start_date=datetime.date(2023, 4, 1),
            end_date=datetime.date(2023, 12, 31),
            categories=["逐利执法", "执法不规范", "执法方式简单僵化"],
            lead_org=cls.gaj,
        )

    def register(self, *, org: Any = None, title: str = "某路段违规设卡查车", **kwargs: Any) -> Problem:
        values: dict[str, Any] = {"source": Source.HOTLINE, "org": org or self.county_org}
        values.update(kwargs)
        return services.problem_register(actor=self.office, title=title, **values)

    def step(self, problem: Problem, action: str, user: Any = None, **kwargs: Any) -> Problem:
        return services.problem_transition(
            actor=user or self.office, problem=problem, action=action, **kwargs
        )

    def walk(self, problem: Problem, *actions: str) -> Problem:
        """Take each step as the party it belongs to, with what it needs."""
        unit = self.county if problem.org_id == self.county_org.pk else self.assessor_b
        needs = {
            "assign": {"deadline": days(30)},
            "return": {"note": "不属于本单位职责"},
            "verify": {"note": "经核查属实"},
            "plan": {"note": "一个月内完成整改", "deadline": days(20)},
            "rectify_now": {"note": "已当场纠正"},
            "complete": {"note": "整改完成"},
            "reject": {"note": "整改不到位"},
            "dismiss": {"note": "线索不实"},
        }
        office_steps = {"assign", "accept", "reject", "close", "dismiss"}
        for action in actions:
            user = self.office if action in office_steps else unit
            problem = self.step(problem, action, user, **needs.get(action, {}))
        return problem
