"""考 linkage: the live figures of 述、评、督 with their source, per target and year."""

from __future__ import annotations

import datetime

from accountability import services
from accountability.tests.helpers import YEAR, AccountabilityTestCase
from performance import metrics


def value(key: str, org, year: int = YEAR) -> str | None:
    result = metrics.evaluate(key, metrics.MetricContext(year=year, org_id=org.pk))
    return None if result is None else result.text()


class AccountabilityMetricsTestCase(AccountabilityTestCase):
    def test_it_counts_submitted_reports_of_the_target(self):
        services.shufa_report_save(actor=self.leader, shufa_round=self.shufa_round, body="草稿")
        self.assertEqual(
            value("accountability.shufa_submitted", self.county_org), "0/1 份已提交（来源：2026年述法报告）"
        )
        self.submitted_report()
        self.assertEqual(
            value("accountability.shufa_submitted", self.county_org), "1/1 份已提交（来源：2026年述法报告）"
        )
        self.assertIsNone(value("accountability.shufa_submitted", self.stranger_org))

    def test_it_gives_the_mean_rating_with_its_source(self):
        report = self.submitted_report()
        services.rating_save(actor=self.assessor, report=report, grade="满意", score=91)
        services.rating_save(actor=self.expert, report=report, grade="不满意", score=60)
        self.assertEqual(
            value("accountability.rating", self.county_org),
            "75.5分（2 份评议，不满意 50.0%；来源：2026年述法评议）",
        )

    def test_it_computes_the_unsatisfied_share_from_the_counts(self):
        report = self.submitted_report()
        services.rating_save(actor=self.assessor, report=report, grade="满意", score=92)
        services.rating_save(actor=self.expert, report=report, grade="不满意", score=55)
        services.shufa_round_reviewers_set(
            actor=self.office,
            shufa_round=self.shufa_round,
            reviewers=[self.assessor, self.expert, self.assessor_b],
        )
        services.rating_save(actor=self.assessor_b, report=report, grade="满意", score=95)
        # 1 of 3: 33.3%, not the 33.0% of the rounded two-decimal share
        self.assertEqual(
            value("accountability.rating", self.county_org),
            "80.67分（3 份评议，不满意 33.3%；来源：2026年述法评议）",
        )

    def test_it_turns_findings_into_the_proposed_deduction(self):
        plan = services.inspection_plan_create(
            actor=self.office,
            year=YEAR,
            topic="综合督察",
            start_on=datetime.date(YEAR, 9, 1),
            end_on=datetime.date(YEAR, 9, 30),
            targets=[self.county_org],
            team=[self.assessor],
        )
        for severity in ("general", "grave"):
            services.finding_create(
                actor=self.office,
                plan=plan,
                target=self.county_org,
                text="问题",
                severity=severity,
                deadline=datetime.date(YEAR, 12, 31),
            )
        self.assertEqual(
            value("accountability.findings", self.county_org),
            "发现问题 2 个，建议扣 2.50 分（来源：2026年综合督察）",
        )
        self.assertEqual(
            value("accountability.findings", self.stranger_org),
            "发现问题 0 个，建议扣 0.00 分（来源：2026年综合督察）",
        )
