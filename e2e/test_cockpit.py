"""The leaders' cockpit (驾驶舱) in a real browser: the office lands on it, every
chart is drawn (under the strict CSP, from the chart endpoints), its numbers are
in a table beside it, the year switcher reloads the page, and a click on a bar
opens the list behind it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.helpers import login


def bar_centre(page: Page, chart_id: str, series: int, index: int) -> tuple[float, float]:
    """Where bar `index` of `series` is drawn on the page (from ECharts' own layout)."""
    box = page.locator(f"#{chart_id}").bounding_box()
    assert box is not None
    layout = page.evaluate(
        """([id, series, index]) => {
            const chart = window.echarts.getInstanceByDom(document.getElementById(id));
            const l = chart.getModel().getSeriesByIndex(series).getData().getItemLayout(index);
            return {x: l.x, y: l.y, width: l.width, height: l.height};
        }""",
        [chart_id, series, index],
    )
    return box["x"] + layout["x"] + layout["width"] / 2, box["y"] + layout["y"] + layout["height"] / 2


def test_the_office_sees_the_cockpit_charts_and_follows_a_drill_down(page: Page, demo_data, live_server):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, "office")
    # other browser tests add campaigns of later years to the shared demo database: ask for 2023
    page.goto("/?year=2023")
    expect(page.get_by_role("heading", name="驾驶舱 · 2023年度")).to_be_visible()
    for key in ("assessments", "accountability", "selections", "performance"):
        expect(page.locator(f"#panel-{key}")).to_be_visible()
    charts = page.locator(".cockpit-panel .chart")
    assert charts.count() >= 7
    for i in range(charts.count()):
        expect(charts.nth(i)).to_have_attribute("data-drawn", "1")
        expect(charts.nth(i).locator("canvas")).to_have_count(1)
    # the numbers of the chart, as a table
    table = page.locator("#table-performance-execution")
    expect(table.get_by_role("row", name=re.compile("全面依法治市"))).to_contain_text("50.12")
    expect(page.locator("#todo-list li").first).to_be_visible()

    page.select_option("#cockpit-year-select", "2022")
    expect(page.get_by_role("heading", name="驾驶舱 · 2022年度")).to_be_visible()
    page.select_option("#cockpit-year-select", "2023")
    expect(page.get_by_role("heading", name="驾驶舱 · 2023年度")).to_be_visible()
    expect(page.locator("#chart-assessments-progress")).to_have_attribute("data-drawn", "1")

    # 蓬江区's 自评提交率 bar opens 蓬江区's self-assessment list
    page.wait_for_timeout(1500)  # the bars grow into place (ECharts' entry animation)
    x, y = bar_centre(page, "chart-assessments-progress", 0, 0)
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r"/assessments/campaigns/\d+/self/\d+/$"))
    expect(page.locator("main")).to_contain_text("蓬江区")
    # the tooltips are drawn on the canvas (renderMode richText): nothing breaks the strict CSP
    assert not [e for e in errors if "Content Security Policy" in e], errors
