"""法治建设考评 end to end in a real browser: self-assess → score (经办 + 审核)
→ appeal → answer → decide → publish → feedback and 整改.

The campaign is the test's own (year 2039 or the next free one, one target 恩平市, two indicators
of 市司法局), set up through the services; every step of the journey goes
through the pages, as the users would."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import FilePayload, Page, expect

from e2e.helpers import login, logout

FIRST_YEAR = 2039


@pytest.fixture()
def journey_campaign(transactional_db):
    from accounts.models import User
    from assessments.models import Campaign, Framework
    from assessments.services import campaigns as campaign_services
    from assessments.services import frameworks as fw
    from orgs.models import Org

    office = User.objects.get(username="office")
    # The demo database is shared by the session: a rerun takes the next free year.
    year = next(
        y
        for y in range(FIRST_YEAR, FIRST_YEAR + 50)
        if not Framework.objects.filter(year=y).exists() and not Campaign.objects.filter(year=y).exists()
    )
    framework = fw.framework_create(
        actor=office, year=year, name=f"{year}年度考评办法（浏览器测试）", total_score=Decimal("10")
    )
    section = fw.section_create(actor=office, framework=framework, code="一", name="法治政府建设", order=1)
    sfj = Org.objects.get(code="440700-SFJ")
    first = fw.indicator_create(
        actor=office,
        section=section,
        code="1.1",
        name="行政执法案卷评查",
        max_score=Decimal("6"),
        method="deduct",
        order=1,
        assessors=[sfj],
    )
    fw.rule_create(
        actor=office,
        indicator=first,
        code="1.1-1",
        text="案卷评查不合格的，每宗扣1分",
        kind="deduct",
        points=Decimal("1"),
        max_points=Decimal("6"),
    )
    second = fw.indicator_create(
        actor=office,
        section=section,
        code="1.2",
        name="行政复议规范化",
        max_score=Decimal("4"),
        method="deduct",
        order=2,
        assessors=[sfj],
    )
    fw.rule_create(
        actor=office,
        indicator=second,
        code="1.2-1",
        text="复议决定未按期作出的，每件扣1分",
        kind="deduct",
        points=Decimal("1"),
    )
    framework = fw.framework_lock(actor=office, framework=Framework.objects.get(pk=framework.pk))
    today = datetime.date.today()
    deadlines = {
        phase: (None, today + datetime.timedelta(days=days))
        for phase, days in (
            ("self_assess", 5),
            ("scoring", 10),
            ("feedback", 15),
            ("appeal", 20),
            ("review", 25),
            ("published", 30),
        )
    }
    campaign = campaign_services.campaign_create(
        actor=office,
        year=year,
        name=f"{year}年度法治建设考评（浏览器测试）",
        framework=framework,
        targets=[Org.objects.get(code="440785")],
        assessors=[sfj],
        deadlines=deadlines,
    )
    return campaign


def advance(page: Page, campaign_pk: int, to: str) -> None:
    page.goto(f"/assessments/campaigns/{campaign_pk}/")
    page.locator("#advance-card button[type=submit]", has_text=f"进入「{to}」").click()
    expect(page.locator(".phase-steps li.current")).to_contain_text(to)


def test_self_assess_score_appeal_decide_publish(page: Page, live_server, journey_campaign):
    from assessments.models import Publication, Score

    campaign = journey_campaign
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm questions

    # 依法治办 opens the campaign: 部署 → 自评填报
    login(page, "office")
    advance(page, campaign.pk, "自评填报")
    logout(page)

    # 恩平市 fills and submits both self-assessments
    login(page, "enping")
    enping = campaign.targets.get()
    page.goto(f"/assessments/campaigns/{campaign.pk}/self/{enping.pk}/")
    for code, self_score in (("1.1", "6"), ("1.2", "4")):
        page.locator("tr", has_text=code).get_by_role("link", name="填写").click()
        page.fill("input[name=self_score]", self_score)
        page.fill("textarea[name=narrative]", f"{code}：全年按要求完成，台账齐全（浏览器测试）。")
        page.locator("button[name=action][value=submit]").click()
        expect(page.locator(".alert-success, .badge", has_text=re.compile("已提交")).first).to_be_visible()
        page.goto(f"/assessments/campaigns/{campaign.pk}/self/{enping.pk}/")
    logout(page)

    login(page, "office")
    advance(page, campaign.pk, "考评评分")
    logout(page)

    # 市司法局 经办 scores: 1.1 loses 2 points by rule 1.1-1, 1.2 full marks
    scores = {
        s.indicator.code: s for s in Score.objects.filter(campaign=campaign).select_related("indicator")
    }
    login(page, "assessor_sfj")
    page.goto(f"/assessments/scores/{scores['1.1'].pk}/")
    rule = scores["1.1"].indicator.rules.get()
    page.fill(f"input[name=rule_{rule.pk}_count]", "2")
    page.fill(f"input[name=rule_{rule.pk}_reason]", "抽查发现2宗案卷文书不规范")
    page.fill(f"input[name=rule_{rule.pk}_evidence]", "案卷编号 EP-2039-07、EP-2039-11")
    page.locator("button[name=action][value=submit]").click()
    expect(page.locator("#score-value")).to_contain_text("4")
    page.goto(f"/assessments/scores/{scores['1.2'].pk}/")
    page.locator("button[name=action][value=submit]").click()
    expect(page.locator("#score-value")).to_contain_text("4")
    logout(page)

    # 市司法局 审核 approves both (the 经办 may not approve its own)
    login(page, "assessor_sfj_sh")
    for code in ("1.1", "1.2"):
        page.goto(f"/assessments/scores/{scores[code].pk}/")
        page.get_by_role("button", name="审核通过").click()
        expect(page.locator("#score-editor .badge", has_text="已审核生效")).to_be_visible()
    logout(page)

    login(page, "office")
    advance(page, campaign.pk, "结果反馈")
    advance(page, campaign.pk, "申诉复核")
    logout(page)

    # 恩平市 sees only its own scores and appeals the 2 lost points, with a file
    login(page, "enping")
    page.goto(f"/assessments/results/{campaign.pk}/")
    expect(page.locator("main")).to_contain_text("考评结果尚未公布")
    page.get_by_role("link", name=re.compile("查看本单位得分")).click()
    expect(page.locator("#target-scores")).to_contain_text("行政执法案卷评查")
    page.locator("#target-scores a", has_text="申诉").click()
    page.fill("textarea[name=reason]", "EP-2039-11 号案卷文书已于考评前补正，请予复核。")
    note: FilePayload = {
        "name": "补正说明.txt",
        "mimeType": "text/plain",
        "buffer": "案卷补正情况说明".encode(),
    }
    page.set_input_files("input[name=evidence]", files=[note])
    page.get_by_role("button", name="提交申诉").click()
    expect(page.locator("#appeal-status")).to_have_text("已提交")
    expect(page.locator("#appeal-evidence")).to_contain_text("补正说明.txt")
    appeal_url = page.url
    logout(page)

    # 市司法局 answers
    login(page, "assessor_sfj")
    page.goto(appeal_url)
    page.fill("textarea[name=answer]", "经核实，EP-2039-11 号案卷确已补正，同意加回1分。")
    page.get_by_role("button", name="提交答复").click()
    expect(page.locator("#appeal-status")).to_have_text("考评单位已答复")
    logout(page)

    # 依法治办 decides: 改分 to 5; first tries 7 (above 分值) and is told
    login(page, "office")
    page.goto(appeal_url)
    page.select_option("select[name=decision]", "changed")
    page.fill("input[name=decided_score]", "7")
    page.fill("textarea[name=decision_note]", "采纳考评单位意见")
    page.get_by_role("button", name="提交裁决").click()
    expect(page.locator("main")).to_contain_text("得分须在 0 至 6 分之间")
    page.select_option("select[name=decision]", "changed")
    page.fill("input[name=decided_score]", "5")
    page.fill("textarea[name=decision_note]", "采纳考评单位意见，扣1分")
    page.get_by_role("button", name="提交裁决").click()
    expect(page.locator("#appeal-decision")).to_contain_text("得分改为 5.00 分")
    assert Score.objects.get(pk=scores["1.1"].pk).score == Decimal("5.00")

    # 申诉复核 → 审定, then publish from the results page
    advance(page, campaign.pk, "审定")
    page.goto(f"/assessments/results/{campaign.pk}/")
    expect(page.locator("#ranking")).to_contain_text("9.00")
    page.get_by_role("button", name="公布考评结果").click()
    expect(page.locator("#sha256")).to_have_text(Publication.objects.get(campaign=campaign).sha256)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("考评结果通报")).click()
    assert download.value.suggested_filename == f"{campaign.year}年度法治建设考评结果通报.docx"
    logout(page)

    # 恩平市 reads its feedback and sends the lost point to 整改
    login(page, "enping")
    page.goto(f"/assessments/results/{campaign.pk}/feedback/{enping.pk}/")
    lost = page.locator("#lost-1\\.1")
    expect(lost).to_contain_text("失分 1.00")
    expect(lost).to_contain_text("经办：")
    lost.get_by_role("button", name="列入整改").click()
    expect(page.locator("#lost-1\\.1")).to_contain_text("已列入整改")
    # the old 整改清单 address leads to the problem tracker, where the lost point is now a problem
    page.goto("/assessments/rectifications/")
    expect(page).to_have_url(re.compile(r"/problems/\?source=assessment"))
    expect(page.locator("#problem-rows")).to_contain_text("行政执法案卷评查")
