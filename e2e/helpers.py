"""Helpers for browser tests: log in as a demo user and wait for the result."""

from __future__ import annotations

from playwright.sync_api import Page

DEMO_PASSWORD = "Demo@2023"


def login(page: Page, username: str, password: str = DEMO_PASSWORD, *, expect_success: bool = True) -> None:
    """Log in through the form. With expect_success, waits until the login page is left."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    if expect_success:
        page.wait_for_url(lambda url: "/accounts/login" not in url)
    else:
        page.wait_for_load_state("domcontentloaded")


def logout(page: Page) -> None:
    page.goto("/accounts/profile/")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.locator("#mainnav .navbar-nav").last.locator(".dropdown-toggle").click()
    page.locator("#mainnav form button[type=submit]", has_text="退出登录").click()
    page.wait_for_url("**/accounts/login/")
