"""惠民实事 end to end in a real browser: a resident nominates on a phone → the office
screens → a panel is put together through the seam (`selections.panel.panel_assign`) → the
expert scores → the office opens the vote and downloads codes → a resident votes
with a code → rank → 公示 → publish → the public results page. axe-core (vendored
from the npm registry) checks the public pages: no serious or critical violation.

The edition is the test's own (a free ordinal), on the shared demo database."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from e2e.helpers import login, logout

AXE = Path(__file__).resolve().parent.parent / "static" / "vendor" / "axe-core" / "axe.min.js"
TITLE = "社区“法治夜诊”便民服务（浏览器测试）"


@pytest.fixture()
def journey_edition(transactional_db):
    from django.db.models import Max

    from accounts.models import User
    from selections import services
    from selections.models import Edition

    office = User.objects.get(username="office")
    ordinal = (Edition.objects.aggregate(m=Max("ordinal"))["m"] or 0) + 1
    return services.edition_create(
        actor=office, year=2040 + ordinal, ordinal=ordinal, name=f"第{ordinal}届惠民实事评选（浏览器测试）"
    )


def public_page(browser: Browser, live_server) -> Page:
    # bypass_csp only so that the test can inject axe-core; the pages themselves run under the CSP
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 812}, locale="zh-CN", bypass_csp=True
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def captcha_answer(page: Page) -> str:
    from django.contrib.sessions.backends.db import SessionStore

    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    return SessionStore(session_key=key)["fazhi_captcha"]["a"]


def assert_accessible(page: Page) -> None:
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
        "页面在手机上横向溢出"
    )
    html = page.content()
    for internal in ("/assessments/", "/performance/", "/provincial/", "/orgs/", "工作台", "退出登录"):
        assert internal not in html


def advance(page: Page, edition_pk: int, to: str) -> None:
    page.goto(f"/selections/editions/{edition_pk}/")
    page.locator("#advance-button", has_text=f"进入「{to}」").click()
    expect(page.locator("#edition-phase")).to_have_text(to)


def test_nominate_screen_review_vote_publish(page: Page, browser: Browser, live_server, journey_edition):
    from accounts.models import User
    from selections import panel
    from selections.models import Nomination, Review

    edition = journey_edition
    page.on("dialog", lambda dialog: dialog.accept())
    resident = public_page(browser, live_server)

    # a resident nominates from a phone, without an account
    resident.goto(f"/public/huimin/{edition.pk}/nominate/")
    assert_accessible(resident)
    resident.fill("input[name=title]", TITLE)
    resident.fill("input[name=nominating_unit]", "市民陈某")
    resident.fill("textarea[name=description]", "在社区党群服务中心开设晚间法律咨询。")
    resident.fill("input[name=beneficiaries]", "上班族居民")
    resident.fill("input[name=budget]", "8")
    resident.fill("input[name=timeline]", "全年")
    resident.fill("input[name=captcha]", captcha_answer(resident))
    resident.get_by_role("button", name="提交推荐").click()
    expect(resident.locator("#lookup-code")).to_have_text(re.compile(r"^[A-Z0-9]{5}-[A-Z0-9]{5}$"))
    assert_accessible(resident)
    nomination = Nomination.objects.get(edition=edition, title=TITLE)

    # the office closes the call and screens it
    login(page, "office")
    advance(page, edition.pk, "资格审查")
    page.goto(f"/selections/nominations/{nomination.pk}/")
    page.get_by_label("符合条件", exact=True).check()
    page.fill("input[name=reason]", "符合评选条件")
    page.get_by_role("button", name="保存审查结论").click()
    expect(page.locator("#nomination-table")).to_contain_text("符合条件")

    # the panel comes from the expert pool's draw: here through the seam
    expert = User.objects.get(username="expert11")
    panel.panel_assign(
        actor=User.objects.get(username="office"), edition=edition, members=[(expert, None, [])]
    )
    advance(page, edition.pk, "专家评审")
    logout(page)

    # the expert scores its assignment
    login(page, "expert11")
    page.goto("/selections/reviews/")
    page.get_by_role("link", name=re.compile(TITLE)).click()
    for name, value in (
        ("legality", "9"),
        ("mass", "8.5"),
        ("inclusive", "8"),
        ("feasibility", "9"),
        ("innovation", "7"),
    ):
        page.fill(f"input[name={name}]", value)
    page.locator("#review-submit").click()
    expect(page.locator("#review-table")).to_contain_text("已提交")
    assert str(Review.objects.get(nomination=nomination).total) == "8.3000"
    logout(page)

    # the office opens the vote and downloads a batch of one-time codes
    login(page, "office")
    advance(page, edition.pk, "公众投票")
    page.goto(f"/selections/editions/{edition.pk}/votes/")
    page.fill("input[name=count]", "2")
    with page.expect_download() as download:
        page.get_by_role("button", name="生成并下载").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).worksheets[0]
    code = str(next(sheet.iter_rows(min_row=2, values_only=True))[1])

    # a resident votes with a code; the same code again is refused
    resident.goto(f"/public/huimin/{edition.pk}/vote/")
    assert_accessible(resident)
    resident.locator("label.vote-option", has_text=TITLE).click()
    resident.fill("input[name=code]", code)
    resident.get_by_role("button", name="投票").click()
    expect(resident.locator("#vote-ok")).to_contain_text(TITLE)
    resident.goto(f"/public/huimin/{edition.pk}/vote/")
    resident.locator("label.vote-option", has_text=TITLE).click()
    resident.fill("input[name=code]", code)
    resident.get_by_role("button", name="投票").click()
    expect(resident.locator("#vote-errors")).to_contain_text("该投票码已经使用过")

    # rank, 公示, publish
    advance(page, edition.pk, "综合排名")
    # a vote cast between 0:00 and 6:00 (this run's clock) is doubtful: the office decides it
    page.goto(f"/selections/editions/{edition.pk}/votes/")
    doubtful = page.locator("input[name=vote]")
    for i in range(doubtful.count()):
        doubtful.nth(i).check()
    if doubtful.count():
        page.locator("select[name=valid]").select_option("1")
        page.fill("input[name=reason]", "已电话回访核实（浏览器测试）")
        page.get_by_role("button", name="认定所选选票").click()
        expect(page.locator("#messages")).to_contain_text("存疑选票为有效")
    advance(page, edition.pk, "公示")
    resident.goto(f"/public/huimin/{edition.pk}/publicity/")
    assert_accessible(resident)
    advance(page, edition.pk, "公布")
    expect(page.locator("#nomination-table")).to_contain_text("入选")

    resident.goto(f"/public/huimin/{edition.pk}/results/")
    expect(resident.locator("#results-table")).to_contain_text(TITLE)
    assert_accessible(resident)
    resident.goto("/public/huimin/")
    assert_accessible(resident)
    resident.context.close()
