"""Tables as offices publish them → the parsed tree, every number with its source
cell, and the findings; tables that cannot be understood → TableError naming the cell."""

from __future__ import annotations

import io
from decimal import Decimal as D

import docx
from django.test import SimpleTestCase

from assessments.framework_import import TableError, parse_file
from assessments.framework_import.findings import new_findings, recheck
from assessments.tests.framework_tables import docx_table, three_levels, two_levels_docx, xlsx

HEADER = ["一级指标", "二级指标", "三级指标", "评分标准", "分值"]


def codes(table) -> list[str]:
    return [f.code for f in table.findings]


class ThreeLevelXlsxTestCase(SimpleTestCase):
    def setUp(self):
        self.table = parse_file(three_levels(), "细则.xlsx")

    def test_it_reads_the_title_above_the_header_and_the_total_row(self):
        self.assertEqual(self.table.title, "2025年度法治建设考评细则")
        self.assertEqual((self.table.total, self.table.total_source), (D(100), "Sheet1!E13"))

    def test_it_reads_sections_from_merged_cells_with_points_in_the_name(self):
        sections = self.table.sections
        self.assertEqual(
            [s.name for s in sections], ["法治政府建设", "法治社会建设", "负面清单", "附加项（加、扣分）"]
        )
        self.assertEqual([s.points for s in sections], [D(60), D(40), None, None])
        self.assertEqual(sections[0].points_source, "Sheet1!A4")
        self.assertEqual([s.kind for s in sections], ["standard", "standard", "standard", "bonus"])
        self.assertTrue(sections[2].negative_list)
        self.assertTrue(sections[2].indicators[0].overflow)

    def test_it_reads_the_group_level_and_its_subtotals(self):
        groups = self.table.sections[0].groups
        self.assertEqual([(g.name, g.points, g.points_source) for g in groups], [
            ("依法决策", D(20), "Sheet1!B4"),
            ("规范执法", D(40), "Sheet1!B6"),
        ])  # fmt: skip
        self.assertEqual([g.name for g in self.table.sections[2].groups], [None])

    def test_it_reads_codes_names_points_and_their_cells(self):
        first, second = self.table.sections[0].groups[0].indicators
        self.assertEqual(
            (first.code, first.name, first.points, first.points_source),
            ("1.1.1", "重大决策合法性审查", D(10), "Sheet1!E4"),
        )
        self.assertEqual(first.units, "市司法局")
        self.assertEqual(second.units, "市司法局")  # the merged 责任单位 cell carried down
        # points only in the rule text
        self.assertEqual((second.points, second.points_source), (D(10), "Sheet1!D5"))

    def test_it_lists_a_merged_group_rule_once_on_the_groups_first_indicator(self):
        first, second, third = self.table.sections[1].groups[0].indicators
        self.assertEqual([(r.kind, r.scope) for r in first.rules], [
            ("discretionary", "indicator"), ("full", "group"), ("discretionary", "group"),
        ])  # fmt: skip
        self.assertEqual((second.rules, third.rules), ([], []))
        # "得满分" stated for the group gives the group's points
        self.assertEqual(first.rules[1].points_each, D(40))

    def test_it_gives_full_points_of_the_indicator_to_an_indicator_rule(self):
        table = parse_file(
            xlsx([HEADER, ["党建", None, "专题研究", "达到要求的得满分；发生一起即该项不得分", 4]])
        )
        self.assertEqual(
            [(r.kind, r.points_each, r.cap) for r in table.indicators[0].rules],
            [("full", D(4), None), ("deduct", D(4), D(4))],
        )

    def test_it_finds_only_what_is_wrong(self):
        self.assertEqual(codes(self.table), ["never_zero"])
        self.assertEqual(self.table.findings[0].where, "Sheet1!D4")


