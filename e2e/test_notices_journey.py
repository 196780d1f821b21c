"""通知公告 end to end in a real browser: the office sends a notice to two counties
→ 蓬江区 signs and uploads a 回执 → the office sees it and sends a 催办 to 江海区,
which has not answered; 江海区 then finds the notice urged on its home page.

The notice is the test's own (a unique title); every step goes through the pages."""

from __future__ import annotations

import datetime
import uuid

from playwright.sync_api import FilePayload, Page, expect

from e2e.helpers import login, logout


def test_office_sends_a_notice_a_county_answers_and_the_office_urges_the_other(
    page: Page, transactional_db
) -> None:
    title = f"关于报送法治宣传工作情况的通知（浏览器测试 {uuid.uuid4().hex[:6]}）"
    deadline = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()

    login(page, "office")
    page.goto("/notices/new/")
    page.fill("input[name=title]", title)
    page.fill("textarea[name=body]", "请各单位签收本通知，并于截止日期前报送回执。")
    page.select_option("select[name=to_orgs]", label=["蓬江区", "江海区"])
    page.check("input[name=requires_receipt]")
    page.fill("input[name=receipt_deadline]", deadline)
    page.fill("textarea[name=receipt_fields]", "联系人\n联系电话")
    page.locator("#notice-form button[type=submit]").click()
    page.wait_for_url("**/notices/*/")
    expect(page.locator("#messages .alert-success")).to_contain_text("已发出通知 江依法治办〔")
    notice_url = page.url
    expect(page.locator("#recipient-table")).to_contain_text("未签收")
    logout(page)

    login(page, "pengjiang")
    page.goto("/")
    page.locator("#todo-list a", has_text=title).click()
    page.locator("#sign-button").click()
    expect(page.locator("#signed-at")).to_contain_text("已于")
    page.fill("input[name=answer_0]", "王联络")
    page.fill("input[name=answer_1]", "13807501234")
    page.set_input_files(
        "input[name=file]",
        FilePayload(name="蓬江区回执.pdf", mimeType="application/pdf", buffer=_pdf()),
    )
    page.locator("#receipt-submit").click()
    expect(page.locator("#messages .alert-success")).to_contain_text("回执已报送")
    expect(page.locator("#receipt-done")).to_be_visible()
    logout(page)

    login(page, "office")
    page.goto(notice_url)
    pengjiang = page.locator("#recipient-440703")
    expect(pengjiang).to_contain_text("王联络")
    expect(pengjiang).to_contain_text("蓬江区回执.pdf")
    expect(page.locator("#signed-count")).to_have_text("1")
    jianghai = page.locator("#recipient-440704")
    expect(jianghai).to_contain_text("未签收")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#urge-all").click()
    expect(page.locator("#messages .alert-success")).to_contain_text("已向 1 个单位催办：江海区")
    expect(jianghai).to_contain_text("已催 1 次")
    expect(pengjiang).not_to_contain_text("已催")
    logout(page)

    login(page, "jianghai")
    page.goto("/")
    todo = page.locator("#todo-list li", has_text=title)
    expect(todo).to_contain_text("依法治办已催办 1 次")


def _pdf() -> bytes:
    from attachments.tests.samples import PDF

    return PDF
