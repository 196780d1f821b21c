from __future__ import annotations

from decimal import Decimal

from audit.models import AuditEntry
from fazhi.testing import BaseTestCase
from performance import demo, selectors
from performance.models import BudgetProject


class DemoTestCase(BaseTestCase):
    def test_it_loads_the_seed_project_once(self):
        demo.load()
        entries = AuditEntry.objects.count()
        demo.load()
        self.assertEqual(AuditEntry.objects.count(), entries)
        project = BudgetProject.objects.get(org=self.sfj, year=2023, name="全面依法治市")
        self.assertEqual(
            (project.budget_adjusted, project.budget_executed, project.declared_total),
            (Decimal(698000), Decimal(349845), Decimal(97)),
        )
        self.assertEqual(project.indicators.count(), 5)

    def test_it_scores_as_the_rules_say(self):
        demo.load()
        result = selectors.scored_project(BudgetProject.objects.get(name="全面依法治市")).result
        self.assertEqual(
            (result.execution_rate, result.execution_score, result.max_total),
            (Decimal("50.12"), Decimal("5.01"), Decimal("95.01")),
        )
        codes = [f.code for f in result.findings]
        self.assertIn("TOTAL_ABOVE_MAX", codes)
        self.assertIn("WEIGHT_LEVEL1", codes)
