"""The published documents, opened and read back: 通报 and 反馈 docx
(python-docx), ranking xlsx (openpyxl); rows equal the data."""

from __future__ import annotations

import io

import docx
import openpyxl

from assessments import publication_docs
from assessments.services import publication as publication_services
from assessments.tests.fixtures import ResultsTestCase
from audit.models import AuditEntry


def docx_text(content: bytes) -> tuple[list[str], list[list[list[str]]]]:
    document = docx.Document(io.BytesIO(content))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    return paragraphs, tables


class PublicationDocumentsTestCase(ResultsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.publication = publication_services.campaign_publish(actor=cls.office, campaign=cls.campaign)

    def test_it_writes_the_notice_in_official_format_with_the_ranking(self):
        paragraphs, tables = docx_text(publication_docs.notice_docx(self.publication))
        self.assertIn("关于2023年度法治建设考评结果的通报", paragraphs)
        self.assertTrue(any(p.startswith("一、考评结果") for p in paragraphs))
        self.assertTrue(any(p.startswith("二、计分与排名规则") for p in paragraphs))
        self.assertTrue(any("优秀等次（1个）：蓬江区" in p for p in paragraphs))
        self.assertTrue(any(self.publication.sha256 in p.replace(" ", "") for p in paragraphs))
        ranking = tables[0]
        self.assertEqual(
            ranking[0], ["名次", "单位", "总分", "指标得分", "加分", "负面清单扣分", "社会评议", "等次"]
        )
        self.assertEqual(ranking[1][:3] + ranking[1][-1:], ["1", "蓬江区", "98", "优秀"])
        self.assertEqual(ranking[2][:3] + ranking[2][-1:], ["2", "江海区", "88", "良好"])
        sections = tables[1]  # 附表: 板块 per target
        self.assertEqual(sections[0], ["单位", "法治政府建设（70分）", "法治社会建设（30分）", "总分"])
        self.assertEqual(sections[1], ["蓬江区", "68", "30", "98"])

    def test_it_lists_every_lost_point_in_the_feedback_report(self):
        paragraphs, tables = docx_text(publication_docs.feedback_docx(self.publication, "440704"))
        self.assertIn("江海区2023年度法治建设考评结果反馈", paragraphs)
        text = "\n".join(paragraphs)
        self.assertIn("总分88分", text)
        self.assertIn("排名第2位", text)
        self.assertIn("共有2项指标失分，合计失分12分", text)
        self.assertIn("（一）A2 行政执法规范化（法治政府建设，分值30分，得分24分，失分6分）", paragraphs)
        self.assertIn("扣分理由：A2台账不完整", paragraphs)
        self.assertIn("查阅佐证：查阅了2023年度台账", paragraphs)
        self.assertTrue(any("经办：assessor_gaj" in p and "审核：assessor_gaj" in p for p in paragraphs))
        items = tables[1]
        self.assertEqual(items[0], ["评分细则", "类型", "分数", "理由", "佐证"])
        self.assertEqual(
            items[1], ["A2-1 执法案卷评查不合格的，每宗扣3分", "扣分", "6", "A2发现问题", "案卷编号2023-01"]
        )
        self.assertEqual(tables[0][1], ["法治政府建设", "70", "64", "6"])

    def test_it_writes_the_ranking_workbook_from_the_snapshot(self):
        wb = openpyxl.load_workbook(io.BytesIO(publication_docs.ranking_xlsx(self.publication)))
        self.assertEqual(wb.sheetnames, ["排名", "板块得分", "指标得分", "快照校验"])
        rows = list(wb["排名"].iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), publication_docs.RANKING_HEADERS)
        self.assertEqual(rows[1][:4] + rows[1][9:10], (1, "440703", "蓬江区", 98, "优秀"))
        self.assertEqual(rows[2][:4] + rows[2][9:10], (2, "440704", "江海区", 88, "良好"))
        indicators = list(wb["指标得分"].iter_rows(values_only=True))
        self.assertEqual(indicators[2], ("江海区", 40, 24, 24, None))
        self.assertEqual(list(wb["快照校验"].iter_rows(values_only=True))[3][1], self.publication.sha256)

    def test_it_audits_every_export(self):
        publication_docs.publication_export(actor=self.office, publication=self.publication, kind="notice")
        publication_docs.publication_export(
            actor=self.county, publication=self.publication, kind="feedback", target_code="440703"
        )
        kinds = [e.data["kind"] for e in AuditEntry.objects.filter(action="assessments.publication.exported")]
        self.assertEqual(sorted(kinds), ["feedback", "notice"])
