"""Demo data of 述、评、督、考、责 for 2023, through the same services as the pages.

- 14 leader accounts: the 党委书记 and the 区长/市长 of the 7 counties. Their
  names are SYNTHETIC demo data ("演示" in each name), password Demo@2023.
- The 2023年度党政主要负责人述法: every leader's report from the template, submitted
  before the deadline; rated by the experts seated by the 2023 述法 draw (the
  experts demo) and two 考评委员会 members. 恩平市委书记's report draws a majority
  of 不满意, 台山市市长's a third.
- A 2023年度法治政府建设综合督察 of three counties: records and five findings,
  one rectified in time.
- The 责 rules run over 2023; the office confirms a 约谈 (carried out and closed),
  confirms a 通报批评 (follow-up on record, still open) and dismisses a 约谈
  with its reason.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accountability import problems_link, services
from accountability.models import AccountabilityAction, ShufaRound
from accounts import roles
from accounts.demo import DEMO_PASSWORD
from accounts.models import Role, User
from accounts.services import user_create
from fazhi.lib.writer import Writer
from orgs import demo as orgs_demo
from orgs.models import Org

YEAR = 2023
TEMPLATE = """一、履行推进法治建设第一责任人职责情况
（一）学习贯彻习近平法治思想，将法治建设纳入本地区发展总体规划和年度工作计划
（二）主持研究解决法治建设重大问题（党委常委会、政府常务会议研究次数及议题）
（三）推进依法行政、严格规范公正文明执法、重大行政决策合法性审查
（四）带头尊法学法守法用法，落实国家工作人员学法用法制度
二、存在的问题和不足
三、下一步工作打算"""


def _at(day: str, clock: str = "10:00") -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T{clock}"))


def leader_accounts() -> list[tuple[str, str, str]]:
    """(username, name, county code): the 党委书记 (sj) and the head of government (zz) of each county."""
    rows = []
    for code, name, pinyin in orgs_demo.COUNTIES:
        head = "市长" if name.endswith("市") else "区长"
        rows.append((f"leader_{pinyin}_sj", f"{name}委书记（演示）", code))
        rows.append((f"leader_{pinyin}_zz", f"{name}{head}（演示）", code))
    return rows


# (grade, score) per reviewer seat for the reports singled out; everyone else rates 满意/基本满意.
POOR = {
    "leader_enping_sj": [
        ("不满意", 52),
        ("不满意", 55),
        ("不满意", 58),
        ("不满意", 50),
        ("基本满意", 70),
        ("满意", 82),
        ("基本满意", 72),
    ],
    "leader_taishan_zz": [
        ("不满意", 58),
        ("不满意", 59),
        ("不满意", 60),
        ("满意", 86),
        ("基本满意", 76),
        ("满意", 85),
        ("基本满意", 78),
    ],
}

FINDINGS = [
    ("440781", "交通运输执法大队部分罚没案件以罚代管，存在逐利执法倾向", "grave", "2024-03-31", None),
    ("440781", "行政执法公示信息更新不及时，执法全过程记录不完整", "serious", "2024-01-31", None),
    ("440785", "重大行政决策未按规定开展合法性审查", "serious", "2024-02-29", None),
    ("440785", "行政复议决定书履行情况未跟踪", "general", "2024-01-15", "2024-01-10"),
    ("440703", "镇街法治建设考核未覆盖全部街道", "general", "2024-01-31", None),
]


def _leaders(office: User) -> dict[str, User]:
    hashed = make_password(DEMO_PASSWORD)
    role = Role.objects.get(code=roles.LEADER)
    orgs = {o.code: o for o in Org.objects.filter(code__in=[c for c, _, _ in orgs_demo.COUNTIES])}
    users = {}
    for username, name, code in leader_accounts():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(actor=None, username=username, name=name, org=orgs[code], role=role)
            User.objects.filter(pk=user.pk).update(password=hashed, password_changed_at=timezone.now())
        users[username] = user
    return users


def _reviewers() -> list[User]:
    from experts.models import Draw, DrawStatus, Purpose
    from experts.selectors import panel_members

    draw = Draw.objects.filter(purpose_code=Purpose.SHUFA, status=DrawStatus.EXECUTED).order_by("-pk").first()
    experts = [m.user for m in panel_members(draw)] if draw else []
    members = list(User.objects.filter(username__in=["assessor_sfj", "assessor_zfw"]).order_by("username"))
    return [u for u in experts if u is not None] + members


def _round(office: User, leaders: dict[str, User]) -> ShufaRound:
    from experts.models import Draw, DrawStatus, Purpose

    shufa_round = services.shufa_round_create(
        actor=office,
        year=YEAR,
        title="2023年度党政主要负责人述法",
        deadline=datetime.date(2023, 12, 15),
        template=TEMPLATE,
        now=_at("2023-11-15"),
    )
    draw = Draw.objects.filter(purpose_code=Purpose.SHUFA, status=DrawStatus.EXECUTED).order_by("-pk").first()
    committee = list(User.objects.filter(username__in=["assessor_sfj", "assessor_zfw"]))
    services.shufa_round_reviewers_set(actor=office, shufa_round=shufa_round, reviewers=committee, draw=draw)
    for i, (_username, leader) in enumerate(sorted(leaders.items())):
        body = TEMPLATE.replace("情况\n", f"情况（{leader.display_name}，演示用合成内容）\n", 1)
        report = services.shufa_report_save(
            actor=leader, shufa_round=shufa_round, body=body, now=_at("2023-12-01")
        )
        services.shufa_report_submit(actor=leader, report=report, now=_at(f"2023-12-{2 + i % 10:02d}"))
    return shufa_round


def _ratings(shufa_round: ShufaRound, leaders: dict[str, User]) -> None:
    reviewers = _reviewers()
    for username, leader in sorted(leaders.items()):
        report = shufa_round.reports.get(leader=leader)
        marks = POOR.get(username)
        for seat, reviewer in enumerate(reviewers):
            grade, score = (
                marks[seat % len(marks)] if marks else (("满意", 92 - seat) if seat % 3 else ("基本满意", 81))
            )
            services.rating_save(
                actor=reviewer, report=report, grade=grade, score=score, comment="演示评议意见"
            )


def _inspection(office: User) -> None:
    orgs = {o.code: o for o in Org.objects.filter(code__in=["440703", "440781", "440785"])}
    team = [office, *User.objects.filter(username="assessor_sfj")]
    plan = services.inspection_plan_create(
        actor=office,
        year=YEAR,
        topic="2023年度法治政府建设综合督察",
        start_on=datetime.date(2023, 10, 9),
        end_on=datetime.date(2023, 10, 27),
        targets=list(orgs.values()),
        team=team,
    )
    for n, code in enumerate(sorted(orgs)):
        services.inspection_record_create(
            actor=office,
            plan=plan,
            target=orgs[code],
            visited_on=datetime.date(2023, 10, 10 + 4 * n),
            notes="听取汇报，查阅执法案卷 30 宗、重大行政决策档案 5 宗，随机走访执法窗口。",
        )
    for code, text, severity, deadline, rectified in FINDINGS:
        finding = services.finding_create(
            actor=office,
            plan=plan,
            target=orgs[code],
            text=text,
            severity=severity,
            deadline=datetime.date.fromisoformat(deadline),
        )
        if rectified:
            services.finding_rectified(
                actor=office, finding=finding, rectified_on=datetime.date.fromisoformat(rectified)
            )
        else:  # still to rectify: tracked as a problem of the unit (when the tracker is installed)
            problems_link.finding_open_problem(actor=office, finding=finding, at=_at("2023-10-27"))


def _actions(office: User) -> None:
    services.actions_propose(actor=office, year=YEAR)
    proposed = AccountabilityAction.objects.filter(year=YEAR)
    talk = proposed.filter(kind="talk", leader__username="leader_enping_sj").first()
    if talk:
        services.action_decide(
            actor=office,
            action=talk,
            confirm=True,
            reason="述法评议不满意过半，按规定约谈",
            now=_at("2024-01-08"),
        )
        services.action_follow_up(
            actor=office,
            action=talk,
            note="市委依法治市办主任于1月12日约谈，已提交整改方案",
            now=_at("2024-01-12"),
        )
        services.action_follow_up(
            actor=office, action=talk, note="整改方案落实到位", done=True, now=_at("2024-03-20")
        )
    criticise = proposed.filter(kind="criticise", leader__username="leader_enping_sj").first()
    if criticise:
        services.action_decide(
            actor=office, action=criticise, confirm=True, reason="在全市范围内通报", now=_at("2024-01-08")
        )
        services.action_follow_up(
            actor=office, action=criticise, note="通报已印发，跟踪整改中", now=_at("2024-01-15")
        )
    other = proposed.filter(kind="talk", leader__username="leader_taishan_zz").first()
    if other:
        services.action_decide(
            actor=office,
            action=other,
            confirm=False,
            reason="不满意评议集中于客观因素，已书面说明，不予约谈",
            now=_at("2024-01-08"),
        )


def load(*, stdout: Writer | None = None) -> None:
    if ShufaRound.objects.filter(year=YEAR).exists():
        return
    office = User.objects.filter(username="office").first()
    if office is None or not Org.objects.filter(code=orgs_demo.COUNTIES[0][0]).exists():
        return
    leaders = _leaders(office)
    shufa_round = _round(office, leaders)
    _ratings(shufa_round, leaders)
    _inspection(office)
    _actions(office)
    if stdout:
        stdout.write(
            f"述评督考责：{len(leaders)} 名领导干部（演示），{YEAR}年述法报告 {shufa_round.reports.count()} 份及评议，"
            f"综合督察发现问题 {len(FINDINGS)} 个，问责建议 {AccountabilityAction.objects.filter(year=YEAR).count()} 条\n"
        )
