"""Test data of the workflow side, made through the services (so the rules apply).

Framework 2023, 总分 100: A 法治政府建设 — A1 扣分制 40 (市司法局), A2 扣分制 30 (市公安局);
B 法治社会建设 — B1 等级制 30 (市司法局), B2 加分 5 (市司法局; 加分 is not in the total)."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

from django.utils import timezone

from accounts import roles
from assessments.models import Campaign, Framework, Score
from assessments.services import campaigns as campaign_services
from assessments.services import frameworks as fw
from fazhi.testing import BaseTestCase, make_user


def build_framework(actor, sfj, gaj, *, year: int = 2023, lock: bool = True) -> Framework:  # noqa: ANN001
    framework = fw.framework_create(
        actor=actor, year=year, name=f"{year}年度法治建设考评办法", total_score=D(100)
    )
    a = fw.section_create(actor=actor, framework=framework, code="A", name="法治政府建设", order=1)
    b = fw.section_create(actor=actor, framework=framework, code="B", name="法治社会建设", order=2)
    a1 = fw.indicator_create(
        actor=actor,
        section=a,
        code="A1",
        name="重大行政决策合法性审查",
        max_score=D(40),
        method="deduct",
        order=1,
        evidence_required="决策目录、审查意见",
        assessors=[sfj],
    )
    a2 = fw.indicator_create(
        actor=actor,
        section=a,
        code="A2",
        name="行政执法规范化",
        max_score=D(30),
        method="deduct",
        order=2,
        assessors=[gaj],
    )
    b1 = fw.indicator_create(
        actor=actor,
        section=b,
        code="B1",
        name="普法宣传教育",
        max_score=D(30),
        method="grade",
        order=1,
        assessors=[sfj],
    )
    b2 = fw.indicator_create(
        actor=actor,
        section=b,
        code="B2",
        name="法治创建加分",
        max_score=D(5),
        method="bonus",
        bonus_cap=D(5),
        order=2,
        assessors=[sfj],
    )
    fw.rule_create(
        actor=actor,
        indicator=a1,
        code="A1-1",
        text="未经合法性审查作出重大决策的，每件扣2分",
        kind="deduct",
        points=D(2),
        max_points=D(10),
    )
    fw.rule_create(
        actor=actor,
        indicator=a1,
        code="A1-2",
        text="发生重大违法决策被追责的，一票否决",
        kind="veto",
        points=D(0),
    )
    fw.rule_create(
        actor=actor,
        indicator=a2,
        code="A2-1",
        text="执法案卷评查不合格的，每宗扣3分",
        kind="deduct",
        points=D(3),
    )
    for code, text, points in (("B1-1", "好", 30), ("B1-2", "较好", 24), ("B1-3", "一般", 18)):
        fw.rule_create(actor=actor, indicator=b1, code=code, text=text, kind="grade", points=D(points))
    fw.rule_create(
        actor=actor, indicator=b2, code="B2-1", text="获评全国法治创建先进的，加3分", kind="add", points=D(3)
    )
    if lock:
        framework = fw.framework_lock(actor=actor, framework=framework)
    return framework


def future_deadlines(start: datetime.date | None = None) -> dict:
    today = start or timezone.localdate()
    return {
        phase: (None, today + datetime.timedelta(days=10 * (i + 1)))
        for i, phase in enumerate(
            ["deploy", "self_assess", "scoring", "feedback", "appeal", "review", "published"]
        )
    }


class WorkflowTestCase(BaseTestCase):
    """BaseTestCase + a locked framework and a campaign for 蓬江 and 江海; at
    each assessing unit the 经办 of BaseTestCase (assessor, assessor_b) and a
    审核 (reviewer, reviewer_b); 市司法局 has a second 经办 (clerk2)."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.reviewer = make_user("assessor_sfj_sh", cls.sfj, roles.ASSESSOR, duty="review")
        cls.reviewer_b = make_user("assessor_gaj_sh", cls.gaj, roles.ASSESSOR, duty="review")
        cls.clerk2 = make_user("assessor_sfj_2", cls.sfj, roles.ASSESSOR, duty="enter")
        cls.framework = build_framework(cls.office, cls.sfj, cls.gaj)
        cls.campaign = campaign_services.campaign_create(
            actor=cls.office,
            year=2023,
            name="2023年度法治建设考评",
            framework=cls.framework,
            targets=[cls.county_org, cls.stranger_org],
            deadlines=future_deadlines(),
        )

    def advance_to(self, phase: str) -> Campaign:
        campaign = Campaign.objects.get(pk=self.campaign.pk)
        while campaign.phase != phase:
            campaign = campaign_services.campaign_advance(
                actor=self.office, campaign=campaign, force=True, note="测试推进"
            )
        self.campaign = campaign
        return campaign

    def indicator(self, code: str):  # noqa: ANN201
        return self.framework.sections.get(indicators__code=code).indicators.get(code=code)

    def score(self, target, code: str) -> Score:  # noqa: ANN001
        return Score.objects.select_related("campaign", "indicator", "target").get(
            campaign=self.campaign, target=target, indicator__code=code
        )
