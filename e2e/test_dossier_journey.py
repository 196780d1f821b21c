"""述、评、督、考、责 in a real browser: the office opens a 述法 round and chooses a
reviewer; a county leader writes its report from the template and submits it; the
reviewer rates it 不满意; the office runs the 责 rules and confirms the proposed
约谈 with a reason; the leader sees it all in its own dossier and cannot open
another leader's.

The round is the test's own (year 2026; the demo's is 2023)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.helpers import login, logout

YEAR = "2026"


def test_a_leader_submits_is_rated_and_sees_the_confirmed_action_in_its_dossier(page: Page, transactional_db):
    from accountability.models import AccountabilityAction, ShufaReport
    from accounts.models import User

    reviewer = User.objects.get(username="assessor_sfj")
    leader = User.objects.get(username="leader_pengjiang_sj")
    other = User.objects.get(username="leader_jianghai_sj")

    login(page, "office")
    page.goto("/accountability/rounds/new/")
    page.fill("input[name=year]", YEAR)
    page.fill("input[name=title]", "浏览器测试述法")
    page.fill("input[name=deadline]", "2099-12-31")
    page.fill("textarea[name=template]", "一、履行推进法治建设第一责任人职责情况\n二、存在问题")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/accountability/rounds/*/")
    page.check(f"input[name=reviewers][value='{reviewer.pk}']")
    page.get_by_role("button", name="确定评议人").click()
    expect(page.get_by_text("评议人已确定。")).to_be_visible()

    logout(page)
    login(page, "leader_pengjiang_sj")
    page.goto("/accountability/mine/")
    page.get_by_role("row", name="浏览器测试述法").get_by_role("link", name="填写").click()
    expect(page.locator("textarea[name=body]")).to_contain_text("第一责任人职责")
    page.fill("textarea[name=body]", "一、履行推进法治建设第一责任人职责情况：主持研究法治建设 4 次。")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="提交述法报告").click()
    expect(page.locator("#report-state")).to_have_text("已提交")
    report = ShufaReport.objects.get(round__year=int(YEAR), leader=leader)

    logout(page)
    login(page, "assessor_sfj")
    page.goto(f"/accountability/reports/{report.pk}/")
    page.select_option("select[name=grade]", "不满意")
    page.fill("input[name=score]", "150")
    page.get_by_role("button", name="保存评议").click()
    expect(page.get_by_text("评分须为 0 到 100 之间的整数。")).to_be_visible()
    page.select_option("select[name=grade]", "不满意")  # the refused form is not kept: nothing was saved
    page.fill("input[name=score]", "45")
    page.get_by_role("button", name="保存评议").click()
    expect(page.get_by_text("评议已保存。")).to_be_visible()

    logout(page)
    login(page, "office")
    page.goto("/accountability/actions/")
    page.fill("input[name=year]", YEAR)
    page.get_by_role("button", name="按规则生成问责建议").click()
    # 约谈 and 通报批评 for this leader (other browser tests may leave overdue problems that add others)
    expect(page.get_by_text(re.compile(r"已按规则生成 \d+ 条新的问责建议。"))).to_be_visible()
    assert set(
        AccountabilityAction.objects.filter(year=int(YEAR), leader=leader).values_list("kind", flat=True)
    ) == {"talk", "criticise"}
    talk = AccountabilityAction.objects.get(year=int(YEAR), leader=leader, kind="talk")
    row = page.locator(f"#action-{talk.pk}")
    row.locator("select[name=decision]").select_option("confirm")
    row.locator("input[name=reason]").fill("述法评议不满意，按规定约谈")
    row.get_by_role("button", name="提交").click()
    expect(page.locator(f"#action-{talk.pk}")).to_contain_text("已确认")

    logout(page)
    login(page, "leader_pengjiang_sj")
    page.goto("/accountability/dossiers/me/")
    expect(page.locator("#dossier-reports")).to_contain_text("45.00")
    expect(page.locator("#dossier-actions")).to_contain_text("约谈")
    expect(page.locator("#dossier-actions")).to_contain_text("已确认")
    response = page.goto(f"/accountability/dossiers/leaders/{other.pk}/{YEAR}/")
    assert response is not None and response.status == 404
