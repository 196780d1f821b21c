"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live_server.

Fixtures for every journey test in this folder:
- `page`: a fresh browser context (1280x900, base_url = the live server) and page;
  `page.goto("/orgs/")` works. `phone_page` is the same at 375x812.
- `login(page, username, password="Demo@2023")` (also importable from e2e.helpers).
- The database holds the full Jiangmen demo data (`fazhi demo load`), loaded once per
  session and shared by all tests: there is no per-test flush (the audit log is
  append-only, so it cannot be flushed, and reloading the demo would cost ~15 s per
  test). Tests that change state must use their own objects or undo what they did
  (see test_login_lockout for an example).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from e2e.helpers import DEMO_PASSWORD
from e2e.helpers import login as _login

# Playwright's sync API keeps an event loop running in the test thread, which makes
# Django think ORM calls in tests come from async code; they do not.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    """Overrides the suite-wide fixture of the same name: same settings, but the real
    password hasher, because the demo users were hashed before any test started."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def demo_data(django_db_setup, django_db_blocker) -> None:
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("demo", "load", verbosity=0)


@pytest.fixture()
def transactional_db(demo_data, django_db_blocker) -> Iterator[None]:
    """Replaces pytest-django's fixture (which live_server requests) for this folder:
    database access for the test and the live server, on the shared demo data."""
    django_db_blocker.unblock()
    yield
    django_db_blocker.restore()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def _new_page(browser: Browser, live_server, width: int, height: int) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}, locale="zh-CN"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture()
def page(browser: Browser, live_server) -> Iterator[Page]:
    yield from _new_page(browser, live_server, 1280, 900)


@pytest.fixture()
def phone_page(browser: Browser, live_server) -> Iterator[Page]:
    yield from _new_page(browser, live_server, 375, 812)


@pytest.fixture()
def login() -> Callable[..., None]:
    def do_login(page: Page, username: str, password: str = DEMO_PASSWORD, **kwargs) -> None:
        _login(page, username, password, **kwargs)

    return do_login
