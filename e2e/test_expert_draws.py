"""咨询专家库 in a real browser: the office draws a panel through the wizard (the
htmx preview of the candidate list), publishes the commitment, executes, sees the
draw verified; an expert drawn onto the panel declines on a phone with a reason
and the first backup takes the seat.

The draw is the test's own; it is cancelled at the end so the shared demo data
keeps no open task from it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.helpers import login

PURPOSE = "浏览器测试：述法评议专家组"


def test_the_office_draws_a_panel_and_a_drawn_expert_declines_on_a_phone(
    page: Page, phone_page: Page, transactional_db
):
    from accounts.models import User
    from experts import services
    from experts.models import Assignment, Draw, Expert

    login(page, "office")
    page.goto("/experts/draws/new/")
    page.fill("input[name=purpose]", PURPOSE)
    page.fill("input[name=size]", "30")
    expect(page.locator("#preview-refused")).to_contain_text("不足以抽取 30 人")
    page.fill("input[name=size]", "3")
    page.fill("input[name=backups]", "1")
    page.get_by_label("刑事法").check()
    expect(page.locator("#draw-preview")).to_contain_text("可以抽取")
    expect(page.locator("#preview-excluded")).to_contain_text("状态为暂停")
    page.get_by_role("button", name="冻结名单并公布承诺值").click()
    page.wait_for_url("**/experts/draws/*/")
    draw = Draw.objects.filter(purpose=PURPOSE).latest("pk")
    try:
        expect(page.locator("#commitment")).to_have_text(draw.commitment)
        expect(page.locator("#seed")).to_have_count(0)
        page.on("dialog", lambda dialog: dialog.accept())  # data-confirm before executing
        page.locator("#execute-draw").click()
        expect(page.locator("#verify-ok")).to_be_visible()
        draw.refresh_from_db()
        expect(page.locator("#seed")).to_have_text(draw.seed)
        criminal = set(Expert.objects.filter(fields__code="criminal").values_list("pk", flat=True))
        assert draw.result is not None and criminal & set(draw.result["panel"])

        seat = (
            Assignment.objects.filter(draw=draw, role="member")
            .select_related("expert__user")
            .order_by("pk")[0]
        )
        backup = Assignment.objects.get(draw=draw, role="backup")
        assert seat.expert.user is not None  # the draw asked for experts with an account
        username = seat.expert.user.username
        login(phone_page, username)
        phone_page.goto("/experts/tasks/")
        card = phone_page.locator(f"#assignment-{seat.pk}")
        expect(card).to_contain_text(PURPOSE)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 376, f"我的任务 overflows a 375 px phone ({width} px)"
        card.locator("input[name=reason]").fill("与被评议单位存在利害关系，申请回避")
        card.get_by_role("button", name="说明理由并谢绝").click()
        expect(phone_page.locator("#messages")).to_contain_text(f"候补专家 {backup.expert.name} 已按顺位递补")
        backup.refresh_from_db()
        assert (backup.status, backup.replaces_id) == ("active", seat.pk)

        page.reload()
        expect(page.locator("#assignment-table")).to_contain_text("与被评议单位存在利害关系")
        assert User.objects.get(username=username).expert_profile.pk == seat.expert_id
    finally:
        office = User.objects.get(username="office")
        draw.refresh_from_db()
        if draw.status != "cancelled":
            services.draw_cancel(actor=office, draw=draw, reason="浏览器测试结束")
