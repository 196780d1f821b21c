from __future__ import annotations

import unittest
from decimal import Decimal

from performance.engine import score_evaluation
from performance.engine.inputs import InputError, evaluation_from_json, evaluation_to_json


def seed_json(**overrides):
    data = {
        "project": "全面依法治市",
        "department": "江门市司法局",
        "year": 2023,
        "budget": {"initial": 698000, "adjusted": 698000, "executed": 349845},
        "declared_total": 97,
        "execution_reason": "",
        "indicators": [
            {
                "level1": "产出指标",
                "level2": "数量指标",
                "name": "依法治市咨询专家库专家人数",
                "target": "≥12人",
                "actual": "12人",
                "weight": 20,
                "declared_score": 20,
            },
            {
                "level1": "产出指标",
                "level2": "数量指标",
                "name": "法治江门建设考评县（市、区）数",
                "target": {"op": "=", "value": 7, "unit": "个县（市、区）"},
                "actual": 7,
                "weight": 20,
                "declared_score": 20,
            },
            {
                "level1": "产出指标",
                "level2": "质量指标",
                "name": "法治江门建设考评覆盖率",
                "target": "100%",
                "actual": "100%",
                "weight": 20,
                "declared_score": 20,
            },
            {
                "level1": "效益指标",
                "level2": "社会效益指标",
                "name": "法治广东建设考评等次",
                "target": {"op": "qualitative", "text": "保持上年度考评等次"},
                "actual": "达成年度指标",
                "weight": 15,
                "declared_score": 14,
            },
            {
                "level1": "效益指标",
                "level2": "可持续影响指标",
                "name": "依法治市水平",
                "target": "有提高",
                "actual": "达成年度指标",
                "weight": 15,
                "declared_score": 13,
                "applicable": True,
            },
        ],
    }
    data.update(overrides)
    return data


class JsonFormTestCase(unittest.TestCase):
    def test_it_reads_the_seed_in_json_form(self):
        ev = evaluation_from_json(seed_json())
        self.assertEqual(ev.budget_executed, Decimal(349845))
        self.assertEqual(ev.indicators[1].target.display(), "7个县（市、区）")
        result = score_evaluation(ev)
        self.assertEqual(
            (result.execution_rate, result.execution_score, result.max_total),
            (Decimal("50.12"), Decimal("5.01"), Decimal("95.01")),
        )

    def test_it_round_trips(self):
        ev = evaluation_from_json(seed_json())
        again = evaluation_from_json(evaluation_to_json(ev))
        self.assertEqual(score_evaluation(again).as_dict(), score_evaluation(ev).as_dict())

    def test_it_reports_every_problem_with_its_field(self):
        data = seed_json(budget={"initial": -1, "adjusted": 698000})
        data["indicators"][0]["weight"] = "二十"
        data["indicators"][2]["target"] = {"op": "约等于", "value": 1}
        data["indicators"][3]["declared_score"] = "高"
        with self.assertRaises(InputError) as ctx:
            evaluation_from_json(data)
        fields = {p.field: p for p in ctx.exception.problems}
        self.assertEqual(
            set(fields),
            {
                "budget.initial",
                "budget.executed",
                "indicators[0].weight",
                "indicators[2].target",
                "indicators[3].declared_score",
            },
        )
        self.assertIn("不能为负数", fields["budget.initial"].message)
        self.assertIn("全年执行数未填写", fields["budget.executed"].message)
        self.assertIn("应为数字", fields["indicators[0].weight"].message)
        self.assertEqual(fields["indicators[0].weight"].row, 1)
        payload = ctx.exception.as_dict()
        self.assertEqual(payload["code"], "invalid_input")
        self.assertIn("全年执行数", payload["message"])

    def test_it_refuses_what_is_not_an_object_or_has_no_indicators(self):
        with self.assertRaises(InputError):
            evaluation_from_json([1, 2])
        with self.assertRaises(InputError) as ctx:
            evaluation_from_json(seed_json(indicators=[]))
        self.assertEqual(ctx.exception.problems[0].field, "indicators")

    def test_it_needs_a_positive_adjusted_budget(self):
        with self.assertRaises(InputError) as ctx:
            evaluation_from_json(seed_json(budget={"initial": 0, "adjusted": 0, "executed": 0}))
        self.assertIn("应大于0", ctx.exception.problems[0].message)
