import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from accounts.models import User
from attachments.tests import samples
from audit.models import AuditEntry
from fazhi.testing import BaseTestCase
from jobs import user_import
from jobs.models import Job, JobStatus

HEADER = ["用户名", "姓名", "单位代码", "角色代码", "电话"]


def xlsx_upload(rows, name="用户.xlsx"):
    return SimpleUploadedFile(name, samples.xlsx([HEADER, *rows]))


class UserImportTestCase(BaseTestCase):
    def start(self, rows, user=None):
        client = self.client_for(user or self.sysadmin)
        response = client.post(reverse("jobs:user_import"), {"file": xlsx_upload(rows)})
        return response, Job.objects.order_by("-created_at").first()

    def test_it_imports_every_row_as_a_background_job(self):
        response, job = self.start(
            [
                ["xinhui", "新会填报员", 440703, "target", 13800138000],
                ["sfj2", "司法局考评员", "440700-SFJ", "考评单位", ""],
            ]
        )
        self.assertRedirects(response, reverse("jobs:detail", args=[job.pk]), fetch_redirect_response=False)
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.SUCCEEDED, job.message)
        self.assertEqual(job.percent, 100)
        xinhui = User.objects.get(username="xinhui")
        self.assertEqual(
            (xinhui.org, xinhui.role_id, xinhui.phone), (self.county_org, "target", "13800138000")
        )
        self.assertFalse(xinhui.has_usable_password())
        self.assertEqual(User.objects.get(username="sfj2").role_id, "assessor")
        self.assertEqual(
            AuditEntry.objects.filter(action="accounts.user.created", actor=self.sysadmin).count(), 2
        )
        self.assertTrue(AuditEntry.objects.filter(action="accounts.user.imported", data__count=2).exists())
        page = self.client_for(self.sysadmin).get(reverse("jobs:detail", args=[job.pk]))
        self.assertContains(page, "已导入 2 个账号")

    def test_it_imports_nothing_and_reports_every_bad_row_with_row_and_column(self):
        _, job = self.start(
            [
                ["ok1", "好的", "440703", "target", ""],
                ["pengjiang", "重名", "440703", "target", ""],
                ["", "没有用户名", "440799", "nosuchrole", "abc"],
                ["ok1", "重复", "440703", "target", ""],
                ["bad name!", "", "440703", "target", ""],
            ]
        )
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertIn("未导入任何账号", job.message)
        self.assertFalse(User.objects.filter(username="ok1").exists())
        found = {(e["row"], e["column"]): e["message"] for e in job.result["errors"]}
        self.assertIn("已存在", found[(3, "A")])
        self.assertIn("不能为空", found[(4, "A")])
        self.assertIn("440799", found[(4, "C")])
        self.assertIn("nosuchrole", found[(4, "D")])
        self.assertIn("格式不正确", found[(4, "E")])
        self.assertIn("与第 2 行重复", found[(5, "A")])
        self.assertIn("只能包含", found[(6, "A")])
        self.assertIn("姓名不能为空", found[(6, "B")])
        page = self.client_for(self.sysadmin).get(reverse("jobs:detail", args=[job.pk]))
        self.assertContains(page, "共 8 处错误")
        report = self.client_for(self.sysadmin).get(reverse("jobs:result", args=[job.pk]))
        rows = CalamineWorkbook.from_filelike(io.BytesIO(report.getvalue())).get_sheet_by_index(0).to_python()
        self.assertEqual(rows[0], ["行号", "列", "表头", "问题"])
        self.assertEqual(len(rows), 9)
        header = openpyxl.load_workbook(io.BytesIO(report.getvalue())).worksheets[0].oddHeader.right.text
        self.assertIn("sysadmin", header)  # the viewer's watermark, like every export

    def test_it_reports_a_missing_column(self):
        client = self.client_for(self.sysadmin)
        data = samples.xlsx([["用户名", "姓名", "角色代码"], ["a", "b", "target"]])
        client.post(reverse("jobs:user_import"), {"file": SimpleUploadedFile("u.xlsx", data)})
        job = Job.objects.get()
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertIn("缺少「单位代码」列", job.result["errors"][0]["message"])

    def test_it_refuses_a_file_that_is_not_xlsx_in_the_form(self):
        client = self.client_for(self.sysadmin)
        response = client.post(
            reverse("jobs:user_import"), {"file": SimpleUploadedFile("u.xlsx", samples.EXE)}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "可执行程序")
        response = client.post(
            reverse("jobs:user_import"), {"file": SimpleUploadedFile("u.docx", samples.docx())}
        )
        self.assertContains(response, "请上传 Excel 工作簿")
        self.assertFalse(Job.objects.exists())

    def test_it_lets_only_the_sysadmin_import(self):
        for name, user in self.personas.items():
            with self.subTest(persona=name):
                response = self.client_for(user).get(reverse("jobs:user_import"))
                self.assertEqual(response.status_code, 200 if name == "sysadmin" else 403)
                response = self.client_for(user).get(reverse("jobs:user_import_template"))
                self.assertEqual(response.status_code, 200 if name == "sysadmin" else 403)

    def test_it_offers_a_template_with_the_codes_to_choose_from(self):
        response = self.client_for(self.sysadmin).get(reverse("jobs:user_import_template"))
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        self.assertEqual(workbook.sheet_names, ["用户", "填写说明", "角色代码", "单位代码"])
        self.assertEqual(workbook.get_sheet_by_index(0).to_python()[0], HEADER)
        codes = [row[0] for row in workbook.get_sheet_by_name("单位代码").to_python()[1:]]
        self.assertIn("440703", codes)
        self.assertTrue(AuditEntry.objects.filter(action="accounts.user_import_template.exported").exists())

    def test_the_template_filled_in_imports_cleanly(self):
        response = self.client_for(self.sysadmin).get(reverse("jobs:user_import_template"))
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(response.content))
        wb["用户"].append(["taishan", "台山填报员", "440704", "被考评单位", "0750-1234567"])
        buffer = io.BytesIO()
        wb.save(buffer)
        self.client_for(self.sysadmin).post(
            reverse("jobs:user_import"), {"file": SimpleUploadedFile("t.xlsx", buffer.getvalue())}
        )
        self.assertEqual(User.objects.get(username="taishan").org, self.stranger_org)


class ValidateTestCase(BaseTestCase):
    def test_it_reads_codes_that_excel_stored_as_numbers(self):
        orgs, roles, existing = user_import.lookups()
        rows = [HEADER, ["a1", "甲", 440703.0, "target", 13800138000.0]]
        good = user_import.validate(rows, orgs=orgs, roles=roles, existing_usernames=existing)
        self.assertEqual((good[0].org, good[0].phone), (self.county_org, "13800138000"))

    def test_it_skips_blank_rows_but_keeps_row_numbers(self):
        orgs, roles, existing = user_import.lookups()
        rows = [HEADER, ["", "", "", "", ""], ["a1", "甲", "440799", "target", ""]]
        with self.assertRaises(user_import.ImportRefused) as ctx:
            user_import.validate(rows, orgs=orgs, roles=roles, existing_usernames=existing)
        self.assertEqual(
            str(ctx.exception.errors[0]), "第 3 行 C 列「单位代码」：单位代码「440799」不存在或已停用。"
        )

    def test_it_names_column_letters_beyond_z(self):
        self.assertEqual(
            [user_import.column_letter(i) for i in (0, 25, 26, 27, 701, 702)],
            ["A", "Z", "AA", "AB", "ZZ", "AAA"],
        )
