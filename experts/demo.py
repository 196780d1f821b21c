"""Demo data of the 咨询专家库: the pool of 12 (seed: "依法治市咨询专家库专家人数12人")
and its draws of 2023.

The names, titles and contacts are SYNTHETIC demo data (each profile says so in
its 备注); employers are demo orgs or plausible outside institutions. The
draws go through the same services as the pages, dated in 2023, so each one is
verifiable with `fazhi experts verify-draw ID`:

- 2023年度法治广东建设考评迎检咨询专家 — executed; one member declined and the
  first backup took the seat; evaluations recorded at the end of the year;
- 2023年度述法评议专家组 — committed, then cancelled before it was drawn (reason
  on record, seed revealed);
- 2023年度述法评议专家组（重新抽取） — drawn again, referencing the cancelled one.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import User
from accounts.services import user_update
from experts import services
from experts.models import Assignment, AssignmentStatus, ConflictKind, Expert, ExpertStatus, Purpose
from fazhi.lib.writer import Writer
from orgs import demo as orgs_demo
from orgs.models import Org

SYNTHETIC = "演示用合成数据"
TERM = (datetime.date(2022, 7, 1), datetime.date(2027, 6, 30))

# username, name, title, employer, employer org (assessor abbr / county code / None), fields, phone
POOL = [
    (
        "expert01",
        "陈志远",
        "教授、博士生导师",
        "五邑大学法学院",
        None,
        ["administrative", "constitution"],
        "13802260101",
    ),
    ("expert02", "李慧敏", "合伙人律师", "广东侨乡律师事务所", None, ["civil", "economic"], "13802260102"),
    ("expert03", "黄建华", "二级调研员", "江门市司法局", "sfj", ["governance", "education"], "13802260103"),
    (
        "expert04",
        "梁志强",
        "审判委员会委员",
        "江门市中级人民法院",
        "fy",
        ["procedure", "criminal"],
        "13802260104",
    ),
    (
        "expert05",
        "吴雅琴",
        "副教授",
        "五邑大学经济与管理学院",
        None,
        ["finance", "public_admin"],
        "13802260105",
    ),
    (
        "expert06",
        "区国栋",
        "四级高级检察官",
        "江门市人民检察院",
        "jcy",
        ["criminal", "procedure"],
        "13802260106",
    ),
    ("expert07", "谭丽华", "副教授", "江门职业技术学院", None, ["labor", "governance"], "13802260107"),
    (
        "expert08",
        "冯伟明",
        "主任律师",
        "广东五邑涉外律师事务所",
        None,
        ["foreign", "civil", "ip"],
        "13802260108",
    ),
    (
        "expert09",
        "甄美玲",
        "教授",
        "中共江门市委党校",
        None,
        ["constitution", "education", "public_admin"],
        "13802260109",
    ),
    (
        "expert10",
        "关振华",
        "正高级工程师",
        "江门市自然资源局",
        "zrzyj",
        ["planning", "environment"],
        "13802260110",
    ),
    (
        "expert11",
        "司徒敏",
        "高级工程师",
        "江门市政务服务数据管理局",
        "zsj",
        ["digital", "administrative"],
        "13802260111",
    ),
    (
        "expert12",
        "余文博",
        "原法制工作委员会副主任",
        "江门市人大常委会（已退休）",
        None,
        ["constitution", "administrative"],
        "13802260112",
    ),
]

# username, kind, org (assessor abbr or county code or None), description
CONFLICTS = [
    ("expert02", ConflictKind.RELATIVE, "440703", "配偶在蓬江区司法局任职"),
    ("expert08", ConflictKind.EMPLOYER, "szfb", "兼任江门市人民政府法律顾问"),
    ("expert07", ConflictKind.OTHER, "440705", "2022年曾为新会区人民政府提供法律咨询服务"),
    ("expert01", ConflictKind.OTHER, None, "担任多个镇（街）法律顾问，涉及具体镇（街）事项时主动申报回避"),
]


def _at(day: str, clock: str = "10:00") -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day} {clock}"))


def _org(orgs: dict[str, Org], key: str | None) -> Org | None:
    if key is None:
        return None
    return orgs.get(key) or orgs.get(orgs_demo.assessor_code(key))


def load(*, stdout: Writer | None = None) -> None:
    if Expert.objects.exists():
        return
    office = User.objects.filter(username="office").first()
    if office is None:
        return
    orgs = {o.code: o for o in Org.objects.all()}
    # Renaming the expert accounts is user management: the system admin's work.
    sysadmin = User.objects.filter(username="sysadmin").first() or office
    users = {u.username: u for u in User.objects.filter(username__startswith="expert")}
    experts: dict[str, Expert] = {}
    for username, name, title, employer, org_key, fields, phone in POOL:
        user = users.get(username)
        if user is not None:
            user_update(actor=sysadmin, user=user, name=name)
        experts[username] = services.expert_create(
            actor=office,
            name=name,
            title=title,
            employer_name=employer,
            employer_org=_org(orgs, org_key),
            fields=fields,
            term_start=TERM[0],
            term_end=TERM[1],
            phone=phone,
            email=f"{username}@example.com",
            address=f"广东省江门市蓬江区演示路{int(username[-2:])}号",
            expertise=f"{title}，研究和实务方向见专业领域。",
            remarks=SYNTHETIC,
            user=user,
        )
    for username, kind, org_key, description in CONFLICTS:
        services.conflict_declare(
            actor=office,
            expert=experts[username],
            kind=kind,
            org=_org(orgs, org_key),
            description=description,
        )

    provincial = services.draw_prepare(
        actor=office,
        purpose="2023年度法治广东建设考评迎检咨询专家",
        purpose_code=Purpose.PROVINCIAL,
        object_label="2023年度法治广东建设考评",
        link="/provincial/",
        size=3,
        backups=1,
        required_fields=["administrative"],
        require_account=True,
        now=_at("2023-09-04", "09:30"),
    )
    provincial = services.draw_execute(actor=office, draw=provincial, now=_at("2023-09-04", "10:00"))
    first = Assignment.objects.filter(draw=provincial, status=AssignmentStatus.ACTIVE).order_by("pk").first()
    assert first is not None
    services.assignment_decline(
        actor=first.expert.user or office,
        assignment=first,
        reason="同期赴省参加地方性法规立法论证，时间冲突",
        now=_at("2023-09-06", "15:20"),
    )
    for seat in Assignment.objects.filter(draw=provincial, status=AssignmentStatus.ACTIVE).order_by("pk"):
        services.assignment_evaluate(
            actor=office,
            assignment=seat,
            rating="excellent" if seat.replaces_id is None else "good",
            evaluation="按时完成迎检材料审读，意见具体、可操作。",
            now=_at("2023-12-20", "16:00"),
        )

    counties = [orgs[code] for code, _, _ in orgs_demo.COUNTIES if code in orgs]
    first_try = services.draw_prepare(
        actor=office,
        purpose="2023年度述法评议专家组",
        purpose_code=Purpose.SHUFA,
        object_label="2023年度党政主要负责人述法",
        size=5,
        backups=2,
        exclude_org_ids=[o.pk for o in counties[:2]],
        recent_months=3,
        require_account=True,
        now=_at("2023-11-20", "09:00"),
    )
    services.draw_cancel(
        actor=office,
        draw=first_try,
        reason="述法评议方案调整为七个县（市、区）集中评议，回避单位需覆盖全部县（市、区），本次抽取作废。",
        now=_at("2023-11-21", "11:00"),
    )
    again = services.draw_prepare(
        actor=office,
        purpose="2023年度述法评议专家组（重新抽取）",
        purpose_code=Purpose.SHUFA,
        object_label="2023年度党政主要负责人述法",
        size=5,
        backups=1,
        exclude_org_ids=[o.pk for o in counties],
        recent_months=3,
        require_account=True,
        replaces=first_try,
        now=_at("2023-11-22", "09:00"),
    )
    services.draw_execute(actor=office, draw=again, now=_at("2023-11-22", "09:30"))

    services.expert_update(
        actor=office,
        expert=experts["expert11"],
        status=ExpertStatus.SUSPENDED,
        status_note="2025年起借调省直单位，本人申请暂停参加评审",
    )
    services.expert_update(
        actor=office,
        expert=experts["expert12"],
        status=ExpertStatus.RETIRED,
        status_note="2025年因年龄原因申请退出",
    )
    if stdout:
        stdout.write(
            f"咨询专家库：{len(experts)} 名专家（{SYNTHETIC}），{len(CONFLICTS)} 项利益冲突申报，"
            "3 次抽取（已抽取 2 次、取消 1 次）\n"
        )
