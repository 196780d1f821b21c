"""Attachments (htmx upload and delete), the user import job and the API docs, in a real browser."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from attachments.tests import samples
from e2e.helpers import login


def test_a_county_uploads_evidence_and_a_disguised_program_is_refused(
    page: Page, live_server, tmp_path: Path
):
    pdf = tmp_path / "自评报告.pdf"
    pdf.write_bytes(samples.PDF)
    fake = tmp_path / "通知.pdf"
    fake.write_bytes(samples.EXE)
    login(page, "enping")
    page.goto("/files/")
    form = page.locator("form.attachment-upload")
    form.locator("input[type=file]").set_input_files([str(pdf), str(fake)])
    form.locator("button[type=submit]").click()
    row = page.locator("#new-attachments-rows tr.attachment-row", has_text="自评报告.pdf")
    expect(row).to_be_visible()
    expect(page.locator("#new-attachments-errors .alert")).to_contain_text("实际是可执行程序")
    expect(page.locator("#new-attachments-rows .attachment-empty")).to_be_hidden()
    expect(form.locator("input[type=file]")).to_have_value("")  # the form was reset for the next upload

    with page.expect_popup() as popup:
        row.get_by_role("link", name="预览").click()
    preview = popup.value
    preview.wait_for_load_state()
    assert preview.url.endswith("/preview/")
    preview.close()

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="删除").click()
    expect(row).to_have_count(0)


def test_the_sysadmin_imports_users_and_sees_the_job_finish(page: Page, live_server, tmp_path: Path):
    sheet = tmp_path / "用户.xlsx"
    sheet.write_bytes(
        samples.xlsx(
            [
                ["用户名", "姓名", "单位代码", "角色代码", "电话"],
                ["e2e_import_1", "端到端一", "440703", "target", ""],
                ["e2e_import_2", "端到端二", "440700-SFJ", "考评单位", "0750-1"],
            ]
        )
    )
    login(page, "sysadmin")
    page.goto("/jobs/import/users/")
    page.locator("input[name=file]").set_input_files(str(sheet))
    page.locator("main form button[type=submit]").click()
    status = page.locator("#job-status")
    expect(status).to_have_attribute("data-status", "succeeded")
    expect(page.locator("#job-message")).to_contain_text("已导入 2 个账号")
    expect(page.locator(".job-progress .progress-bar")).to_have_class("progress-bar pct-100 bg-success")
    assert status.get_attribute("hx-trigger") is None  # polling stops once the job is done


def test_the_api_docs_render_under_the_strict_csp(page: Page, live_server):
    login(page, "office")
    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("fazhi API")
    # Every tag is drawn, the last ones too (tags start collapsed: with all of them open Swagger UI would
    # switch to a virtualised list that draws only the rows in view).
    for tag in ("accountability", "orgs", "selections", "users"):
        expect(page.locator(f".opblock-tag[data-tag={tag}]")).to_be_visible()
    expect(page.locator(".operations-virtual")).to_have_count(0)
    # The page runs under the strict CSP: Swagger UI draws the operations of a tag when it is opened.
    page.locator(".opblock-tag[data-tag=orgs]").click()
    page.locator(".opblock-tag[data-tag=users]").click()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/orgs/").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/users/me/").first).to_be_visible()