class TwoLevelWordTestCase(SimpleTestCase):
    def setUp(self):
        self.table = parse_file(two_levels_docx(), "细则.docx")

    def test_it_reads_the_title_from_the_paragraph_above_the_table(self):
        self.assertEqual(self.table.title, "某县法治政府建设考核细则（总分25分）")
        self.assertEqual(self.table.total, D(25))
        self.assertEqual(self.table.total_source, "表1 第8行第4列")

    def test_it_reads_sections_from_rows_spanning_the_table_with_one_unnamed_group(self):
        self.assertEqual(
            [(s.name, s.points) for s in self.table.sections], [("依法决策", D(15)), ("执法监督", D(10))]
        )
        self.assertEqual([[g.name for g in s.groups] for s in self.table.sections], [[None], [None]])
        self.assertEqual(self.table.sections[0].points_source, "表1 第2行第1列")

    def test_it_reads_indicators_with_codes_from_the_sequence_column(self):
        indicators = self.table.indicators
        self.assertEqual([(i.code, i.name, i.points) for i in indicators], [
            ("1", "重大决策", D(10)), ("2", "法律顾问", D(5)), ("3", "执法公示", D(4)), ("4", "复议纠错", D(6)),
        ])  # fmt: skip
        self.assertEqual(indicators[0].points_source, "表1 第3行第4列")
        self.assertEqual(
            [(r.kind, r.points_each, r.cap) for r in indicators[0].rules], [("deduct", D(2), D(6))]
        )

    def test_it_finds_deductions_that_never_reach_zero(self):
        self.assertEqual(codes(self.table), ["never_zero", "never_zero", "never_zero"])
        self.assertIn("最多只能扣 2 分", self.table.findings[1].message)

    def test_it_reads_vertically_merged_word_cells(self):
        content = docx_table(
            [
                ["一级指标", "指标", "评分标准", "分值"],
                ["依法行政", "规范性文件", "每件扣1分", "2"],
                ["", "备案审查", "每件扣1分", "3"],
            ],
            [(1, 0, 2, 0)],
        )
        table = parse_file(content)
        self.assertEqual([s.name for s in table.sections], ["依法行政"])
        self.assertEqual(len(table.indicators), 2)


class FindingsTestCase(SimpleTestCase):
    def parse(self, rows, merges=()):
        return parse_file(xlsx([HEADER, *rows], merges))

    def test_it_finds_a_section_subtotal_that_differs_from_its_items(self):
        table = self.parse(
            [["党的领导（20分）", None, "专题研究", "每次扣1分", 8], [None, None, "述法", "每次扣1分", 10]],
            ["A2:A3"],
        )
        self.assertEqual(codes(table), ["subtotal_mismatch"])
        self.assertEqual(table.findings[0].where, "Sheet1!A2")
        self.assertIn("18", table.findings[0].message)

    def test_it_finds_a_group_subtotal_that_differs_from_its_items(self):
        table = self.parse(
            [
                ["党的领导", "组织领导（5分）", "专题研究", "每次扣1分", 3],
                [None, None, "述法", "每次扣1分", 3],
            ],
            ["A2:A3", "B2:B3"],
        )
        self.assertEqual(codes(table), ["subtotal_mismatch"])
        self.assertEqual(table.findings[0].where, "Sheet1!B2")

    def test_it_finds_a_total_that_differs_from_the_sections(self):
        table = self.parse([["党的领导", None, "专题研究", "每次扣1分", 8], ["合计", None, None, None, 10]])
        self.assertEqual(codes(table), ["total_mismatch"])
        self.assertEqual(table.findings[0].where, "Sheet1!E3")

    def test_it_finds_an_indicator_without_points(self):
        table = self.parse([["党的领导", None, "专题研究", "每次扣1分", None]])
        self.assertEqual(codes(table), ["indicator_without_points"])
        self.assertEqual(table.findings[0].where, "Sheet1!C2")

    def test_it_finds_a_rule_without_points(self):
        table = self.parse([["党的领导", None, "专题研究", "工作不力的，予以扣分", 5]])
        self.assertEqual(codes(table), ["rule_without_points"])

    def test_it_finds_rule_text_it_does_not_understand(self):
        table = self.parse([["党的领导", None, "专题研究", "按得分情况另行研究", 5]])
        self.assertEqual(codes(table), ["unparsed_rule"])
        self.assertEqual(table.findings[0].where, "Sheet1!D2")
        self.assertEqual(table.indicators[0].rules, [])

    def test_it_finds_duplicate_codes(self):
        table = self.parse(
            [["党的领导", None, "1.1 专题研究", "每次扣1分", 5], [None, None, "1.1 述法", "每次扣1分", 5]]
        )
        self.assertEqual(codes(table), ["duplicate_code"])
        self.assertEqual(table.findings[0].where, "Sheet1!C2")

    def test_it_finds_a_section_without_indicators(self):
        content = docx_table(
            [
                ["考核内容", "评分标准", "分值"],
                ["一、依法决策", "", ""],
                ["二、执法", "", ""],
                ["重大决策", "每次扣1分", "5"],
            ],
            [(1, 0, 1, 2), (2, 0, 2, 2)],
        )
        table = parse_file(content)
        self.assertEqual(codes(table), ["section_without_indicators"])
        self.assertEqual(table.findings[0].where, "表1 第2行第1列")

    def test_it_finds_deductions_that_add_up_to_less_than_the_points(self):
        table = self.parse(
            [["党的领导", None, "制度", "未建立的扣1分；未培训的扣0.5分，未报送的扣1分", D(3)]]
        )
        self.assertEqual(codes(table), ["never_zero"])
        self.assertIn("2.5", table.findings[0].message)

    def test_it_finds_a_rule_with_no_indicator_above_it(self):
        table = self.parse(
            [["党的领导", None, None, "每次扣1分", None], [None, None, "专题研究", "每次扣1分", 5]]
        )
        self.assertEqual(
            [(f.code, f.where) for f in table.findings], [("rule_without_indicator", "Sheet1!D2")]
        )
        self.assertEqual(len(table.indicators), 1)

    def test_it_finds_nothing_in_a_clean_table(self):
        table = self.parse(
            [["党的领导（5分）", None, "专题研究", "每次扣1分", 5], ["合计", None, None, None, 5]]
        )
        self.assertEqual(table.findings, [])


