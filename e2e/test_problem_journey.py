"""The problem tracker end to end in a real browser: the office registers a clue
and assigns it to 恩平市, the county signs and rectifies it at once (立行立改),
the office accepts it and closes it (销号); then the statistics page draws its
charts and a click on the state chart's 已销号 bar lists the closed problems.

The clue is the test's own (its title carries a timestamp), on the shared demo data."""

from __future__ import annotations

import datetime
import re
import time

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from e2e.helpers import login, logout


def test_register_assign_sign_rectify_accept_close(page: Page, live_server, transactional_db):
    from problems.models import Problem

    page.on("dialog", lambda dialog: dialog.accept())
    title = f"恩平市某路段违规设卡查车（浏览器测试 {time.time_ns()}）"
    deadline = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()

    # 依法治办 registers the clue from the list page …
    login(page, "office")
    page.goto("/problems/")
    page.locator("#register-problem").click()
    page.select_option("select[name=source]", label="12345转办")
    page.fill("input[name=title]", title)
    page.fill("textarea[name=description]", "群众反映：夜间设卡，只罚款不纠正。")
    page.select_option("#register-form select[name=org]", label="恩平市")
    page.locator("#register-form button[type=submit]").click()
    expect(page.locator("#problem-title")).to_have_text(title)
    expect(page.locator("#problem-state")).to_contain_text("已登记")
    problem_url = page.url

    # … and assigns it to 恩平市 with a deadline (a date in the past is refused first)
    page.select_option("#step-assign select[name=org]", label="恩平市")
    page.fill("#step-assign input[name=deadline]", "2000-01-01")
    page.locator("#step-assign button[type=submit]").click()
    expect(page.locator("#step-assign")).to_contain_text("早于问题的登记日期")
    page.select_option("#step-assign select[name=org]", label="恩平市")
    page.fill("#step-assign input[name=deadline]", deadline)
    page.fill("#step-assign textarea[name=note]", "请于期限内核查整改。")
    page.locator("#step-assign button[type=submit]").click()
    expect(page.locator("#problem-state")).to_contain_text("已交办")
    logout(page)

    # 恩平市 finds it among its to-dos, signs it and rectifies it at once
    login(page, "enping")
    expect(page.locator("#todo-list")).to_contain_text("问题待签收")
    page.goto(problem_url)
    page.locator("#step-sign button[type=submit]").click()
    expect(page.locator("#problem-state")).to_contain_text("已签收")
    page.fill("#step-rectify_now textarea[name=note]", "已撤除违规卡点，对执勤人员批评教育。")
    page.locator("#step-rectify_now button[type=submit]").click()
    expect(page.locator("#problem-state")).to_contain_text("已整改")
    expect(page.locator("#problem-state")).to_contain_text("立行立改")
    logout(page)

    # 依法治办 accepts and closes it; the history keeps every step
    login(page, "office")
    page.goto(problem_url)
    page.locator("#step-accept button[type=submit]").click()
    expect(page.locator("#problem-state")).to_contain_text("已验收")
    page.locator("#step-close button[type=submit]").click()
    expect(page.locator("#problem-state")).to_contain_text("已销号")
    history = page.locator("#problem-history")
    for step in ("登记", "交办", "签收", "立行立改", "验收通过", "销号"):
        expect(history).to_contain_text(step)
    problem = Problem.objects.get(title=title)
    assert problem.state == "closed"
    assert list(problem.events.values_list("action", flat=True)) == [
        "registered", "assign", "sign", "rectify_now", "accept", "close",
    ]  # fmt: skip

    # the statistics: charts are drawn, and a bar opens the list behind it
    page.goto("/problems/stats/")
    chart = page.locator('[data-chart-src*="state.json"]')
    expect(chart.locator("canvas")).to_have_count(1)
    # just above the foot of the 已销号 bar, where ECharts draws it (bars grow from the axis
    # while the chart animates in: retry until the click lands and the list opens)
    x, y = page.evaluate(
        """(el) => {
            const chart = window.echarts.getInstanceByDom(el);
            const data = chart.getOption().series[0].data;
            const i = data.findIndex((d) => d.url.endsWith("state=closed"));
            const [x, foot] = chart.convertToPixel({ seriesIndex: 0 }, [i, 0]);
            const r = el.getBoundingClientRect();
            return [r.left + x, r.top + foot - 4];
        }""",
        chart.element_handle(),
    )
    for _ in range(10):
        page.mouse.click(x, y)
        try:
            page.wait_for_url(re.compile(r"/problems/\?state=closed"), timeout=1000)
            break
        except PlaywrightTimeout:
            continue
    assert "state=closed" in page.url
    expect(page.locator("#problem-rows")).to_contain_text(title)
