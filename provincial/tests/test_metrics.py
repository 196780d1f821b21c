from decimal import Decimal

import pytest

from fazhi.testing import BaseTestCase
from provincial import services
from provincial.tests.factories import framework, submitted, task

metrics = pytest.importorskip("performance.metrics")  # the performance module registers live metrics


class LiveMetricsTestCase(BaseTestCase):
    def value(self, key: str, year: int) -> str | None:
        found = metrics.evaluate(key, metrics.MetricContext(year=year))
        return found.text() if found else None

    def test_it_registers_both_metrics(self):
        labels = dict(metrics.choices())
        self.assertEqual(labels["provincial.province_grade"], "法治广东建设考评等次")
        self.assertEqual(labels["provincial.task_completion"], "迎检任务完成率")

    def test_it_reads_the_latest_recorded_grade_up_to_the_year(self):
        self.assertIsNone(self.value("provincial.province_grade", 2023))
        services.result_record(actor=self.office, year=2021, grade="良好")
        self.assertEqual(self.value("provincial.province_grade", 2021), "良好")  # no year before: no band
        services.result_record(actor=self.office, year=2022, grade="优秀")
        self.assertEqual(self.value("provincial.province_grade", 2023), "达成年度指标（优秀）")
        self.assertIsNone(self.value("provincial.province_grade", 2020))
        services.result_record(actor=self.office, year=2023, grade="良好")
        self.assertEqual(self.value("provincial.province_grade", 2023), "未达成年度指标（良好）")

    def test_it_reads_the_task_completion_rate(self):
        self.assertIsNone(self.value("provincial.task_completion", 2023))
        f = framework(self.office)
        accepted = submitted(self.office, self.assessor, f.indicators.get(code="1.1"))
        services.task_accept(actor=self.office, task=accepted, reviewed_score=Decimal("4"))
        task(self.office, f.indicators.get(code="1.2"), self.sfj)
        task(self.office, f.indicators.get(code="2.1"), self.sfj)
        task(self.office, f.indicators.get(code="2.2"), self.sfj)
        self.assertEqual(self.value("provincial.task_completion", 2023), "25%")
