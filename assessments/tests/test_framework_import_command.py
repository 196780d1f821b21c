"""`fazhi framework import FILE --dry-run --json`: the contract of issue #9, field by field."""

from __future__ import annotations

import io
import json
import tempfile
from decimal import Decimal as D
from pathlib import Path

from assessments.models import (
    Framework,
    FrameworkStatus,
    Indicator,
    IndicatorGroup,
    Rule,
    RuleKind,
    RuleScope,
    Section,
)
from assessments.tests.framework_tables import three_levels, two_levels_docx, xlsx
from audit.models import AuditEntry
from documents.tests import hostile
from fazhi import cli
from fazhi.testing import BaseTestCase


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(["framework", "import", *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


class FrameworkImportCommandTestCase(BaseTestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def file(self, name: str, content: bytes) -> str:
        path = self.dir / name
        path.write_bytes(content)
        return str(path)

    def test_it_prints_the_three_level_table_as_json_field_by_field(self):
        code, out, _ = run(self.file("细则.xlsx", three_levels()), "--dry-run", "--json")
        self.assertEqual(code, 0)
        data = json.loads(out)
        self.assertEqual(list(data), ["title", "total", "sections", "findings"])
        self.assertEqual((data["title"], data["total"]), ("2025年度法治建设考评细则", 100))
        self.assertEqual([(s["name"], s["points"]) for s in data["sections"]], [
            ("法治政府建设", 60), ("法治社会建设", 40), ("负面清单", None), ("附加项（加、扣分）", None),
        ])  # fmt: skip
        group = data["sections"][0]["groups"][0]
        self.assertEqual(list(group), ["name", "points", "indicators"])
        self.assertEqual((group["name"], group["points"]), ("依法决策", 20))
        indicator = group["indicators"][0]
        self.assertEqual(list(indicator), ["code", "name", "points", "rules"])
        self.assertEqual(
            (indicator["code"], indicator["name"], indicator["points"]), ("1.1.1", "重大决策合法性审查", 10)
        )
        self.assertEqual(indicator["rules"], [
            {"text": "每发现一处未经审查的扣0.5分，累计扣分不超过1.2分", "kind": "deduct", "points_each": 0.5, "cap": 1.2},
        ])  # fmt: skip
        self.assertEqual(group["indicators"][1]["rules"], [
            {"text": "全部合格的，记10分", "kind": "full", "points_each": 10, "cap": None},
        ])  # fmt: skip
        grades = data["sections"][0]["groups"][1]["indicators"][0]["rules"]
        self.assertEqual(
            [(r["kind"], r["points_each"]) for r in grades], [("grade", 20), ("grade", 15), ("grade", 10)]
        )
        negative = data["sections"][2]["groups"]
        self.assertEqual([(g["name"], g["points"]) for g in negative], [(None, None)])
        self.assertEqual(negative[0]["indicators"][0]["rules"][0]["kind"], "veto")
        bonus = data["sections"][3]["groups"][0]["indicators"][0]["rules"]
        self.assertEqual(
            bonus,
            [{"text": "获得省级以上表彰的每项加1分，最多加3分", "kind": "bonus", "points_each": 1, "cap": 3}],
        )
        self.assertEqual(data["findings"], [{
            "code": "never_zero",
            "where": "Sheet1!D4",
            "message": "指标「重大决策合法性审查」分值 10 分，但各扣分项合计最多只能扣 1.2 分，永远扣不到 0 分。",
        }])  # fmt: skip

    def test_it_prints_a_two_level_word_table_with_unnamed_groups(self):
        code, out, _ = run(self.file("细则.docx", two_levels_docx()), "--dry-run", "--json")
        self.assertEqual(code, 0)
        data = json.loads(out)
        self.assertEqual(data["total"], 25)
        self.assertEqual([[g["name"] for g in s["groups"]] for s in data["sections"]], [[None], [None]])
        self.assertEqual(data["sections"][0]["groups"][0]["indicators"][1]["rules"], [
            {"text": "发生一起违法决策即一票否决", "kind": "veto", "points_each": None, "cap": None},
        ])  # fmt: skip
        self.assertEqual({f["code"] for f in data["findings"]}, {"never_zero"})

    def test_it_saves_nothing_on_a_dry_run(self):
        run(self.file("细则.xlsx", three_levels()), "--dry-run", "--json")
        run(self.file("细则.xlsx", three_levels()), "--dry-run")
        self.assertFalse(Framework.objects.exists())

    def test_it_exits_2_with_an_error_string_for_a_table_it_cannot_understand(self):
        cases = {
            "名单.xlsx": xlsx([["名单"], ["张三", "李四"]]),
            "空表.xlsx": xlsx([["一级指标", "三级指标", "评分标准", "分值"], ["合计", None, None, 100]]),
            "坏分值.xlsx": xlsx(
                [["一级指标", "三级指标", "评分标准", "分值"], ["党建", "专题研究", "每次扣1分", "约五分"]]
            ),
            "文本.txt": "不是表格".encode(),
            "过大.xlsx": hostile.far_cells_xlsx(),
            "炸弹.xlsx": hostile.bomb_xlsx(text=True),
        }
        for name, content in cases.items():
            with self.subTest(name):
                code, out, err = run(self.file(name, content), "--dry-run", "--json")
                self.assertEqual(code, 2)
                error = json.loads(out)["error"]
                self.assertIsInstance(error, str)
                self.assertIn(error, err)
        code, out, _ = run(self.file("坏分值.xlsx", cases["坏分值.xlsx"]), "--dry-run", "--json")
        self.assertIn("Sheet1!D2", json.loads(out)["error"])
        self.assertFalse(Framework.objects.exists())

    def test_it_exits_2_for_a_missing_file(self):
        code, out, err = run(str(self.dir / "nope.xlsx"), "--dry-run", "--json")
        self.assertEqual(code, 2)
        self.assertIn("找不到文件", json.loads(out)["error"])
        self.assertNotIn("Traceback", err)

    def test_it_needs_a_year_to_save(self):
        code, out, _ = run(self.file("细则.xlsx", three_levels()), "--json")
        self.assertEqual(code, 2)
        self.assertIn("--year", json.loads(out)["error"])
        code, _, _ = run(self.file("细则.xlsx", three_levels()), "--year", "20x5")
        self.assertEqual(code, 2)
        self.assertFalse(Framework.objects.exists())

    def test_it_prints_a_readable_summary(self):
        code, out, _ = run(self.file("细则.xlsx", three_levels()), "--dry-run")
        self.assertEqual(code, 0)
        self.assertIn("板块「法治政府建设」 60 分", out)
        self.assertIn("二级指标「依法决策」 20 分", out)
        self.assertIn("[扣分，每次 0.5 分，上限 1.2 分]", out)
        self.assertIn("共 4 个板块、9 个指标", out)
        self.assertIn("Sheet1!D4", out)

    def test_it_saves_a_draft_with_groups_overflow_and_rule_scopes(self):
        code, out, _ = run(
            self.file("细则.xlsx", three_levels()), "--year", "2025", "--name", "2025年度考评", "--json"
        )
        self.assertEqual(code, 0)
        saved = json.loads(out)["saved"]
        framework = Framework.objects.get(pk=saved["id"])
        self.assertEqual(
            (framework.year, framework.name, framework.status), (2025, "2025年度考评", FrameworkStatus.DRAFT)
        )
        self.assertEqual(framework.total_score, 100)
        sections = list(Section.objects.filter(framework=framework).order_by("order"))
        self.assertEqual([(s.name, s.points, s.kind) for s in sections], [
            ("法治政府建设", 60, "standard"), ("法治社会建设", 40, "standard"), ("负面清单", None, "standard"),
            ("附加项（加、扣分）", None, "bonus"),
        ])  # fmt: skip
        groups = IndicatorGroup.objects.filter(section__framework=framework).order_by(
            "section__order", "order"
        )
        self.assertEqual(
            [(g.name, g.points) for g in groups], [("依法决策", 20), ("规范执法", 40), ("普法", 40)]
        )
        self.assertEqual(Indicator.objects.filter(section__framework=framework).count(), 9)
        self.assertEqual(Indicator.objects.filter(section__framework=framework, group=None).count(), 2)
        self.assertTrue(Indicator.objects.get(section__framework=framework, name="重大案件").overflow)
        first = Indicator.objects.get(section__framework=framework, code="1.1.1")
        self.assertEqual((first.max_score, first.group.name), (10, "依法决策"))
        rule = Rule.objects.get(indicator=first)
        self.assertEqual((rule.kind, rule.points, rule.max_points), (RuleKind.DEDUCT, D("0.5"), D("1.2")))
        group_rules = Rule.objects.filter(indicator__section__framework=framework, scope=RuleScope.GROUP)
        self.assertEqual({r.indicator.code for r in group_rules}, {"2.1.1"})
        self.assertEqual(
            Rule.objects.get(indicator__section__framework=framework, text__contains="表彰").kind,
            RuleKind.ADD,
        )
        discretionary = Rule.objects.get(indicator__section__framework=framework, text="视情况扣1-3分")
        self.assertEqual((discretionary.min_points, discretionary.max_points), (1, 3))
        veto = Rule.objects.get(indicator__section__framework=framework, kind=RuleKind.VETO)
        self.assertEqual(veto.veto_result, "不合格")
        entry = AuditEntry.objects.get(action="assessments.framework.imported")
        self.assertEqual(entry.data["indicators"], 9)

    def test_it_saves_codes_unique_when_the_table_restarts_its_numbering(self):
        content = xlsx([
            ["一级指标", "三级指标", "评分标准", "分值"],
            ["一、党建", "1.专题研究", "每次扣1分", 5],
            ["二、政府", "1.依法决策", "每次扣1分", 5],
        ])  # fmt: skip
        code, out, _ = run(self.file("x.xlsx", content), "--year", "2025", "--json")
        self.assertEqual(code, 0)
        codes = list(Indicator.objects.order_by("section__order").values_list("code", flat=True))
        self.assertEqual(codes, ["1", "2.1"])
