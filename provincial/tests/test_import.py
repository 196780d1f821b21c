import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from audit.models import AuditEntry
from fazhi.testing import BaseTestCase
from provincial import exports, importing, selectors, services
from provincial.models import ProvincialFramework, ProvincialIndicator
from provincial.tests.factories import HEADERS, ROWS, framework, xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CleanImportTestCase(BaseTestCase):
    def test_it_imports_one_indicator_per_row_in_order(self):
        f = framework(self.office)
        indicators = list(f.indicators.order_by("order"))
        self.assertEqual([i.code for i in indicators], ["1.1", "1.2", "2.1", "2.2"])
        self.assertEqual(indicators[1].section, "一、党的领导")
        self.assertEqual(indicators[1].max_score, Decimal("6"))
        self.assertEqual(indicators[2].criteria, "未公示的扣1分")
        self.assertEqual(indicators[3].evidence_requirements, "复议决定")
        self.assertEqual(f.total, Decimal("20"))

    def test_it_records_the_import_in_the_audit_log(self):
        f = framework(self.office)
        entry = AuditEntry.objects.get(action="provincial.framework.imported")
        self.assertEqual(entry.target_id, str(f.pk))
        self.assertEqual(entry.data["indicators"], 4)

    def test_it_imports_its_own_template(self):
        f = services.framework_import(
            actor=self.office, year=2024, name="模板", content=exports.template_workbook()
        )
        self.assertEqual(f.indicators.count(), len(exports.EXAMPLE_ROWS))

    def test_it_imports_its_own_export_again(self):
        f = framework(self.office)
        content = exports.framework_workbook(selectors.overview(f, today=f.imported_at.date()))
        again = services.framework_import(actor=self.office, year=2024, name="再导入", content=content)
        fields = ("code", "section", "name", "max_score", "criteria", "evidence_requirements")
        self.assertEqual(list(again.indicators.values_list(*fields)), list(f.indicators.values_list(*fields)))
        self.assertEqual(again.total, f.total)


class MessyImportTestCase(BaseTestCase):
    def messy(self) -> bytes:
        rows = [
            ["", "", "", "", "", ""],
            [1, "一、党的领导", "学习贯彻习近平法治思想", "４", "未开展专题学习的扣1分", "学习记录"],
            [2, None, "第一责任人职责", "6分", "未述法的扣2分", "述法报告"],
            [None, None, None, None, "述法报告未公开的扣1分", "公开截图"],
            ["", "", "", "", "", ""],
            [3, "二、法治政府", "行政执法三项制度", 5.0, "未公示的扣1分", ""],
            [None, "二、法治政府", None, None, "法制审核缺失的扣1分", None],
            [4, "二、法治政府", "  行政复议 ", " 5 分", "纠错未履行的扣1分", "复议决定"],
            ["合计", "", "", 20, "", ""],
        ]
        headers = ["序号", "板块", "指标名称", "分值（分）", "评分细则", "佐证材料"]
        # 板块 merged over 一、's two rows; 3's code, name and score merged over its two rows
        return xlsx(
            rows,
            headers=headers,
            title="2023年度法治广东建设考评指标",
            merges=["B4:B6", "A8:A9", "C8:C9", "D8:D9"],
        )

    def test_it_tolerates_titles_blank_rows_merged_cells_and_continuation_rows(self):
        f = services.framework_import(actor=self.office, year=2023, name="省考评", content=self.messy())
        rows = list(f.indicators.order_by("order").values_list("code", "section", "name", "max_score"))
        self.assertEqual(
            rows,
            [
                ("1", "一、党的领导", "学习贯彻习近平法治思想", Decimal("4")),
                ("2", "一、党的领导", "第一责任人职责", Decimal("6")),
                ("3", "二、法治政府", "行政执法三项制度", Decimal("5")),
                ("4", "二、法治政府", "行政复议", Decimal("5")),
            ],
        )

    def test_it_joins_the_criteria_of_an_indicator_spread_over_rows(self):
        f = services.framework_import(actor=self.office, year=2023, name="省考评", content=self.messy())
        self.assertEqual(f.indicators.get(code="2").criteria, "未述法的扣2分\n述法报告未公开的扣1分")
        self.assertEqual(f.indicators.get(code="2").evidence_requirements, "述法报告\n公开截图")
        self.assertEqual(f.indicators.get(code="3").criteria, "未公示的扣1分\n法制审核缺失的扣1分")

    def test_it_accepts_columns_in_any_order(self):
        order = [2, 0, 3, 1, 5, 4]
        rows = [[r[i] for i in order] for r in ROWS]
        f = services.framework_import(
            actor=self.office,
            year=2023,
            name="省考评",
            content=xlsx(rows, headers=[HEADERS[i] for i in order]),
        )
        self.assertEqual(f.indicators.get(code="1.2").name, "第一责任人职责")
        self.assertEqual(f.total, Decimal("20"))


