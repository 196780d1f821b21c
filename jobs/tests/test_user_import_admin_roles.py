"""An import row never creates an admin-role account (三员 come only from an
approved 三员授权 request) and never changes an existing one."""

from django.urls import reverse

from accounts.models import User
from fazhi.testing import BaseTestCase
from jobs.models import Job, JobStatus
from jobs.tests.test_user_import import xlsx_upload


class AdminRoleImportTestCase(BaseTestCase):
    def run_import(self, rows) -> Job:
        self.client_for(self.sysadmin).post(reverse("jobs:user_import"), {"file": xlsx_upload(rows)})
        job = Job.objects.order_by("-created_at").first()
        job.refresh_from_db()
        return job

    def test_it_refuses_rows_with_an_admin_role_by_code_or_name_and_imports_nothing(self):
        job = self.run_import(
            [
                ["ok1", "好的", "440703", "target", ""],
                ["shadow_sys", "影子系统管理员", "440700-SFJ", "sysadmin", ""],
                ["shadow_sec", "影子安全管理员", "440700-SFJ", "安全管理员", ""],
                ["shadow_audit", "影子审计管理员", "440700-SFJ", "AuditAdmin", ""],
            ]
        )
        self.assertEqual(job.status, JobStatus.FAILED)
        found = {(e["row"], e["column"]): e["message"] for e in job.result["errors"]}
        self.assertEqual(set(found), {(3, "D"), (4, "D"), (5, "D")})
        self.assertIn("不能导入系统管理员账号", found[(3, "D")])
        self.assertIn("三员授权", found[(4, "D")])
        self.assertFalse(
            User.objects.filter(username__in=["ok1", "shadow_sys", "shadow_sec", "shadow_audit"]).exists()
        )
        self.assertEqual(User.objects.filter(role_id__in=["sysadmin", "secadmin", "auditadmin"]).count(), 3)

    def test_it_cannot_change_an_existing_admin_account(self):
        job = self.run_import(
            [["auditadmin", "改名", "440703", "target", ""], ["SecAdmin", "改名", "440703", "target", ""]]
        )
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertEqual(len(job.result["errors"]), 2)
        self.auditadmin.refresh_from_db()
        self.secadmin.refresh_from_db()
        self.assertEqual((self.auditadmin.role_id, self.auditadmin.name), ("auditadmin", "auditadmin"))
        self.assertEqual((self.secadmin.role_id, self.secadmin.org), ("secadmin", self.sfj))

    def test_it_leaves_the_admin_roles_out_of_the_templates_code_sheet(self):
        import io

        from python_calamine import CalamineWorkbook

        response = self.client_for(self.sysadmin).get(reverse("jobs:user_import_template"))
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        codes = {row[0] for row in book.get_sheet_by_name("角色代码").to_python()[1:]}
        self.assertIn("target", codes)
        self.assertFalse(codes & {"sysadmin", "secadmin", "auditadmin"})
