"""考评办法印发: the 印发通知 under the red header with its 发文字号, then the
framework table, as docx and PDF; only a locked framework; the office only."""

from __future__ import annotations

import io
import os

import docx
from django.urls import reverse

from assessments import framework_docs
from assessments.models import Indicator
from assessments.tests.fixtures import WorkflowTestCase, build_framework
from audit.models import AuditEntry


class FrameworkIssueTestCase(WorkflowTestCase):
    def setUp(self) -> None:
        Indicator.objects.filter(section__framework=self.framework, code="A1").update(evidence_mandatory=True)

    def test_it_writes_the_notice_with_red_header_number_and_the_table(self):
        response = self.client_for(self.office).get(
            reverse("assessments:framework_issue_docx", args=[self.framework.pk])
        )
        self.assertEqual(response.status_code, 200)
        if os.environ.get("FAZHI_KEEP_DOCS"):
            with open(os.path.join(os.environ["FAZHI_KEEP_DOCS"], "issue.docx"), "wb") as out:
                out.write(response.content)
        document = docx.Document(io.BytesIO(response.content))
        texts = [p.text for p in document.paragraphs if p.text]
        self.assertTrue(texts[0].endswith("文件"))
        mark = document.paragraphs[0].runs[0]
        self.assertEqual(str(mark.font.color.rgb), "FF0000")
        self.assertRegex(texts[1], r"^.+〔2023〕\d+号$")
        self.assertIn('w:color="FF0000"', document.paragraphs[2]._p.xml)  # the red separator
        self.assertEqual(texts[2], "关于印发《2023年度法治建设考评办法》的通知")
        self.assertIn("考评办法共2个板块、4项指标，总分100分。", "".join(texts))
        table = document.tables[0]
        rows = [[c.text for c in row.cells] for row in table.rows]
        self.assertEqual(
            rows[0], ["板块", "编号", "指标", "分值", "评分细则", "评分方式", "考评单位", "佐证材料"]
        )
        self.assertEqual(rows[1][0], "法治政府建设（70分）")
        self.assertEqual(rows[1][1:4], ["A1", "重大行政决策合法性审查", "40"])
        self.assertIn("A1-1 未经合法性审查作出重大决策的，每件扣2分", rows[1][4])
        self.assertEqual(rows[1][7], "决策目录、审查意见（必须上传）")
        self.assertEqual(
            rows[4][1:6], ["B2", "法治创建加分", "5", "B2-1 获评全国法治创建先进的，加3分", "加分（上限5分）"]
        )
        entry = AuditEntry.objects.get(action="assessments.framework.issued")
        self.assertEqual(entry.data["format"], "docx")
        self.assertEqual(entry.data["doc_number"], texts[1])

    def test_it_keeps_one_number_across_docx_and_pdf(self):
        client = self.client_for(self.office)
        client.get(reverse("assessments:framework_issue_docx", args=[self.framework.pk]))
        response = client.get(reverse("assessments:framework_issue_pdf", args=[self.framework.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF"))
        if os.environ.get("FAZHI_KEEP_DOCS"):
            with open(os.path.join(os.environ["FAZHI_KEEP_DOCS"], "issue.pdf"), "wb") as out:
                out.write(response.content)
        numbers = set(
            AuditEntry.objects.filter(action="assessments.framework.issued").values_list(
                "data__doc_number", flat=True
            )
        )
        self.assertEqual(len(numbers), 1)

    def test_it_refuses_a_draft(self):
        draft = build_framework(self.office, self.sfj, self.gaj, year=2024, lock=False)
        response = self.client_for(self.office).get(
            reverse("assessments:framework_issue_docx", args=[draft.pk]), follow=True
        )
        self.assertContains(response, "考评办法锁定后才能印发。")
        self.assertFalse(AuditEntry.objects.filter(action="assessments.framework.issued").exists())

    def test_it_denies_everyone_but_the_office(self):
        for user in (self.county, self.stranger, self.assessor):
            response = self.client_for(user).get(
                reverse("assessments:framework_issue_docx", args=[self.framework.pk])
            )
            self.assertIn(response.status_code, (403, 404))

    def test_it_states_section_points_without_bonus_items(self):
        structure = [
            {
                "name": "法治社会建设",
                "indicators": [{"max_score": "30", "method": "grade"}, {"max_score": "5", "method": "bonus"}],
            }
        ]
        self.assertEqual(framework_docs.section_points(structure[0]), 30)
