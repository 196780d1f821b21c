"""Demo data of the problem tracker (idempotent): the seed's 道路交通安全和运输执法
领域突出问题专项整治 of 2023 — its three categories (逐利执法、执法不规范、执法方式简单
僵化), 40 clues across the 7 counties, 市公安局 and 市交通运输局 in every state of
the flow (closed after 立行立改 or a 整改方案, some sent back at 验收, overdue ones,
one 挂牌督办, one returned, one extension granted, duplicates 撤销) and its
便民利企 measures — plus lost points of the published 2021 and 2022 考评 sent to
整改 through the publication's own hook. Clues and measures are synthetic
(labelled 演示), written after the seed's description of the campaign.

The 2023 clues are replayed on their own dates (`at` / `today`), so their
history reads as it happened; a few 12345 transfers of the last days keep the
campaign's 长效常治 going, with deadlines ahead of today.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from accounts.models import User
from fazhi.lib.writer import Writer
from orgs import demo as orgs_demo
from orgs.models import Org
from problems import services, workflow
from problems.models import Problem, Source, SpecialCampaign

CAMPAIGN = "道路交通安全和运输执法领域突出问题专项整治"
CATEGORIES = ["逐利执法", "执法不规范", "执法方式简单僵化"]
Z, G, J = CATEGORIES  # 逐利执法, 执法不规范 (规), 简单僵化 (僵)

# (title, category, unit, severity, script, month, day) — unit: a county's pinyin or gaj / jtysj
CLUES: list[tuple[str, str, str, str, str, int, int]] = [
    ("杜阮镇国道G325路段违规设卡拦查货车", Z, "pengjiang", "serious", "closed_now", 4, 6),
    ("蓬江区交警中队按罚款数额考核辅警", Z, "pengjiang", "grave", "supervised_overdue", 4, 12),
    ("荷塘镇执法记录仪未全程开启", G, "pengjiang", "normal", "closed_planned", 4, 20),
    ("对送考车辆临时停车机械处罚", J, "pengjiang", "normal", "rectified_now", 9, 5),
    ("外海街道货车检测站对轻微超限一律顶格罚款", Z, "jianghai", "serious", "closed_rejected", 4, 8),
    ("江海区处罚决定书未告知陈述申辩权利", G, "jianghai", "normal", "closed_now", 5, 9),
    ("外卖骑手交通违法只罚不教", J, "jianghai", "normal", "rectifying_overdue", 6, 15),
    ("江海区扣押车辆未出具扣押清单", G, "jianghai", "normal", "accepted", 7, 3),
    ("会城街道违规使用移动测速设备“隐蔽执法”", Z, "xinhui", "serious", "closed_planned", 4, 10),
    ("新会区非现场执法设备未经检定即投入使用", G, "xinhui", "serious", "closed_planned", 5, 16),
    ("司前镇农村三轮车整治缺少过渡期和引导", J, "xinhui", "normal", "verified_overdue", 8, 22),
    ("新会区同一违法行为重复处罚", Z, "xinhui", "normal", "returned", 9, 12),
    ("台城拖车停车场扣押车辆停放费过高", Z, "taishan", "serious", "closed_now", 4, 14),
    ("台山市执法辅助人员单独开展执法", G, "taishan", "normal", "closed_planned", 5, 4),
    ("台山市电子警察抓拍点位未按规定公示", G, "taishan", "normal", "rectified_planned", 8, 9),
    ("广海镇对渔民电动车“一刀切”扣车", J, "taishan", "normal", "signed_overdue", 10, 10),
    ("水口镇路政人员以罚代管反复处罚未办证车辆", Z, "kaiping", "serious", "closed_now", 4, 18),
    ("开平市行政处罚案卷归档不及时、材料缺失", G, "kaiping", "normal", "closed_planned", 6, 2),
    ("开平市交警窗口态度生硬引发投诉", J, "kaiping", "normal", "closed_now", 6, 20),
    ("水口镇路政以罚代管反复处罚未办证车辆", Z, "kaiping", "normal", "dismissed_duplicate", 4, 25),
    ("沙坪街道对外地货车选择性执法", Z, "heshan", "serious", "closed_rejected", 5, 6),
    ("鹤山市处罚裁量不统一、同类违法罚款差距大", G, "heshan", "normal", "rectifying_overdue", 7, 18),
    ("鹤山市对首次轻微违法未适用“首违不罚”", J, "heshan", "normal", "closed_now", 5, 24),
    ("恩城街道网约车检查“一刀切”扣车", J, "enping", "normal", "closed_now", 5, 12),
    ("恩平市违规设置限速标志后集中处罚", Z, "enping", "serious", "accepted", 6, 28),
    ("恩平市执法人员未按规定着装、亮证", G, "enping", "normal", "dismissed", 7, 7),
    ("市公安局交警支队非现场执法告知不及时", G, "gaj", "normal", "closed_planned", 4, 16),
    ("高速公路入口交警“钓鱼执法”查处货车", Z, "gaj", "grave", "closed_rejected", 5, 2),
    ("驾驶证业务“多次跑、反复交材料”", J, "gaj", "normal", "closed_now", 5, 20),
    ("事故处理“只罚不调”、群众投诉多", J, "gaj", "normal", "rectifying_overdue", 9, 1),
    ("市交通运输局治超站收费与罚款混同", Z, "jtysj", "serious", "closed_planned", 4, 22),
    ("道路运输执法证件管理不规范", G, "jtysj", "normal", "closed_now", 6, 6),
    ("网约车平台执法检查频次过高影响经营", J, "jtysj", "normal", "rectified_now", 10, 8),
    ("出租车违规处罚未经法制审核", G, "jtysj", "normal", "assigned_overdue", 11, 6),
]
# 12345 transfers of the last days (长效常治): (title, category, unit, script, days ago)
RECENT: list[tuple[str, str, str, str, int]] = [
    ("蓬江区环市街道夜间设卡查酒驾扰民", J, "pengjiang", "recent_registered", 2),
    ("江海区货车限行标志设置不清即处罚", Z, "jianghai", "recent_assigned", 6),
    ("台山市交警中队拒不受理事故认定复核申请", G, "taishan", "recent_signed", 9),
    ("新会区工程车辆执法检查重复拦停", J, "xinhui", "recent_extension", 20),
    ("开平市停车泊位施划不清仍贴单处罚", Z, "kaiping", "recent_rectifying", 15),
    ("鹤山市电动自行车上牌点排队时间过长", J, "heshan", "recent_registered", 1),
]
MEASURES: list[tuple[str, str, str, str, tuple[int, int]]] = [
    (
        "轻微交通违法“首违不罚”清单",
        "对首次、轻微且及时纠正的 12 类交通违法行为不予处罚，以教育提醒为主。",
        "gaj",
        "演示：全年 2.3 万宗首违轻微违法免罚",
        (5, 1),
    ),
    (
        "交通违法处理“网上办、掌上办”",
        "违法处理、罚款缴纳和记分查询全部可在粤省事、交管 12123 办理。",
        "gaj",
        "演示：线上办理占比提高到 85%",
        (5, 20),
    ),
    (
        "货车通行证线上申领、即时审批",
        "城区货车通行证网上申请，符合条件的即时发证。",
        "gaj",
        "演示：办理时间由 3 个工作日缩短到 1 小时",
        (6, 10),
    ),
    (
        "治超站“告知承诺+信用管理”",
        "首次轻微超限车辆签署承诺书后放行，纳入信用记录。",
        "jtysj",
        "演示：惠及货车司机 4,100 余人次",
        (6, 25),
    ),
    (
        "道路运输“证照分离”与一次告知",
        "道路运输经营许可材料一次告知、容缺受理。",
        "jtysj",
        "演示：企业办事材料平均减少 30%",
        (7, 15),
    ),
    (
        "执法全过程记录与案卷季度评查",
        "执法记录仪全程开启，案卷每季度交叉评查并通报。",
        "sfj",
        "演示：评查案卷 420 宗，整改问题 37 个",
        (8, 1),
    ),
]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class _Replay:
    """Takes the steps of one clue on their own dates, as the party they belong to."""

    def __init__(self, problem: Problem, office: User, unit: User, start: datetime.date) -> None:
        self.problem, self.office, self.unit, self.day = problem, office, unit, start

    def step(self, action: str, after: int, *, office: bool = False, **kwargs: Any) -> None:
        self.day += datetime.timedelta(days=after)
        self.problem = services.problem_transition(
            actor=self.office if office else self.unit,
            problem=self.problem,
            action=action,
            at=_at(self.day, 10 + after % 6),
            today=self.day,
            **kwargs,
        )

    def deadline(self, days: int) -> datetime.date:
        return self.day + datetime.timedelta(days=days)

    def assign(self, days: int = 30) -> None:
        self.step(
            "assign", 2, office=True, deadline=self.deadline(days + 2), note="请按期核查整改，逾期将予通报。"
        )

    def rectify_now(self) -> None:
        self.step("sign", 2)
        self.step("rectify_now", 3, note="已立行立改：当场纠正并对相关人员批评教育，整改情况见附件说明。")

    def plan(self, days: int = 40) -> None:
        self.step("sign", 2)
        self.step("verify", 6, note="经核查，反映问题基本属实。")
        self.step(
            "plan", 2, note="制定整改方案：完善制度、开展专项培训、逐案复查。", deadline=self.deadline(days)
        )

    def complete(self, after: int = 25) -> None:
        self.step("complete", after, note="已按整改方案完成整改，建立长效机制。")

    def accept_and_close(self) -> None:
        self.step("accept", 5, office=True, note="经实地抽查，整改到位。")
        self.step("close", 2, office=True, note="同意销号。")


def _closed_now(r: _Replay) -> None:
    r.assign()
    r.rectify_now()
    r.accept_and_close()


def _closed_planned(r: _Replay) -> None:
    r.assign()
    r.plan()
    r.complete()
    r.accept_and_close()


def _closed_rejected(r: _Replay) -> None:
    r.assign()
    r.plan()
    r.complete()
    r.step("reject", 4, office=True, note="验收发现仍有同类问题，整改不到位。", deadline=r.deadline(25))
    r.complete(15)
    r.accept_and_close()


def _accepted(r: _Replay) -> None:
    r.assign()
    r.plan()
    r.complete()
    r.step("accept", 5, office=True, note="整改到位，待销号。")


def _rectified_now(r: _Replay) -> None:
    r.assign()
    r.rectify_now()


def _rectified_planned(r: _Replay) -> None:
    r.assign()
    r.plan()
    r.complete()


def _rectifying_overdue(r: _Replay) -> None:
    r.assign()
    r.plan(30)


def _supervised_overdue(r: _Replay) -> None:
    r.assign(20)
    r.plan(30)
    services.problem_supervise(
        actor=r.office,
        problem=r.problem,
        on=True,
        at=_at(r.deadline(40)),
        note="性质严重、群众反映强烈，挂牌督办。",
    )


def _verified_overdue(r: _Replay) -> None:
    r.assign(20)
    r.step("sign", 2)
    r.step("verify", 5, note="经核查属实。")


def _signed_overdue(r: _Replay) -> None:
    r.assign(20)
    r.step("sign", 3)


def _assigned_overdue(r: _Replay) -> None:
    r.assign(15)


def _returned(r: _Replay) -> None:
    r.assign()
    r.step("return", 2, note="该路段执法主体为市交通运输局，不属于本单位职责，请重新交办。")


def _dismissed(r: _Replay) -> None:
    r.step("dismiss", 3, office=True, note="经初核，反映情况不实，不予立案。")


SCRIPTS: dict[str, Callable[[_Replay], None]] = {
    "closed_now": _closed_now,
    "closed_planned": _closed_planned,
    "closed_rejected": _closed_rejected,
    "accepted": _accepted,
    "rectified_now": _rectified_now,
    "rectified_planned": _rectified_planned,
    "rectifying_overdue": _rectifying_overdue,
    "supervised_overdue": _supervised_overdue,
    "verified_overdue": _verified_overdue,
    "signed_overdue": _signed_overdue,
    "assigned_overdue": _assigned_overdue,
    "returned": _returned,
    "dismissed": _dismissed,
}


def _unit_users() -> dict[str, tuple[Org, User]]:
    by_code = {o.code: o for o in Org.objects.all()}
    units: dict[str, tuple[Org, User]] = {}
    for code, _, pinyin in orgs_demo.COUNTIES:
        units[pinyin] = (by_code[code], User.objects.get(username=pinyin))
    for abbr in ("gaj", "jtysj", "sfj"):
        units[abbr] = (by_code[orgs_demo.assessor_code(abbr)], User.objects.get(username=f"assessor_{abbr}"))
    return units


def _campaign(office: User, units: dict[str, tuple[Org, User]]) -> SpecialCampaign:
    campaign = services.campaign_create(
        actor=office,
        name=CAMPAIGN,
        year=2023,
        start_date=datetime.date(2023, 4, 1),
        end_date=datetime.date(2023, 12, 31),
        categories=CATEGORIES,
        lead_org=units["gaj"][0],
        description=(
            "（演示数据）坚持问题导向，对“逐利执法”、执法不规范、执法方式简单僵化等问题线索进行全面清理，"
            "做到边查边改、立行立改；聚焦道交领域群众“急难愁盼”，推出便民利企措施；认真处置移交问题线索，"
            "严肃追责问责；总结有效措施和经验，补齐制度短板、制定治本措施。"
        ),
    )
    for title, text, unit, benefit, (month, day) in MEASURES:
        services.measure_create(
            actor=office, campaign=campaign, title=title, description=text, org=units[unit][0],
            launched_on=datetime.date(2023, month, day), benefit=benefit,
        )  # fmt: skip
    return campaign


def _clues(office: User, campaign: SpecialCampaign, units: dict[str, tuple[Org, User]]) -> int:
    first: dict[str, Problem] = {}
    for title, category, unit, severity, script, month, day in CLUES:
        org, user = units[unit]
        registered = datetime.date(2023, month, day)
        problem = services.problem_register(
            actor=office, source=Source.CAMPAIGN, title=title, org=org, category=category, severity=severity,
            campaign=campaign, registered_at=_at(registered, 9), today=registered,
            description=f"（演示）群众反映：{title}。请责任单位核查处理。",
        )  # fmt: skip
        replay = _Replay(problem, office, user, registered)
        if script == "dismissed_duplicate":
            original = first[unit]
            replay.step("dismiss", 2, office=True, note=f"与 {original.number} 反映的是同一问题，并案办理。",
                        duplicate_of=original)  # fmt: skip
        else:
            SCRIPTS[script](replay)
        first.setdefault(unit, problem)
    return len(CLUES)


def _recent(office: User, campaign: SpecialCampaign, units: dict[str, tuple[Org, User]]) -> int:
    today = timezone.localdate()
    for title, category, unit, script, ago in RECENT:
        org, user = units[unit]
        registered = today - datetime.timedelta(days=ago)
        problem = services.problem_register(
            actor=office, source=Source.HOTLINE, title=title, org=org, category=category, campaign=campaign,
            registered_at=_at(registered, 9), today=registered, description=f"（演示）12345 热线转办：{title}。",
        )  # fmt: skip
        if script == "recent_registered":
            continue
        replay = _Replay(problem, office, user, registered)
        replay.step(
            "assign", 1, office=True, deadline=today + datetime.timedelta(days=20), note="请于期限内办结。"
        )
        if script == "recent_assigned":
            continue
        replay.step("sign", 1)
        if script == "recent_signed":
            continue
        replay.step("verify", 2, note="经核查属实。")
        replay.step(
            "plan",
            1,
            note="限期整改。",
            deadline=today + datetime.timedelta(days=10 if script == "recent_extension" else 25),
        )
        if script == "recent_extension":
            extension = services.extension_request(
                actor=user, problem=replay.problem, requested_deadline=today + datetime.timedelta(days=45),
                reason="涉及多个镇街的工程车辆通行方案，需协调住建、交通部门。",
                at=_at(replay.day + datetime.timedelta(days=1)), today=replay.day,
            )  # fmt: skip
            services.extension_decide(
                actor=office, extension=extension, grant=True, deadline=today + datetime.timedelta(days=30),
                note="同意延期至批准日期，请按期办结。", at=_at(replay.day + datetime.timedelta(days=2)),
                today=replay.day,
            )  # fmt: skip
    return len(RECENT)


def _lost_points(office: User, units: dict[str, tuple[Org, User]]) -> int:
    """A county's largest published lost points, sent to 整改 through the publication's hook."""
    from assessments.models import Publication
    from assessments.selectors import publication as pub
    from assessments.services.rectifications import rectification_create

    count = 0
    publications = {p.campaign.year: p for p in Publication.objects.select_related("campaign")}
    plan = [
        (2022, "pengjiang", "assign"),
        (2022, "kaiping", None),
        (2022, "enping", "sign"),
        (2021, "xinhui", "close"),
    ]
    for year, unit, until in plan:
        publication = publications.get(year)
        org, user = units[unit]
        if publication is None:
            continue
        lost = sorted(pub.published_lost(publication, org.code), key=lambda e: -float(e["points_lost"]))
        if not lost:
            continue
        problem = rectification_create(
            actor=user, publication=publication, target=org, indicator_code=lost[0]["indicator"]
        )
        count += 1
        if until is None:
            continue
        deadline = timezone.localdate() + datetime.timedelta(days=45)
        problem = services.problem_transition(actor=office, problem=problem, action="assign", deadline=deadline,
                                              note="请对照失分项整改。")  # fmt: skip
        if until == "assign":
            continue
        problem = services.problem_transition(actor=user, problem=problem, action="sign")
        if until == "close":
            for actor, action, note in (
                (user, "rectify_now", "已完善相关制度并组织培训。"), (office, "accept", "整改到位。"), (office, "close", ""),
            ):  # fmt: skip
                problem = services.problem_transition(actor=actor, problem=problem, action=action, note=note)
    return count


def load(*, stdout: Writer | None = None) -> None:
    if SpecialCampaign.objects.filter(name=CAMPAIGN).exists():
        return
    office = User.objects.get(username="office")
    units = _unit_users()
    campaign = _campaign(office, units)
    clues = _clues(office, campaign, units) + _recent(office, campaign, units)
    lost = _lost_points(office, units)
    if stdout:
        overdue = Problem.objects.filter(campaign=campaign, state__in=workflow.RUNNING,
                                         deadline__lt=timezone.localdate()).count()  # fmt: skip
        stdout.write(
            f"问题线索：{CAMPAIGN}（{clues} 条线索，其中逾期 {overdue} 条；{len(MEASURES)} 项便民利企措施），"
            f"考评失分转入问题 {lost} 条\n"
        )