class RecheckTestCase(SimpleTestCase):
    """The findings of a corrected tree: the tree's checks again, the cells' findings kept."""

    def test_it_drops_a_finding_the_correction_fixed_and_keeps_what_only_the_cells_told(self):
        table = parse_file(
            xlsx(
                [
                    HEADER,
                    ["党的领导（20分）", None, "专题研究", "每次扣1分", 8],
                    [None, None, "述法", "按得分情况另行研究", 10],
                ],
                ["A2:A3"],
            )
        )
        self.assertEqual(codes(table), ["subtotal_mismatch", "unparsed_rule"])
        shown = table.findings
        table.sections[0].indicators[1].points = D(12)
        table.findings = recheck(table, shown)
        self.assertEqual(codes(table), ["unparsed_rule"])
        self.assertEqual(new_findings(table.findings, shown), [])

    def test_it_finds_what_a_correction_broke_and_names_it_as_new(self):
        table = parse_file(xlsx([HEADER, ["党的领导", None, "专题研究", "每次扣1分", 8]]))
        shown = table.findings
        self.assertEqual(shown, [])
        table.sections[0].indicators[0].points = None
        table.findings = recheck(table, shown)
        self.assertEqual(codes(table), ["indicator_without_points"])
        self.assertEqual(new_findings(table.findings, shown), table.findings)
        # a survey section's items need no points of their own
        table.sections[0].kind = "survey"
        self.assertEqual(recheck(table, shown), [])


class TableErrorsTestCase(SimpleTestCase):
    def assertRefused(self, content: bytes, *words: str):
        with self.assertRaises(TableError) as caught:
            parse_file(content, "x")
        for word in words:
            self.assertIn(word, caught.exception.message)

    def test_it_refuses_a_sheet_without_a_header(self):
        self.assertRefused(xlsx([["名单"], ["张三", "李四"]]), "未找到表头")

    def test_it_refuses_a_header_without_indicators(self):
        self.assertRefused(xlsx([["标题"], HEADER, ["合计", None, None, None, 100]]), "第2行", "第3列")

    def test_it_refuses_points_that_are_not_numbers_naming_the_cell(self):
        self.assertRefused(
            xlsx([HEADER, ["党的领导", None, "专题研究", "每次扣1分", "约五分"]]), "Sheet1!E2", "第2行", "E列"
        )

    def test_it_refuses_a_file_that_is_not_a_table(self):
        self.assertRefused(b"just text", "不是 Excel")
        self.assertRefused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "另存为")
        self.assertRefused(b"", "空")

    def test_it_refuses_a_word_file_without_tables(self):
        import io

        import docx

        document = docx.Document()
        document.add_paragraph("只有文字")
        out = io.BytesIO()
        document.save(out)
        self.assertRefused(out.getvalue(), "没有表格")

    def test_it_refuses_a_sheet_used_far_beyond_its_bounds(self):
        self.assertRefused(
            xlsx([HEADER, ["党的领导", None, "专题研究", "每次扣1分", 5], *([[None]] * 3100), ["x"]]), "超出"
        )


