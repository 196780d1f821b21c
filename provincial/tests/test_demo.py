from django.test import TestCase

from audit.models import AuditEntry
from provincial import selectors
from provincial.models import ProvincialFramework, ProvincialResult, Task, TaskStatus


class DemoTestCase(TestCase):
    def test_it_loads_the_2023_framework_tasks_and_grades_once(self):
        from accounts import demo as accounts_demo
        from orgs import demo as orgs_demo
        from provincial import demo

        orgs_demo.load()
        accounts_demo.load()
        demo.load()
        framework = ProvincialFramework.objects.get(year=2023)
        self.assertIn("合成", framework.name)
        self.assertEqual(framework.total, sum(i.max_score for i in framework.indicators.all()))
        self.assertTrue(20 <= framework.indicators.count() <= 30)
        self.assertEqual(
            dict(ProvincialResult.objects.values_list("year", "grade")),
            {y: "优秀" for y in range(2018, 2023)},
        )
        statuses = set(Task.objects.values_list("status", flat=True))
        self.assertEqual(statuses, set(TaskStatus.values))
        self.assertGreaterEqual(Task.objects.values("org").distinct().count(), 10)
        overview = selectors.overview(framework, today=framework.imported_at.date())
        self.assertTrue(overview.without_tasks and overview.overdue and overview.without_evidence)
        counts = (Task.objects.count(), AuditEntry.objects.count())
        demo.load()
        self.assertEqual((Task.objects.count(), AuditEntry.objects.count()), counts)
