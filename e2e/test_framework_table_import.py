"""导入考评办法（xlsx/docx） in a real browser: the office uploads a table as published,
reads the parsed tree with its source cells and findings, corrects a name and saves a draft."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from assessments.tests.framework_tables import three_levels
from e2e.helpers import login


def test_the_office_imports_a_published_table_corrects_it_and_saves_a_draft(
    page: Page, live_server, tmp_path: Path
):
    from accounts.models import User
    from assessments.models import Framework
    from assessments.services import frameworks as fw

    table = tmp_path / "2031年度考评细则.xlsx"
    table.write_bytes(three_levels())
    login(page, "office")
    page.goto("/assessments/frameworks/")
    page.get_by_role("link", name="导入考评办法（xlsx/docx）").click()
    page.locator("input[type=file]").set_input_files(str(table))
    page.get_by_role("button", name="识别表格").click()

    expect(page.locator("#table-findings")).to_contain_text("永远扣不到 0 分")
    tree = page.locator("#parsed-tree")
    expect(tree).to_contain_text("Sheet1!E4")
    expect(tree).to_contain_text("每发现一处未经审查的扣0.5分")
    name = tree.locator("input[value='重大决策合法性审查']")
    name.fill("重大行政决策合法性审查")
    page.get_by_label("年度").fill("2031")
    page.get_by_label("名称").fill("2031年度考评细则（浏览器测试）")
    page.get_by_role("button", name="保存为草稿考评办法").click()

    expect(page.locator("body")).to_contain_text("已导入考评办法")
    expect(page.locator("body")).to_contain_text("重大行政决策合法性审查")
    framework = Framework.objects.get(year=2031, name="2031年度考评细则（浏览器测试）")
    fw.framework_delete(actor=User.objects.get(username="office"), framework=framework)


def test_the_office_corrects_kinds_and_flags_and_checks_the_corrected_table_again(
    page: Page, live_server, tmp_path: Path
):
    from accounts.models import User
    from assessments.models import Framework

    table = tmp_path / "2032年度考评细则.xlsx"
    table.write_bytes(three_levels())
    login(page, "office")
    page.goto("/assessments/frameworks/import-table/")
    page.locator("input[type=file]").set_input_files(str(table))
    page.get_by_role("button", name="识别表格").click()
    expect(page.locator("#table-findings")).to_contain_text("永远扣不到 0 分")

    tree = page.locator("#parsed-tree")
    tree.locator("input[name=r0_0_0_0_cap]").fill("10")
    page.get_by_label("板块「法治社会建设」的类型").select_option("survey")
    tree.locator("input[name=s1_survey_scale]").fill("100")
    tree.locator("input[name=i0_0_0_overflow]").check()
    page.get_by_role("button", name="按修改重新核对（不保存）").click()

    expect(page.locator("#table-findings")).to_contain_text("已按修改后的内容重新核对")
    expect(page.locator("#table-findings")).not_to_contain_text("永远扣不到 0 分")
    assert not Framework.objects.filter(year=2032).exists()
    page.locator("#id_year").fill("2032")
    page.get_by_role("button", name="保存为草稿考评办法").click()

    expect(page.locator("body")).to_contain_text("已导入考评办法")
    framework = Framework.objects.get(year=2032)
    survey = framework.sections.get(kind="survey")
    assert (survey.name, survey.survey_scale) == ("法治社会建设", 100)
    assert framework.sections.get(order=1).indicators.get(code="1.1.1").overflow
    from assessments.services import frameworks as fw

    fw.framework_delete(actor=User.objects.get(username="office"), framework=framework)
