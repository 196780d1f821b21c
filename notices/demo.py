"""Demo of 通知公告: each county's 联络员 (and a few assessing units'), the 2023 考评
deployment notice sent to the seven counties — six signed and answered, 恩平市
silent and overdue — a notice still open this week, and a voided number in
the register. Dates are relative to today, like the 2023 campaign's."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import User
from assessments.models import Campaign
from fazhi.lib.writer import Writer
from notices import mailings, numbers, services
from notices.models import Contact, Module, Notice, NoticeRecipient
from orgs import demo as orgs_demo
from orgs.models import Org

SILENT = "440785"  # 恩平市: neither signed nor answered
SURNAMES = "王李张刘陈杨黄"


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _contacts(office: User) -> int:
    made = 0
    for n, (code, name, pinyin) in enumerate(orgs_demo.COUNTIES):
        org = Org.objects.get(code=code)
        user = User.objects.filter(username=pinyin).first()
        if not Contact.objects.filter(org=org).exists():
            services.contact_create(
                actor=user,
                org=org,
                data={
                    "module": Module.GENERAL,
                    "name": f"{SURNAMES[n]}联络员",
                    "position": f"{name}委依法治县办科员",
                    "phone": f"1380750{n:04d}",
                    "email": f"{pinyin}@demo.example",
                    "user": user,
                },
            )
            made += 1
    for abbr in ("sfj", "gaj", "czj"):
        org = Org.objects.get(code=orgs_demo.assessor_code(abbr))
        if not Contact.objects.filter(org=org).exists():
            services.contact_create(
                actor=office,
                org=org,
                data={
                    "module": Module.GENERAL,
                    "name": f"{org.display_name}联络员",
                    "phone": "",
                    "email": f"{abbr}@demo.example",
                },
            )
            made += 1
    return made


def _deployment(office: User, campaign: Campaign, today: datetime.date) -> Notice:
    sent_on = today - datetime.timedelta(days=55)
    mailing = mailings.campaign_deployment(campaign)
    deadline = sent_on + datetime.timedelta(days=7)
    notice = services.notice_send(
        actor=office,
        title=mailing.title,
        body=mailing.body,
        recipients=mailing.recipients,
        requires_receipt=True,
        receipt_deadline=deadline,
        receipt_fields=mailing.receipt_fields,
        source=mailing.source,
        source_label=mailing.source_label,
        notify=False,
        today=sent_on,
        now=_at(sent_on, 9, 30),
    )
    for n, row in enumerate(
        NoticeRecipient.objects.filter(notice=notice).select_related("org").order_by("org__code")
    ):
        if row.org.code == SILENT:
            continue
        clerk = User.objects.filter(org=row.org, role_id="target").order_by("pk").first()
        contact = Contact.objects.filter(org=row.org).first()
        signed = sent_on + datetime.timedelta(days=n % 3)
        services.notice_sign(actor=clerk, recipient=row, now=_at(signed, 10 + n))
        services.receipt_submit(
            actor=clerk,
            recipient=row,
            answers={
                "联络员": contact.name if contact else "联络员",
                "职务": contact.position if contact else "",
                "手机号码": contact.phone if contact else "",
                "电子邮箱": contact.email if contact else "",
            },
            note="已组织学习考评办法，明确专人负责自评填报。",
            today=signed + datetime.timedelta(days=1),
            now=_at(signed + datetime.timedelta(days=1), 15, 10 * n),
        )
    return notice


def _open_notice(office: User, today: datetime.date) -> Notice:
    counties = list(Org.objects.filter(code__in=[c for c, _, _ in orgs_demo.COUNTIES]).order_by("code"))
    notice = services.notice_send(
        actor=office,
        title="关于报送法治建设年度工作总结的通知",
        body="请各县（市、区）对照年度法治建设工作要点，总结本年度工作成效、存在问题和下一步打算，"
        "形成书面总结（3000字以内），按时通过系统报送回执并上传总结材料。",
        recipients=counties,
        requires_receipt=True,
        receipt_deadline=today + datetime.timedelta(days=2),
        receipt_fields=["联系人", "联系电话"],
        late_receipts=True,
        notify=False,
        today=today - datetime.timedelta(days=5),
        now=_at(today - datetime.timedelta(days=5), 11),
    )
    for row in NoticeRecipient.objects.filter(
        notice=notice, org__code__in=("440703", "440705")
    ).select_related("org"):
        clerk = User.objects.filter(org=row.org, role_id="target").order_by("pk").first()
        services.notice_sign(actor=clerk, recipient=row, now=_at(today - datetime.timedelta(days=4), 9))
    return notice


def load(*, stdout: Writer | None = None) -> None:
    office = User.objects.get(username="office")
    made = _contacts(office)
    campaign = Campaign.objects.filter(year=2023).order_by("-pk").first()
    if campaign is None or Notice.objects.filter(source=f"assessments.campaign:{campaign.pk}").exists():
        return
    today = timezone.localdate()
    deployment = _deployment(office, campaign, today)
    withdrawn = numbers.number_reserve(
        actor=office,
        purpose="关于调整考评指标的通知（草稿）",
        now=_at(today - datetime.timedelta(days=20), 16),
    )
    numbers.number_void(
        actor=office,
        number=withdrawn,
        reason="经研究不再印发",
        now=_at(today - datetime.timedelta(days=18), 9),
    )
    _open_notice(office, today)
    if stdout:
        stdout.write(
            f"通知公告：{made} 个单位联络员；{deployment.doc_number}《{deployment.title}》发至 7 个县（市、区），"
            "6 个已签收并报送回执，恩平市逾期未签收；另有 1 个本周截止的通知；发文字号登记簿含 1 个作废文号\n"
        )
