from __future__ import annotations

import io
import os
import unittest
from decimal import Decimal

from openpyxl import Workbook

from performance.engine import score_evaluation
from performance.engine.inputs import InputError
from performance.standard_table import read_table, write_table
from performance.tests.engine_helpers import seed_evaluation


def xlsx(rows, merges=(), sheet_title="Sheet1", extra_sheets=()):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    for merge in merges:
        ws.merge_cells(merge)
    for title in extra_sheets:
        wb.create_sheet(title).append(["说明"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def clean_rows(**override):
    """A hand-made table in the standard layout (amounts in 元, a different column order of the header block)."""
    rows = [
        ["2023年度项目支出绩效自评表"],
        [],
        ["项目名称", "全面依法治市"],
        ["主管部门", "江门市司法局", None, "实施单位", "江门市司法局"],
        ["项目资金（元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        [None, "年度资金总额", 698000, 698000, override.get("executed", 349845), 10, "50.12%", 10],
        ["年度总体目标", "预期目标", None, None, "实际完成情况"],
        [None, "推进法治江门建设", None, None, "完成年度目标"],
        [
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        [None, "产出指标", "数量指标", "依法治市咨询专家库专家人数", "≥12人", "12人", 20, 20, None],
        [
            None,
            "产出指标",
            "数量指标",
            "法治江门建设考评县（市、区）数",
            "7个县（市、区）",
            "7个",
            20,
            20,
            None,
        ],
        [None, "产出指标", "质量指标", "法治江门建设考评覆盖率", "100%", "100%", 20, 20, None],
        [
            None,
            "效益指标",
            "社会效益指标",
            "法治广东建设考评等次",
            "保持上年度考评等次",
            "达成年度指标",
            15,
            14,
            None,
        ],
        [None, "效益指标", "可持续影响指标", "依法治市水平", "有提高", "达成年度指标", 15, 13, None],
        ["总分", None, None, None, None, None, 100, 97],
    ]
    return rows


class StandardTableRoundTripTestCase(unittest.TestCase):
    def test_it_reads_back_what_it_writes(self):
        ev = seed_evaluation(goal="推进法治江门建设", goal_result="完成", execution_reason="部分采购延至次年")
        data = write_table(ev, score_evaluation(ev))
        again, meta = read_table(data)
        self.assertEqual(meta.amount_unit, "万元")
        self.assertEqual(
            (again.budget_initial, again.budget_adjusted, again.budget_executed),
            (Decimal(698000), Decimal(698000), Decimal(349845)),
        )
        self.assertEqual(
            (again.project, again.department, again.year), ("全面依法治市", "江门市司法局", 2023)
        )
        self.assertEqual(
            (again.goal, again.goal_result, again.execution_reason),
            ("推进法治江门建设", "完成", "部分采购延至次年"),
        )
        self.assertEqual(score_evaluation(again).as_dict(), score_evaluation(ev).as_dict())
        self.assertEqual([i.row for i in again.indicators], [13, 14, 15, 16, 17])

    def test_it_writes_and_reads_not_applicable_indicators(self):
        ev = seed_evaluation()
        ev.indicators[2].applicable = False
        again, _ = read_table(write_table(ev))
        self.assertFalse(again.indicators[2].applicable)
        self.assertTrue(again.indicators[1].applicable)


class StandardTableImportTestCase(unittest.TestCase):
    def test_it_reads_a_clean_table_in_yuan(self):
        ev, meta = read_table(xlsx(clean_rows()))
        self.assertEqual(meta.amount_unit, "元")
        self.assertEqual(ev.budget_executed, Decimal(349845))
        self.assertEqual(ev.declared_total, Decimal(97))
        self.assertEqual(ev.goal, "推进法治江门建设")
        result = score_evaluation(ev)
        self.assertEqual(
            (result.execution_rate, result.execution_score, result.max_total),
            (Decimal("50.12"), Decimal("5.01"), Decimal("95.01")),
        )
        self.assertIn("TOTAL_ABOVE_MAX", [f.code for f in result.findings])

    def test_it_reads_a_messy_table(self):
        rows = [
            [None, None],
            [None, "项目支出绩效自评表（２０２３年度）"],
            [None, "项目名称", "全面依法治市"],
            [None, "主管部门", "江门市司法局"],
            [
                None,
                "项目资金（万元）",
                None,
                "年初预算数",
                "全年预算数",
                "全年执行数",
                "分值",
                "执行率",
                "得分",
            ],
            [None, None, "年度资金总额", "69.8万元", "６９.８", 34.9845, 10, 0.5012, "１０分"],
            [None, None, "其中：当年财政拨款", 69.8, 69.8, 34.9845, "—", "—", "—"],
            [],
            [
                None,
                "绩效指标",
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            ],
            [
                None,
                None,
                "产出指标",
                "数量指标",
                "依法治市咨询专家库专家人数",
                "≥１２人",
                "１２人",
                "２０分",
                20,
            ],
            [],
            [None, None, None, None, "法治江门建设考评县（市、区）数", "7个县（市、区）", 7, 20, "20"],
            [None, None, None, "质量指标", " 法治江门建设考评覆盖率 ", "１００％", "100%", 20, 20],
            [
                None,
                "绩效指标",
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
            ],
            [
                None,
                None,
                "效益指标",
                "社会效益指标",
                "法治广东建设考评等次",
                "保持上年度考评等次",
                "达成年度指标（获评优秀等次）",
                15,
                14,
            ],
            [None, None, None, "可持续影响指标", "依法治市水平", "有提高", "达成年度指标", 15, 13, "无"],
            [None, None, None, None, None],
            [None, "总分", None, None, None, None, None, 100, 97],
        ]
        merges = ["C10:C13", "D10:D12", "C15:C16", "B9:B16", "B18:G18"]
        ev, _ = read_table(xlsx(rows, merges, extra_sheets=["填表说明"]))
        self.assertEqual(ev.year, 2023)
        self.assertEqual(ev.budget_adjusted, Decimal(698000))
        self.assertEqual(ev.budget_executed, Decimal(349845))
        self.assertEqual(ev.declared_execution_score, Decimal(10))
        self.assertEqual(
            [i.name for i in ev.indicators],
            [
                "依法治市咨询专家库专家人数",
                "法治江门建设考评县（市、区）数",
                "法治江门建设考评覆盖率",
                "法治广东建设考评等次",
                "依法治市水平",
            ],
        )
        self.assertEqual([i.level1 for i in ev.indicators], ["产出指标"] * 3 + ["效益指标"] * 2)
        self.assertEqual([i.level2 for i in ev.indicators][:3], ["数量指标", "数量指标", "质量指标"])
        self.assertEqual(ev.indicators[0].target.number, Decimal(12))
        self.assertEqual(ev.indicators[0].weight, Decimal(20))
        self.assertEqual(ev.indicators[1].actual, Decimal(7))
        self.assertEqual(ev.indicators[4].deviation_reason, "无")
        self.assertEqual(ev.indicators[0].row, 10)
        result = score_evaluation(ev)
        self.assertEqual(
            (result.execution_score, result.total, result.max_total),
            (Decimal("5.01"), Decimal("92.01"), Decimal("95.01")),
        )

    def test_it_finds_the_indicator_sheet_among_several(self):
        wb = Workbook()
        wb.active.title = "封面"
        wb.active.append(["说明文字"])
        ws = wb.create_sheet("自评表")
        for row in clean_rows():
            ws.append(row)
        buffer = io.BytesIO()
        wb.save(buffer)
        ev, _ = read_table(buffer.getvalue())
        self.assertEqual(len(ev.indicators), 5)


class StandardTableRejectTestCase(unittest.TestCase):
    def problems(self, data):
        with self.assertRaises(InputError) as ctx:
            read_table(data)
        return ctx.exception

    def test_it_names_the_cell_of_a_missing_execution(self):
        error = self.problems(xlsx(clean_rows(executed=None)))
        self.assertEqual([(p.row, p.column) for p in error.problems], [(6, "E")])
        self.assertIn("全年执行数未填写", error.message)
        self.assertIn("第6行E列", error.message)

    def test_it_reports_every_bad_row_at_once(self):
        rows = clean_rows()
        rows[5][3] = -698000  # 全年预算数 negative
        rows[9][6] = "二十"  # weight as text
        rows[11][4] = None  # 年度指标值 missing
        rows[12][3] = ""  # 三级指标 missing
        rows[13][7] = "十三分"
        error = self.problems(xlsx(rows))
        where = sorted((p.row, p.column) for p in error.problems)
        self.assertEqual(where, [(6, "D"), (10, "G"), (12, "E"), (13, "D"), (14, "H")])
        messages = " ".join(p.message for p in error.problems)
        for part in ("应大于0", "分值应为数字，实际为“二十”", "年度指标值未填写", "三级指标未填写"):
            self.assertIn(part, messages)

    def test_it_refuses_a_table_without_the_indicator_header(self):
        error = self.problems(xlsx([["名称", "数值"], ["甲", 1]]))
        self.assertIn("没有找到指标表头", error.message)

    def test_it_refuses_a_corrupt_xlsx(self):
        good = xlsx(clean_rows())
        error = self.problems(good[: len(good) // 2])
        self.assertIn("无法读取", error.message)

    def test_it_refuses_ten_megabytes_of_junk(self):
        self.assertIn("不是 Excel", self.problems(os.urandom(10 * 1024 * 1024)).message)
        self.assertIn("无法读取", self.problems(b"PK\x03\x04" + os.urandom(10 * 1024 * 1024)).message)

    def test_it_refuses_an_empty_or_oversized_file(self):
        self.assertIn("空的", self.problems(b"").message)
        self.assertIn("过大", self.problems(b"PK\x03\x04" + b"\0" * (21 * 1024 * 1024)).message)
