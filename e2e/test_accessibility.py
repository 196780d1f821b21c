"""Accessibility (GB/T 37668-2019) in a real browser, one journey per role.

Each role's main journey visits its pages in sequence (one browser, one server) and on every page:
- runs axe-core (vendored in static/vendor/axe-core): no serious or critical violation;
- checks at 1366×768 that every table's right edge is inside the viewport or inside a scroll
  container (wide tables scroll inside their card instead of being cut off).
Pages after the first are found by following the first link of the previous page that matches a
pattern, as a user would, so the journey does not depend on the demo database's ids.

Then: a form filled and submitted by keyboard only (with a visible focus ring on every stop), and
text at 200 % on a few main pages (no clipped text, the navigation still reachable)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.helpers import DEMO_PASSWORD, login

AXE = Path(__file__).resolve().parent.parent / "static" / "vendor" / "axe-core" / "axe.min.js"

# No axe rule is disabled. (A rule could be, only with a written reason here.)
AXE_RUN = "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"

# Every <table> whose right edge is outside the viewport and not inside an element that scrolls
# horizontally (overflow-x auto/scroll) is "cut off".
CUT_OFF_TABLES = """() => {
  const out = [];
  const vw = document.documentElement.clientWidth;
  for (const table of document.querySelectorAll('main table')) {
    const rect = table.getBoundingClientRect();
    if (rect.width === 0 || rect.right <= vw + 1) continue;
    let scroller = null;
    for (let el = table.parentElement; el && el !== document.body; el = el.parentElement) {
      const ox = getComputedStyle(el).overflowX;
      if (ox === 'auto' || ox === 'scroll') { scroller = el; break; }
    }
    if (!scroller || scroller.getBoundingClientRect().right > vw + 1) {
      out.push((table.id ? '#' + table.id : '') + '.' + table.className + ' right=' + Math.round(rect.right));
    }
  }
  return out;
}"""

# Elements with visible text that is clipped: overflow hidden and content wider than the box.
CLIPPED_TEXT = """() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    if (!['hidden', 'clip'].includes(style.overflowX)) continue;
    if (!el.innerText || !el.innerText.trim()) continue;
    if (el.closest('.visually-hidden, .d-none, [hidden]')) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      out.push(el.tagName.toLowerCase() + '.' + el.className + ': ' + el.innerText.trim().slice(0, 30));
    }
  }
  return out;
}"""


@pytest.fixture()
def desktop(browser: Browser, live_server) -> Iterator[Page]:
    # bypass_csp only so that the test can inject axe-core; the pages themselves run under the CSP
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 768}, locale="zh-CN", bypass_csp=True
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def problems_of(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:8]}"
        for v in page.evaluate(AXE_RUN)
        if v["impact"] in ("serious", "critical")
    ]
    found += [f"表格被截断：{t}" for t in page.evaluate(CUT_OFF_TABLES)]
    return found


def follow(page: Page, pattern: str) -> str:
    """The first link on the page whose path matches pattern (the next page of the journey)."""
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    for href in hrefs:
        path = href.split("?")[0].split("#")[0]
        if re.fullmatch(pattern, path):
            return href
    raise AssertionError(f"{page.url} 上没有匹配 {pattern} 的链接：{sorted(set(hrefs))}")


def walk(page: Page, username: str, steps: list[str]) -> list[str]:
    """Log in and visit each step: a path ("/x/"), "~pattern" = the first matching link on the
    previous page, or "N~pattern" = the first matching link on the N-th page visited (0-based).
    Returns the visited paths; fails with every page's problems at once."""
    login(page, username)
    visited: list[str] = []
    report: dict[str, list[str]] = {}
    for step in steps:
        if "~" in step:
            origin, pattern = step.split("~", 1)
            if origin:  # "N~pattern": the link is on the N-th page visited (back to it first)
                page.goto(visited[int(origin)])
            url = follow(page, pattern)
        else:
            url = step
        response = page.goto(url)
        assert response is not None and response.status == 200, (url, response and response.status)
        page.wait_for_load_state("load")
        visited.append(url)
        found = problems_of(page)
        if found:
            report[url] = found
    assert report == {}, "\n".join(f"{url}\n  " + "\n  ".join(found) for url, found in report.items())
    return visited