class NumberingTestCase(SimpleTestCase):
    def test_it_reads_item_numbers_in_their_usual_forms(self):
        from assessments.framework_import.structure import item_code, split_name, strip_section_number

        cases = {
            "1.1.1 专题研究": ("专题研究", "1.1.1"),
            "1.1.1专题研究": ("专题研究", "1.1.1"),
            "1. 制度建设": ("制度建设", "1"),
            "2、制度建设": ("制度建设", "2"),
            "(3)复议": ("复议", "3"),
            "（4）复议": ("复议", "4"),
            "⑤ 复议": ("复议", "5"),
            "12345热线办理": ("12345热线办理", None),
        }
        for text, expected in cases.items():
            with self.subTest(text):
                self.assertEqual(item_code(text), expected)
        self.assertEqual(strip_section_number("一、党的领导"), "党的领导")
        self.assertEqual(strip_section_number("（二）依法决策"), "依法决策")
        self.assertEqual(split_name("党的领导\n（20分）"), ("党的领导", D(20)))
        self.assertEqual(split_name("依法决策(12.5分)"), ("依法决策", D("12.5")))


class LayoutsTestCase(SimpleTestCase):
    def test_it_reads_a_merged_indicator_column_over_content_rows_as_a_level_above_them(self):
        content = xlsx(
            [
                ["序号", "考核指标", "考核内容", "分值", "考核标准"],
                [1, "依法决策", "重大决策合法性审查", 2, "每次扣1分"],
                [None, None, "法律顾问参与决策", 3, "每次扣1分"],
                [2, "执法监督", "执法公示", 5, "每次扣1分"],
            ],
            ["A2:A3", "B2:B3"],
        )
        table = parse_file(content)
        self.assertEqual([s.name for s in table.sections], ["依法决策", "执法监督"])
        self.assertEqual(
            [(i.name, i.points, i.points_source) for i in table.indicators],
            [
                ("重大决策合法性审查", D(2), "Sheet1!D2"),
                ("法律顾问参与决策", D(3), "Sheet1!D3"),
                ("执法公示", D(5), "Sheet1!D4"),
            ],
        )

    def test_it_gives_a_points_column_beside_a_merged_section_to_the_items_when_each_row_has_its_own(self):
        content = xlsx(
            [
                ["考核项目", "分值", "考核内容", "评分标准"],
                ["依法决策（5分）", 2, "重大决策合法性审查", "每次扣1分"],
                [None, 3, "法律顾问参与决策", "每次扣1分"],
            ],
            ["A2:A3"],
        )
        table = parse_file(content)
        self.assertEqual([(s.name, s.points) for s in table.sections], [("依法决策", D(5))])
        self.assertEqual([i.points for i in table.indicators], [D(2), D(3)])
        self.assertEqual(table.findings, [])

    def test_it_skips_subtotal_and_note_rows(self):
        content = xlsx(
            [
                ["一级指标", "三级指标", "评分标准", "分值"],
                ["依法决策（5分）", "重大决策合法性审查", "每次扣1分", 5],
                [None, "小计", None, 5],
                ["说明：本表由市委依法治市办负责解释。"],
            ],
            ["A2:A3"],
        )
        table = parse_file(content)
        self.assertEqual([i.name for i in table.indicators], ["重大决策合法性审查"])
        self.assertEqual(table.findings, [])

    def test_it_reads_a_header_on_two_rows(self):
        content = xlsx(
            [
                ["考评指标", None, None, "分值", "评分标准"],
                ["一级指标", "二级指标", "三级指标", None, None],
                ["依法行政", "依法决策", "重大决策合法性审查", 5, "每次扣1分"],
            ],
            ["A1:C1", "D1:D2", "E1:E2"],
        )
        table = parse_file(content)
        self.assertEqual([i.name for i in table.indicators], ["重大决策合法性审查"])
        self.assertEqual(
            [(g.name, s.name) for s in table.sections for g in s.groups], [("依法决策", "依法行政")]
        )
        self.assertEqual(table.indicators[0].points, D(5))

    def test_it_puts_indicators_without_a_section_under_the_title_and_says_so(self):
        content = xlsx(
            [
                ["某县法治建设考核细则"],
                ["序号", "考核项目", "考核内容及评分标准", "分值"],
                [1, "依法决策", "建立重大决策制度。未建立的扣2分；每发现一次未审查扣1分", 5],
            ]
        )
        table = parse_file(content)
        self.assertEqual([s.name for s in table.sections], ["某县法治建设考核细则"])
        self.assertEqual(
            [(r.kind, r.points_each) for r in table.indicators[0].rules], [("deduct", D(2)), ("deduct", D(1))]
        )
        self.assertEqual(table.indicators[0].description, "建立重大决策制度")
        self.assertEqual([(f.code, f.where) for f in table.findings], [("no_section", "Sheet1!B3")])

    def test_it_imports_the_first_table_and_says_there_are_others(self):
        rows = [["考核内容", "评分标准", "分值"], ["一、依法决策", "", ""], ["重大决策", "每次扣1分", "5"]]
        document = docx.Document()
        for title in ("一、市直单位考评细则", "二、县（市、区）考评细则"):
            document.add_paragraph(title)  # a title between them: two tables, not one split in two
            table = document.add_table(rows=len(rows), cols=3)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        out = io.BytesIO()
        document.save(out)
        parsed = parse_file(out.getvalue())
        self.assertEqual(len(parsed.indicators), 1)
        self.assertEqual([(f.code, f.where) for f in parsed.findings], [("other_tables", "表2")])


