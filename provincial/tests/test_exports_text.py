"""What units and the office typed comes back from the 迎检 exports as text,
never as a formula."""

from __future__ import annotations

from documents.tests.test_xlsx import HOSTILE, assert_text_cells
from fazhi.testing import BaseTestCase
from provincial.models import ProvincialResult, Task
from provincial.tests.factories import framework, task


class ExportsWriteTextAsTextTestCase(BaseTestCase):
    def setUp(self):
        self.framework = framework(self.office)
        self.framework.indicators.filter(code="1.1").update(name=HOSTILE[0], criteria=HOSTILE[3])
        unit_task = task(self.office, self.framework.indicators.get(code="1.2"), self.sfj)
        Task.objects.filter(pk=unit_task.pk).update(note=HOSTILE[1])  # the unit's 工作情况说明
        self.client = self.client_for(self.office)

    def download(self, url: str) -> bytes:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response.content

    def test_it_writes_the_framework_export_as_text(self):
        content = self.download(f"/provincial/frameworks/{self.framework.pk}/export.xlsx")
        # 指标 sheet: name and criteria; 任务分解: name (×2 rows? one) and the note; 预计得分: name
        self.assertGreaterEqual(assert_text_cells(self, content), 5)

    def test_it_writes_the_results_export_as_text(self):
        ProvincialResult.objects.create(year=2022, grade="优秀", note=HOSTILE[2])
        self.assertEqual(assert_text_cells(self, self.download("/provincial/results/export.xlsx")), 1)

    def test_it_writes_the_import_template_through_the_same_writer(self):
        content = self.download("/provincial/frameworks/template.xlsx")
        self.assertEqual(assert_text_cells(self, content), 0)