def test_the_office_journey_is_accessible(desktop: Page, live_server):
    visited = walk(
        desktop,
        "office",
        [
            "/",
            "/assessments/frameworks/",
            r"~/assessments/frameworks/\d+/",
            "/assessments/campaigns/",
            r"~/assessments/campaigns/\d+/",
            r"~/assessments/campaigns/\d+/matrix/",
            "/assessments/results/",
            r"~/assessments/results/\d+/",
            "/problems/",
            r"~/problems/\d+/",
            "/accountability/rounds/",
            r"~/accountability/rounds/\d+/",
            r"~/accountability/dossiers/(leaders|orgs)/\d+/\d+/",
            "/experts/pool/",
            r"~/experts/pool/\d+/",
            "/selections/",
            r"~/selections/editions/\d+/",
            "/notices/",
            r"~/notices/\d+/",
            "/performance/",
            r"~/performance/\d+/",
        ],
    )
    assert len(visited) == 21


def test_the_county_journey_is_accessible(desktop: Page, live_server):
    walk(
        desktop,
        "enping",
        [
            "/",
            "/assessments/campaigns/",
            r"~/assessments/campaigns/\d+/",
            r"~/assessments/campaigns/\d+/self/(\d+/)?",
            r"~/assessments/self/\d+/",
            r"2~/assessments/campaigns/\d+/bonus-claims/",
            "/problems/",
            r"~/problems/\d+/",
            "/assessments/results/",
            r"~/assessments/results/\d+/publication/",
            r"~/assessments/results/\d+/feedback/\d+/",
            "/assessments/rectifications/",
        ],
    )


def test_the_assessor_journey_is_accessible(desktop: Page, live_server):
    walk(
        desktop,
        "assessor_sfj",
        [
            "/",
            "/assessments/campaigns/",
            r"~/assessments/campaigns/\d+/",
            r"~/assessments/campaigns/\d+/scoring/",
            r"~/assessments/scores/\d+/",
        ],
    )


def test_the_leader_journey_is_accessible(desktop: Page, live_server):
    walk(
        desktop,
        "leader_pengjiang_sj",
        ["/", "/accountability/mine/", r"~/accountability/reports/\d+/", "/accountability/dossiers/me/"],
    )


def test_the_expert_journey_is_accessible(desktop: Page, live_server):
    walk(desktop, "expert01", ["/", "/experts/tasks/", "/experts/me/"])


@pytest.mark.parametrize(
    ("username", "steps"),
    [
        ("sysadmin", ["/", "/accounts/users/", r"~/accounts/users/\d+/", "/orgs/"]),
        ("secadmin", ["/", "/accounts/security/"]),
        ("auditadmin", ["/", "/audit/", r"~/audit/\d+/"]),
    ],
)
def test_the_admin_journeys_are_accessible(desktop: Page, live_server, username: str, steps: list[str]):
    walk(desktop, username, steps)


FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none';
  const rect = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), name: el.getAttribute('name') || el.id || el.innerText.trim().slice(0, 20),
          ring: ring, visible: rect.width > 0 && rect.height > 0};
}"""


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching selector has the focus; every stop on the way must show
    a visible focus ring (outline or shadow)."""
    if page.evaluate("s => document.activeElement.matches(s)", selector):
        return  # already there (autofocus)
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        assert state is not None, "焦点离开了页面"
        assert state["ring"] and state["visible"], f"焦点不可见：{state}"
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"按 {limit} 次 Tab 仍未到达 {selector}")


