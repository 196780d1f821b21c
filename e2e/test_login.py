"""Log-in, lock-out and the home page, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.helpers import login


def test_office_logs_in_and_lands_on_the_home_page_with_its_todos(page: Page, live_server):
    login(page, "office")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    todos = page.locator("#todo-list li")
    expect(todos.first).to_be_visible()
    assert todos.count() >= 1
    expect(page.locator("nav .navbar-nav .nav-link", has_text="组织机构")).to_be_visible()
    expect(page.locator("#mainnav .navbar-nav").last.locator(".dropdown-toggle")).to_contain_text("依法治办")


def test_a_wrong_password_shows_the_message(page: Page, live_server):
    login(page, "jianghai", "not-the-password", expect_success=False)
    expect(page.locator(".alert-danger")).to_contain_text("用户名或密码不正确。")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("input[name=username]")).to_have_value("jianghai")


def test_repeated_failures_lock_the_account_with_the_time_to_wait(page: Page, live_server):
    from axes.utils import reset

    from accounts.models import SecurityPolicy

    limit = SecurityPolicy.current().failure_limit
    try:
        for attempt in range(1, limit + 1):
            login(page, "kaiping", f"wrong-{attempt}", expect_success=False)
            if attempt < limit:
                expect(page.locator(".alert-danger")).to_contain_text("用户名或密码不正确。")
        locked = page.locator("#locked")
        expect(locked).to_contain_text("登录失败次数过多，账号已被临时锁定")
        expect(locked).to_contain_text(f"请在 {SecurityPolicy.current().lockout_minutes} 分钟后再试")
        # The right password does not help while locked.
        login(page, "kaiping", expect_success=False)
        expect(page.locator("#locked")).to_be_visible()
    finally:
        reset(username="kaiping")


def test_the_home_page_on_a_phone_shows_the_collapsed_navbar(phone_page: Page, live_server):
    login(phone_page, "pengjiang")
    toggler = phone_page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    expect(phone_page.locator("#mainnav")).to_be_hidden()
    expect(phone_page.get_by_role("heading", name="我的待办")).to_be_visible()
    toggler.click()
    expect(phone_page.locator("#mainnav")).to_be_visible()
    expect(phone_page.locator("#mainnav .nav-link", has_text="工作台")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page scrolls sideways on a phone ({width}px)"


def test_logging_out_returns_to_the_login_page(page: Page, live_server):
    from e2e.helpers import logout

    login(page, "heshan")
    logout(page)
    expect(page.locator(".alert-info")).to_contain_text("已退出登录")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/"))