class BrokenImportTestCase(BaseTestCase):
    def refused(self, content: bytes, **kwargs) -> list[str]:
        with self.assertRaises(services.ImportFailed) as caught:
            services.framework_import(
                actor=self.office, year=kwargs.pop("year", 2023), name="省考评", content=content, **kwargs
            )
        self.assertEqual(ProvincialFramework.objects.filter(name="省考评").count(), 0)
        self.assertEqual(ProvincialIndicator.objects.filter(framework__name="省考评").count(), 0)
        return [str(e) for e in caught.exception.errors]

    def test_it_reports_every_bad_row_with_its_row_and_column(self):
        rows = [
            ["1.1", "一、党的领导", "学习", "", "", ""],
            ["1.2", "一、党的领导", "述法", "四分", "", ""],
            ["1.1", "一、党的领导", "重复", 2, "", ""],
            ["1.3", "一、党的领导", "", 2, "", ""],
            ["1.4", "一、党的领导", "负分", -1, "", ""],
            ["", "一、党的领导", "无编码", 2, "", ""],
            ["1.5", "一、党的领导", "小数", 1.234, "", ""],
        ]
        self.assertEqual(
            self.refused(xlsx(rows)),
            [
                "第 2 行「分值」：不能为空",
                "第 3 行「分值」：「四分」不是有效的数字",
                "第 4 行「编码」：「1.1」与第 2 行重复",
                "第 5 行「指标」：不能为空",
                "第 6 行「分值」：不能为负数",
                "第 7 行「编码」：不能为空",
                "第 8 行「分值」：最多保留两位小数",
            ],
        )

    def test_it_refuses_a_file_without_the_required_columns(self):
        errors = self.refused(xlsx([["1", "学习", "4"]], headers=["编码", "指标", "评分标准"]))
        self.assertIn("第 1 行「分值」：表头缺少该列", errors)
        self.assertIn("第 1 行「板块」：表头缺少该列", errors)

    def test_it_refuses_a_file_that_is_not_a_workbook(self):
        self.assertIn("不是有效的 Excel 工作簿", self.refused(b"PK\x03\x04 not really")[0])
        self.assertIn("未找到表头", self.refused(xlsx([], headers=["甲", "乙"]))[0])

    def test_it_refuses_a_total_that_does_not_add_up(self):
        errors = self.refused(xlsx([*ROWS, ["合计", "", "", 100, "", ""]]))
        self.assertEqual(errors, ["各指标分值合计 20.00 分，与声明的总分 100.00 分不一致。"])
        self.assertIn("不一致", self.refused(xlsx(ROWS), declared_total=Decimal("30"))[0])

    def test_it_refuses_a_second_framework_for_the_same_year(self):
        framework(self.office)
        errors = self.refused(xlsx(ROWS))
        self.assertIn("2023 年度的法治广东建设考评指标体系已经存在", errors[0])

    def test_it_refuses_a_file_without_indicators(self):
        self.assertEqual(self.refused(xlsx([])), ["文件中没有任何指标行。"])


class ImportViewTestCase(BaseTestCase):
    url = "/provincial/frameworks/import/"

    def post(self, user, content: bytes, name: str = "省考评.xlsx", **data):
        upload = SimpleUploadedFile(name, content, content_type=XLSX)
        payload = {
            "year": 2023,
            "name": "省考评",
            "source_note": "粤法治办〔2023〕1号",
            "total": "",
            "file": upload,
        }
        return self.client_for(user).post(self.url, {**payload, **data})

    def test_it_imports_and_opens_the_framework(self):
        response = self.post(self.office, xlsx(ROWS), total="20")
        f = ProvincialFramework.objects.get()
        self.assertRedirects(response, f"/provincial/frameworks/{f.pk}/")
        self.assertEqual(f.source_note, "粤法治办〔2023〕1号")

    def test_it_lists_the_problems_and_imports_nothing(self):
        response = self.post(self.office, xlsx([["1.1", "一、党的领导", "学习", "", "", ""]]))
        self.assertContains(response, "第 2 行「分值」：不能为空")
        self.assertContains(response, "未导入任何内容")
        self.assertFalse(ProvincialFramework.objects.exists())

    def test_it_refuses_other_file_types_in_the_form(self):
        response = self.post(self.office, b"a,b", name="指标.csv")
        self.assertContains(response, "请上传 .xlsx 格式的文件")
        self.assertFalse(ProvincialFramework.objects.exists())

    def test_it_gives_a_template_that_opens_in_excel(self):
        response = self.client_for(self.office).get("/provincial/frameworks/template.xlsx")
        self.assertEqual(response.status_code, 200)
        ws = load_workbook(io.BytesIO(response.content)).active
        self.assertEqual([c.value for c in ws[1]], importing.TEMPLATE_HEADERS)

    def test_it_is_not_found_for_everyone_but_the_office(self):
        for name in ("county", "stranger", "assessor", "sysadmin", "secadmin", "auditadmin", "expert"):
            with self.subTest(name):
                client = self.client_for(self.personas[name])
                self.assertEqual(client.get(self.url).status_code, 404)
                self.assertEqual(self.post(self.personas[name], xlsx(ROWS)).status_code, 404)
                self.assertEqual(client.get("/provincial/frameworks/template.xlsx").status_code, 404)
        self.assertFalse(ProvincialFramework.objects.exists())
