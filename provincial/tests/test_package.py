import io
import zipfile

import docx

from audit.models import AuditEntry
from fazhi.testing import BaseTestCase
from jobs.models import Job, JobStatus
from provincial import package, services
from provincial.tests.factories import framework, task, text_file


def catalogue(content: bytes) -> dict[str, list[str]]:
    """{indicator heading: [package paths listed under it]} read back from 目录.docx."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        document = docx.Document(io.BytesIO(archive.read(package.CATALOGUE_NAME)))
    body = document.element.body
    listed: dict[str, list[str]] = {}
    current = None
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
            style = child.find(".//{*}pStyle")
            if style is not None and "2" in (
                style.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val") or ""
            ):
                current = text
                listed[current] = []
        elif tag == "tbl" and current is not None:
            rows = child.findall("{*}tr")
            for row in rows[1:]:
                cells = [
                    "".join(t.text or "" for t in c.iter() if t.tag.endswith("}t"))
                    for c in row.findall("{*}tc")
                ]
                listed[current].append(cells[3])
    return listed


class EvidencePackageTestCase(BaseTestCase):
    def setUp(self):
        self.framework = framework(self.office)
        self.i = {i.code: i for i in self.framework.indicators.all()}
        sfj_task = task(self.office, self.i["1.1"], self.sfj)
        gaj_task = task(self.office, self.i["1.1"], self.gaj)
        other = task(self.office, self.i["2.1"], self.sfj)
        services.task_evidence_add(
            actor=self.assessor, task=sfj_task, uploaded_file=text_file("学习记录.txt", "甲")
        )
        services.task_evidence_add(
            actor=self.assessor, task=sfj_task, uploaded_file=text_file("学习记录.txt", "乙")
        )
        services.task_evidence_add(
            actor=self.assessor_b, task=gaj_task, uploaded_file=text_file('a/b:c*?"<>|.txt', "丙")
        )
        services.task_evidence_add(
            actor=self.assessor, task=other, uploaded_file=text_file("公示截图说明.txt", "丁")
        )

    def build(self) -> bytes:
        content, _ = package.build_package(self.framework)
        return content

    def test_it_puts_every_file_in_a_folder_per_indicator(self):
        with zipfile.ZipFile(io.BytesIO(self.build())) as archive:
            names = sorted(archive.namelist())
            self.assertEqual(
                names,
                sorted(
                    [
                        "目录.docx",
                        "1.1_学习贯彻习近平法治思想/江门市司法局_学习记录.txt",
                        "1.1_学习贯彻习近平法治思想/江门市司法局_学习记录(2).txt",
                        "1.1_学习贯彻习近平法治思想/江门市公安局_b_c______.txt",
                        "2.1_行政执法三项制度/江门市司法局_公示截图说明.txt",
                    ]
                ),
            )
            contents = {archive.read(n).decode() for n in names if n.endswith(".txt")}
        self.assertEqual(contents, {"甲", "乙", "丙", "丁"})

    def test_it_lists_every_file_under_its_indicator_in_the_catalogue(self):
        content = self.build()
        listed = catalogue(content)
        self.assertEqual(
            set(listed),
            {
                "1.1 学习贯彻习近平法治思想（4分）",
                "1.2 第一责任人职责（6分）",
                "2.1 行政执法三项制度（5分）",
                "2.2 行政复议（5分）",
            },
        )
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            files = [n for n in archive.namelist() if n != "目录.docx"]
        for name in files:
            code = name.split("_", 1)[0]
            heading = next(h for h in listed if h.startswith(code + " "))
            self.assertIn(name, listed[heading])
        self.assertEqual(sum(len(v) for v in listed.values()), len(files))
        self.assertEqual(listed["1.2 第一责任人职责（6分）"], [])

    def test_it_marks_indicators_without_evidence_in_the_catalogue(self):
        with zipfile.ZipFile(io.BytesIO(self.build())) as archive:
            text = "\n".join(p.text for p in docx.Document(io.BytesIO(archive.read("目录.docx"))).paragraphs)
        self.assertIn("（暂无佐证材料）", text)
        self.assertIn("共收录 4 项指标的佐证材料 4 份", text)
        self.assertIn("其中 2 项指标暂无佐证材料", text)

    def test_it_sets_the_official_fonts_through_east_asia(self):
        with zipfile.ZipFile(io.BytesIO(self.build())) as archive:
            inner = zipfile.ZipFile(io.BytesIO(archive.read("目录.docx")))
            styles = inner.read("word/styles.xml").decode()
        self.assertIn('w:eastAsia="仿宋_GB2312"', styles)
        self.assertIn('w:eastAsia="黑体"', styles)

    def test_it_builds_the_package_as_a_job_and_records_the_export(self):
        client = self.client_for(self.office)
        response = client.post(f"/provincial/frameworks/{self.framework.pk}/package/")
        job = Job.objects.get(kind="provincial.evidence_package")
        self.assertRedirects(response, f"/jobs/{job.pk}/")
        self.assertEqual(job.status, JobStatus.SUCCEEDED)
        self.assertEqual(job.result, {"indicators": 4, "files": 4, "indicators_without_files": 2})
        self.assertEqual(job.result_name, "2023年度法治广东建设考评佐证材料.zip")
        download = client.get(f"/jobs/{job.pk}/result/")
        body = b"".join(download.streaming_content)
        self.assertEqual(len(zipfile.ZipFile(io.BytesIO(body)).namelist()), 5)
        entry = AuditEntry.objects.get(action="provincial.package.exported")
        self.assertEqual(entry.data["files"], 4)
        self.assertEqual(self.client_for(self.assessor).get(f"/jobs/{job.pk}/result/").status_code, 404)

    def test_it_refuses_the_package_to_everyone_but_the_office(self):
        for name in ("assessor", "county", "stranger", "sysadmin", "auditadmin"):
            with self.subTest(name):
                response = self.client_for(self.personas[name]).post(
                    f"/provincial/frameworks/{self.framework.pk}/package/"
                )
                self.assertEqual(response.status_code, 404)
        self.assertFalse(Job.objects.exists())
        self.assertEqual(
            self.client_for(self.office)
            .get(f"/provincial/frameworks/{self.framework.pk}/package/")
            .status_code,
            405,
        )


class SafeNameTestCase(BaseTestCase):
    def test_it_makes_names_safe_for_every_archiver(self):
        self.assertEqual(package.safe_name("../../etc/passwd"), "_.._etc_passwd")
        self.assertEqual(package.safe_name("CON.txt"), "_CON.txt")
        self.assertEqual(package.safe_name("  报告. "), "报告")
        self.assertEqual(package.safe_name(""), "未命名")
        long = package.safe_name("很" * 100 + ".pdf", limit=20)
        self.assertTrue(long.endswith(".pdf"))
        self.assertLessEqual(len(long), 20)
        self.assertEqual(package.safe_name("1.1_指标", folder=True), "1.1_指标")
