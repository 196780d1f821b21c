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

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.helpers import login

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
    import json, os
    if os.environ.get("A11Y_DUMP"):
        with open(os.environ["A11Y_DUMP"] + ".nodes", "a") as fh:
            for v in page.evaluate(AXE_RUN):
                for n in v["nodes"]:
                    fh.write(json.dumps([page.url, v["id"], v["impact"], n["target"], n["html"][:150], n.get("failureSummary", "")[-200:]], ensure_ascii=False) + "\n")
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
    previous page, or "N~pattern" = the first matching link on the N-th page visited. Returns the visited paths; fails with every page's problems at once."""
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
    import json, os
    if os.environ.get("A11Y_DUMP"):
        with open(os.environ["A11Y_DUMP"], "a") as fh:
            fh.write(json.dumps(report, ensure_ascii=False) + "\n")
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
    assert len(visited) == 20


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
