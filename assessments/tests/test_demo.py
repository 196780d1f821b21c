"""The demo of 法治建设考评: the published years keep their totals through the
engine's changes (#9), and 2023 is written with a 二级指标, a 负面清单
indicator and a 酌情扣分 rule."""

from __future__ import annotations

from decimal import Decimal as D

from django.test import TestCase

from assessments.models import Indicator, IndicatorGroup, Publication, Rule
from assessments.selectors import frameworks as framework_selectors
from assessments.services import frameworks as fw

# The published rankings as main published them before the engine knew about
# groups, 负面清单 flags, classes and survey sections: (total, grade, rank).
PUBLISHED = {
    2021: {
        "440705": ("92.40", "优秀", 1),
        "440703": ("91.76", "优秀", 2),
        "440783": ("91.42", "优秀", 3),
        "440785": ("89.43", "良好", 4),
        "440704": ("88.80", "良好", 5),
        "440784": ("87.91", "良好", 6),
        "440781": ("86.58", "良好", 7),
    },
    2022: {
        "440783": ("95.47", "优秀", 1),
        "440703": ("95.25", "优秀", 2),
        "440705": ("93.96", "优秀", 3),
        "440784": ("90.41", "优秀", 4),
        "440785": ("89.85", "良好", 5),
        "440704": ("87.87", "良好", 6),
        "440781": ("83.97", "良好", 7),
    },
}


class AssessmentsDemoTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        from accounts import demo as accounts_demo
        from assessments import demo
        from orgs import demo as orgs_demo

        orgs_demo.load()
        accounts_demo.load()
        demo.load()

    def test_it_publishes_the_demo_years_with_their_totals_unchanged(self):
        for year, expected in PUBLISHED.items():
            snapshot = Publication.objects.get(campaign__year=year).snapshot
            ranking = {r["code"]: (r["total"], r["grade"], r["rank"]) for r in snapshot["ranking"]}
            self.assertEqual(ranking, expected, year)

    def test_it_writes_2023_with_a_group_a_negative_list_and_a_discretionary_rule(self):
        group = IndicatorGroup.objects.get(section__framework__year=2023)
        self.assertEqual(sorted(group.indicators.values_list("code", flat=True)), ["5.1", "5.2"])
        self.assertTrue(Indicator.objects.get(section__framework__year=2023, code="5.7").overflow)
        rule = Rule.objects.get(indicator__section__framework__year=2023, kind="discretionary")
        self.assertEqual((rule.min_points, rule.max_points), (D("0.50"), D("1.00")))
        framework = group.section.framework
        self.assertTrue(framework.is_locked)
        self.assertEqual(fw.framework_warnings(framework), [])
        self.assertEqual(
            framework_selectors.framework_structure(framework)[4]["points"], group.section.points
        )
