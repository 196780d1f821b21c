import datetime

from django.utils import timezone

from experts import services
from experts.tests.factories import expert
from fazhi.testing import BaseTestCase
from performance import metrics


class PoolSizeMetricTestCase(BaseTestCase):
    def test_it_counts_the_experts_in_the_pool_in_the_projects_year(self):
        expert(self.office, "在库")
        left = expert(self.office, "今年暂停")
        services.expert_update(actor=self.office, expert=left, status="suspended")
        expert(
            self.office,
            "聘期已满",
            term_start=datetime.date(2019, 1, 1),
            term_end=datetime.date(2022, 12, 31),
        )
        this_year = timezone.localdate().year
        value = metrics.evaluate("experts.pool_size", metrics.MetricContext(year=this_year))
        self.assertEqual(value.text(), "1人")
        earlier = metrics.evaluate("experts.pool_size", metrics.MetricContext(year=2022))
        self.assertEqual(earlier.text(), "3人")  # the suspension came later; the term still ran
        self.assertEqual(
            metrics.evaluate("experts.pool_size", metrics.MetricContext(year=2023)).text(), "2人"
        )
