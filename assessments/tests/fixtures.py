"""Test data of 法治建设考评.

- `WorkflowTestCase`: made through the services (so the rules apply). Framework
  2023, 总分 100: A 法治政府建设 — A1 扣分制 40 (市司法局), A2 扣分制 30 (市公安局);
  B 法治社会建设 — B1 等级制 30 (市司法局), B2 加分 5 (市司法局; 加分 is not in the total).
- `ResultsTestCase`: the same shape of framework with approved scores made
  directly (those tests are about results, not about scoring), in 审定."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal as D

from django.utils import timezone
from openpyxl import Workbook

from accounts import roles
from assessments import frameworks_xlsx
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
from assessments.services import campaigns as campaign_services
from assessments.services import frameworks as fw
from fazhi.testing import BaseTestCase, make_user


def build_framework(actor, sfj, gaj, *, year: int = 2023, lock: bool = True) -> Framework:
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

    def indicator(self, code: str):
        return self.framework.sections.get(indicators__code=code).indicators.get(code=code)

    def score(self, target, code: str) -> Score:
        return Score.objects.select_related("campaign", "indicator", "target").get(
            campaign=self.campaign, target=target, indicator__code=code
        )


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
        cls.campaign = make_campaign(cls, year=cls.year, phase=Phase.FINAL_REVIEW)

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


def xlsx(rows: list[list], headers: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers or frameworks_xlsx.HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