class ContinuedWordTablesTestCase(SimpleTestCase):
    """A Word table split in two by a page or section break (the header repeated or not,
    nothing but empty paragraphs between) is read as one table, and said so."""

    HEADER = ["考核内容", "评分标准", "分值"]
    FIRST = [
        ["一、依法决策（8分）", "", ""],
        ["重大决策合法性审查", "每次未审查扣1分", "5"],
        ["决策后评估", "未开展扣1分", "3"],
    ]
    SECOND = [
        ["二、严格执法（7分）", "", ""],
        ["执法公示", "未公示扣1分", "4"],
        ["执法全过程记录", "缺一项扣0.5分", "3"],
    ]

    def document(self, *tables: list[list[str]], between: str = "") -> bytes:
        document = docx.Document()
        document.add_paragraph("某县法治建设考核细则（总分15分）")
        for n, rows in enumerate(tables):
            if n:
                document.add_paragraph(between)
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    def test_it_joins_a_second_part_that_repeats_the_header(self):
        parsed = parse_file(self.document([self.HEADER, *self.FIRST], [self.HEADER, *self.SECOND]))
        self.assertEqual([s.name for s in parsed.sections], ["依法决策", "严格执法"])
        self.assertEqual(
            [(i.name, i.points) for i in parsed.indicators],
            [
                ("重大决策合法性审查", D(5)),
                ("决策后评估", D(3)),
                ("执法公示", D(4)),
                ("执法全过程记录", D(3)),
            ],
        )
        self.assertEqual(parsed.indicators[2].source, "表2 第3行第1列")  # its own cell, in its own table
        self.assertEqual(parsed.total, D(15))
        joined = [f for f in parsed.findings if f.code in ("continued_table", "other_tables")]
        self.assertEqual([(f.code, f.where) for f in joined], [("continued_table", "表2、表1")])
        self.assertIn("表头相同", joined[0].message)

    def test_it_joins_a_second_part_without_a_header(self):
        parsed = parse_file(self.document([self.HEADER, *self.FIRST], self.SECOND))
        self.assertEqual(len(parsed.indicators), 4)
        self.assertEqual(parsed.indicators[2].source, "表2 第2行第1列")
        joined = [f for f in parsed.findings if f.code in ("continued_table", "other_tables")]
        self.assertEqual([f.code for f in joined], ["continued_table"])
        self.assertIn("没有表头", joined[0].message)

    def test_it_joins_no_more_rows_than_one_table_may_have(self):
        from unittest import mock

        with mock.patch("assessments.framework_import.structure.MAX_ROWS", len(self.FIRST) + 3):
            parsed = parse_file(self.document([self.HEADER, *self.FIRST], self.SECOND))
        self.assertEqual(len(parsed.indicators), 2)
        self.assertNotIn("continued_table", [f.code for f in parsed.findings])

    def test_it_keeps_tables_apart_when_text_or_a_total_row_or_the_columns_say_so(self):
        total = [*self.FIRST, ["合计", "", "8"]]
        wider = [[*row, ""] for row in self.SECOND]
        for name, content in (
            (
                "a title between",
                self.document([self.HEADER, *self.FIRST], self.SECOND, between="二、其他单位"),
            ),
            ("the first ends with 合计", self.document([self.HEADER, *total], self.SECOND)),
            ("more columns", self.document([self.HEADER, *self.FIRST], wider)),
        ):
            with self.subTest(name):
                parsed = parse_file(content)
                self.assertEqual(len(parsed.indicators), 2)
                self.assertNotIn("continued_table", [f.code for f in parsed.findings])