def choose_by_keyboard(page: Page, label: str, limit: int = 80) -> None:
    """On the focused <select>: arrow down until the selected option reads label."""
    for _ in range(limit):
        if page.evaluate("() => document.activeElement.selectedOptions[0]?.textContent.trim()") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"下拉框中没有“{label}”")


def test_a_problem_is_registered_with_the_keyboard_only(desktop: Page, live_server):
    from problems.models import Problem

    title = f"键盘登记的问题线索（浏览器测试 {time.time_ns()}）"
    page = desktop
    page.goto("/accounts/login/")
    tab_to(page, "input[name=username]")
    page.keyboard.type("office")
    tab_to(page, "input[name=password]")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login" not in url)

    page.goto("/problems/")
    page.keyboard.press("Tab")  # the first stop is the skip link, shown when it has the focus
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0  # type: ignore[index]
    tab_to(page, "#register-problem")
    if os.environ.get("A11Y_SHOTS"):
        page.screenshot(path=f"{os.environ['A11Y_SHOTS']}/focus_register_problem.png")
    page.keyboard.press("Enter")
    page.wait_for_url("**/problems/new/")

    tab_to(page, "select[name=source]")
    choose_by_keyboard(page, "12345转办")
    tab_to(page, "input[name=title]")
    page.keyboard.type(title)
    tab_to(page, "textarea[name=description]")
    page.keyboard.type("群众反映：窗口办事需反复提交同一材料。")
    tab_to(page, "select[name=org]")
    choose_by_keyboard(page, "恩平市")
    tab_to(page, "#register-form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.locator("#problem-title")).to_have_text(title)
    problem = Problem.objects.get(title=title)
    assert (problem.get_source_display(), problem.org.name) == ("12345转办", "恩平市")


# A few main pages at 200 % text size (the root font size doubled, as a browser's text-size
# setting does): no text clipped, no page-wide horizontal scrolling, every navigation entry on screen.
# What sticks out of the viewport (outside any horizontal scroll container): named in the message.
STICKING_OUT = """() => {
  const vw = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= vw + 1) continue;
    let scrolls = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) { scrolls = true; break; }
    }
    if (!scrolls && ![...el.children].some(c => c.getBoundingClientRect().right > vw + 1)) {
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + el.className);
    }
  }
  return out.slice(0, 5);
}"""

NAV_REACHABLE = """() => [...document.querySelectorAll('#mainnav .navbar-nav > .nav-item > .nav-link')]
  .filter(a => { const r = a.getBoundingClientRect();
                 return r.width === 0 || r.left < 0 || r.right > document.documentElement.clientWidth + 1; })
  .map(a => a.innerText.trim())"""


def test_text_scales_to_200_percent_without_loss(desktop: Page, live_server):
    page = desktop
    login(page, "office")
    report: dict[str, list[str]] = {}
    pages = ["/", "/problems/", "/assessments/campaigns/", "/performance/", "/notices/", "/experts/pool/"]
    pages += [follow_from(page, "/performance/", r"/performance/\d+/")]
    pages += [follow_from(page, "/assessments/campaigns/", r"/assessments/campaigns/\d+/")]
    pages += [follow_from(page, pages[-1], r"/assessments/campaigns/\d+/matrix/")]
    for url in pages:
        page.goto(url)
        page.add_style_tag(content="html { font-size: 200% !important; }")
        if os.environ.get("A11Y_SHOTS"):
            page.screenshot(path=f"{os.environ['A11Y_SHOTS']}/zoom{url.replace('/', '_')}.png")
        found = [f"文字被截断：{c}" for c in page.evaluate(CLIPPED_TEXT)]
        found += [f"导航不可达：{n}" for n in page.evaluate(NAV_REACHABLE)]
        if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"):
            found.append(f"页面横向溢出：{page.evaluate(STICKING_OUT)}")
        if found:
            report[url] = found
    assert report == {}, report


def follow_from(page: Page, origin: str, pattern: str) -> str:
    page.goto(origin)
    return follow(page, pattern)
