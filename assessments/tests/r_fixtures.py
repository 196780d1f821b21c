"""Test data of the results side: a small locked framework, a campaign with the
base test case's two counties and approved scores (made directly: these tests
are about results, not about scoring)."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

from django.utils import timezone

from accounts import roles
from assessments.models import (
    Campaign,
    Framework,
    Indicator,
    Phase,
    PhaseDeadline,
    Rule,
    Score,
    ScoreItem,
    ScoreStatus,
    Section,
)
from fazhi.testing import BaseTestCase, make_user


class ResultsTestCase(BaseTestCase):
    """BaseTestCase + a campaign in 审定 with approved scores.

    Indicators: A1 扣分制 40 (司法局), A2 扣分制 30 (公安局), B1 等级制 30 (司法局),
    B2 加分 5 (司法局). 蓬江 95 (A1 38, A2 30, B1 27) + 加分 3; 江海 88 (A1 40, A2 24, B1 24)."""

    year = 2023

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.assessor2 = make_user("assessor_sfj_sh", cls.sfj, roles.ASSESSOR, duty="review")
        cls.assessor2_b = make_user("assessor_gaj_sh", cls.gaj, roles.ASSESSOR, duty="review")
        cls.campaign = make_campaign(cls, year=cls.year, phase=Phase.REVIEW)

    def score_of(self, target, code: str) -> Score:
        return Score.objects.get(campaign=self.campaign, target=target, indicator__code=code)


def make_campaign(tc, *, year: int, phase: str, scores: dict | None = None) -> Campaign:
    framework = Framework.objects.create(
        year=year,
        name=f"{year}年度法治建设考评办法",
        total_score=D(100),
        status="locked",
        locked_at=timezone.now(),
    )
    sa = Section.objects.create(framework=framework, code="A", name="法治政府建设", order=1)
    sb = Section.objects.create(framework=framework, code="B", name="法治社会建设", order=2)
    a1 = Indicator.objects.create(
        section=sa, code="A1", name="重大行政决策合法性审查", max_score=D(40), order=1
    )
    a2 = Indicator.objects.create(section=sa, code="A2", name="行政执法规范化", max_score=D(30), order=2)
    b1 = Indicator.objects.create(
        section=sb, code="B1", name="普法宣传教育", max_score=D(30), order=1, method="grade"
    )
    b2 = Indicator.objects.create(
        section=sb, code="B2", name="法治创建加分", max_score=D(5), order=2, method="bonus", bonus_cap=D(5)
    )
    for ind in (a1, b1, b2):
        ind.assessors.add(tc.sfj)
    a2.assessors.add(tc.gaj)
    r1 = Rule.objects.create(
        indicator=a1, code="A1-1", text="未经合法性审查作出重大决策的，每件扣2分", points=D(2)
    )
    r2 = Rule.objects.create(indicator=a2, code="A2-1", text="执法案卷评查不合格的，每宗扣3分", points=D(3))
    Rule.objects.create(
        indicator=b2, code="B2-1", text="获评全国法治创建先进的，加3分", kind="add", points=D(3)
    )
    campaign = Campaign.objects.create(
        year=year, name=f"{year}年度法治建设考评", framework=framework, phase=phase
    )
    campaign.targets.set([tc.county_org, tc.stranger_org])
    campaign.assessors.set([tc.sfj, tc.gaj])
    today = timezone.localdate()
    PhaseDeadline.objects.create(
        campaign=campaign,
        phase=Phase.APPEAL,
        starts_on=today - datetime.timedelta(days=3),
        due_on=today + datetime.timedelta(days=3),
    )
    scores = scores or {
        tc.county_org: {"A1": "38", "A2": "30", "B1": "27", "B2": "3"},
        tc.stranger_org: {"A1": "40", "A2": "24", "B1": "24"},
    }
    indicators = {i.code: i for i in (a1, a2, b1, b2)}
    rules = {"A1": r1, "A2": r2}
    for target, values in scores.items():
        for code, value in values.items():
            ind = indicators[code]
            lost = ind.max_score - D(value)
            score = Score.objects.create(
                campaign=campaign,
                target=target,
                indicator=ind,
                score=D(value),
                status=ScoreStatus.APPROVED,
                reason=f"{code}台账不完整" if lost > 0 and ind.method != "bonus" else "",
                evidence_note="查阅了2023年度台账" if lost > 0 else "",
                assessor_org=tc.gaj if code == "A2" else tc.sfj,
                entered_by=tc.assessor_b if code == "A2" else tc.assessor,
                reviewed_by=getattr(tc, "assessor2_b" if code == "A2" else "assessor2", None),
                approved_at=timezone.now(),
            )
            if lost > 0 and code in rules:
                ScoreItem.objects.create(
                    score=score,
                    rule=rules[code],
                    kind="deduct",
                    points=lost,
                    reason=f"{code}发现问题",
                    evidence_note="案卷编号2023-01",
                )
    return campaign
