"""Demo data of 法治江门建设考评 (synthetic content, labelled as such):

- a second user (审核) at each of the 20 assessing units: assessor_<abbr>_sh;
  assessor_<abbr> holds the 经办 duty, assessor_<abbr>_sh the 审核 duty;
- the 2021 and 2022 frameworks (5 板块, 46 indicators, 100 分) and their campaigns
  with 7 targets fully self-assessed, scored, approved and published;
- the 2023 framework cloned from 2022 (with a few edits) and the 2023 campaign
  open in 考评评分, deadlines around today so the reminders show.

Frameworks, campaigns, phase moves, the publication and the social evaluation go
through the services. The 7 × 46 self-assessments and scores of a year are bulk
written (the service path would take a minute) with one audit entry per target
or unit and step, marked as demo data."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal as D
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts import roles
from accounts.demo import DEMO_PASSWORD
from accounts.models import Role, User
from accounts.services import user_create
from assessments.models import (
    Campaign,
    Duty,
    Framework,
    Indicator,
    Method,
    Phase,
    RuleKind,
    RuleScope,
    Score,
    ScoreChange,
    ScoreChangeSource,
    ScoreItem,
    ScoreStatus,
    ScoringDuty,
    Section,
    SelfAssessment,
    SelfAssessmentStatus,
)
from assessments.services import campaigns as campaign_services
from assessments.services import frameworks as fw
from assessments.services import social
from assessments.services.duties import scoring_duty_assign
from audit.services import audit_record
from fazhi.lib.writer import Writer
from orgs import demo as orgs_demo
from orgs.models import Org

SYNTHETIC = "演示数据：指标内容为合成示例，不代表真实考评标准。"
FRAMEWORK_NAME = "{year}年度法治江门建设考评办法及标准"
CAMPAIGN_NAME = "{year}年度法治江门建设考评"

# 板块 → [(指标, 分值, 考评单位 abbrs, 评分方式)]; 5 板块, 46 indicators, 100 points.
SECTIONS: list[tuple[str, str, list[tuple[str, str, list[str], str]]]] = [
    (
        "一",
        "法治政府建设",
        [
            ("依法全面履行政府职能", "2", ["szfb"], "deduct"),
            ("重大行政决策程序制度落实", "2.5", ["sfj", "szfb"], "deduct"),
            ("行政规范性文件合法性审核", "2", ["sfj"], "deduct"),
            ("政府法律顾问和公职律师工作", "2", ["sfj"], "deduct"),
            ("行政执法“三项制度”落实", "2.5", ["sfj"], "deduct"),
            ("行政执法案卷评查", "2", ["sfj"], "deduct"),
            ("镇街综合行政执法改革", "2", ["sfj"], "deduct"),
            ("行政复议规范化建设", "2", ["sfj"], "deduct"),
            ("行政机关负责人出庭应诉", "2", ["fy", "sfj"], "deduct"),
            ("政务公开与政府信息公开", "2", ["szfb"], "deduct"),
            ("“数字政府”与政务服务标准化", "2", ["zsj"], "deduct"),
            ("生态环境执法规范化", "2", ["sthjj"], "deduct"),
            ("自然资源与规划执法", "2", ["zrzyj"], "deduct"),
            ("安全生产和应急管理依法治理", "3", ["yjglj"], "deduct"),
        ],
    ),
    (
        "二",
        "公正执法司法",
        [
            ("深化执法司法责任制改革", "2.5", ["zfw"], "deduct"),
            ("执法司法制约监督体系建设", "2.5", ["zfw"], "deduct"),
            ("民事案件繁简分流改革", "2", ["fy"], "deduct"),
            ("执行难综合治理", "2", ["fy"], "deduct"),
            ("检察机关法律监督", "2", ["jcy"], "deduct"),
            ("公益诉讼工作", "2", ["jcy"], "deduct"),
            ("公安执法规范化建设", "2.5", ["gaj"], "deduct"),
            ("道路交通安全和运输执法领域突出问题专项整治", "2.5", ["gaj", "jtysj"], "deduct"),
            ("刑罚执行和社区矫正", "2", ["sfj"], "deduct"),
        ],
    ),
    (
        "三",
        "法治社会建设",
        [
            ("习近平法治思想学习宣传", "2", ["xcb"], "deduct"),
            ("“八五”普法规划实施", "2", ["sfj"], "grade"),
            ("民法典学习宣传", "2", ["sfj"], "deduct"),
            ("公民法治素养提升行动", "2", ["xcb", "sfj"], "deduct"),
            ("基层社会治理“1+6+N”工作体系", "2", ["zfw"], "deduct"),
            ("信访工作法治化", "2", ["xfj"], "deduct"),
            ("矛盾纠纷多元化解", "2", ["sfj"], "deduct"),
            ("公共法律服务体系建设", "2", ["sfj"], "deduct"),
            ("法治文化阵地建设", "2", ["xcb"], "grade"),
        ],
    ),
    (
        "四",
        "法治化营商环境",
        [
            ("优化营商环境制度建设", "2", ["fgj"], "deduct"),
            ("市场监管执法与包容审慎监管", "2", ["scjgj"], "deduct"),
            ("知识产权保护", "2", ["scjgj", "fy"], "deduct"),
            ("涉企收费与财政资金监管", "2", ["czj"], "deduct"),
            ("劳动保障监察与根治欠薪", "2", ["rsj"], "deduct"),
            ("工程建设领域依法监管", "2", ["zjj"], "deduct"),
            ("涉侨涉外法律服务", "2", ["sfj"], "deduct"),
        ],
    ),
    (
        "五",
        "加强法治建设组织领导",
        [
            ("党委法治建设议事协调机构运行", "3", ["swb"], "deduct"),
            ("党政主要负责人履行推进法治建设第一责任人职责", "3", ["zzb"], "deduct"),
            ("领导干部学法用法", "2.5", ["zzb"], "grade"),
            ("法治督察与法治建设考评", "2.5", ["sfj"], "deduct"),
            ("法治建设年度报告", "2", ["swb"], "deduct"),
            ("法治政府建设示范创建", "2.5", ["szfb"], "deduct"),
            ("法治建设重大事项（负面清单）", "2.5", ["zfw"], "veto"),
        ],
    ),
]
GRADES = [("好", D("1")), ("较好", D("0.8")), ("一般", D("0.6")), ("差", D("0.3"))]
REASONS = [
    "抽查发现{k}份台账资料缺失",
    "年度工作计划未按时报送",
    "部分制度未按要求及时修订",
    "市级督察通报的问题整改不到位",
    "抽查案卷{k}宗文书不规范",
    "佐证材料未体现工作成效",
    "工作总结未按时报送",
    "培训记录不完整，未见签到表",
]
EVIDENCE = ["自评报告及佐证材料", "工作台账", "会议纪要和工作方案", "抽查案卷", "网站公开栏目", "督察通报"]
# how often a target loses points on an indicator (synthetic; a spread for the ranking)
QUALITY = {
    "440703": 0.16,
    "440704": 0.30,
    "440705": 0.22,
    "440781": 0.36,
    "440783": 0.27,
    "440784": 0.24,
    "440785": 0.40,
}


def _rules(code: str, name: str, points: D, method: str) -> list[dict[str, Any]]:
    if method == Method.GRADE:
        return [
            {
                "code": f"{code}-{i}",
                "text": f"{label}：{name}工作成效{label}",
                "kind": "grade",
                "points": (points * share).quantize(D("0.01")),
            }
            for i, (label, share) in enumerate(GRADES, start=1)
        ]
    rules = [
        {
            "code": f"{code}-1",
            "text": f"{name}工作未按年度要求部署或落实不到位的，每项扣0.5分，最多扣1分",
            "kind": "deduct",
            "points": D("0.5"),
            "max_points": D("1"),
        },
        {
            "code": f"{code}-2",
            "text": "制度不健全、台账资料不完整的，每项扣0.25分，最多扣0.5分",
            "kind": "deduct",
            "points": D("0.25"),
            "max_points": D("0.5"),
        },
        {
            "code": f"{code}-3",
            "text": "相关工作被上级机关通报批评或经媒体曝光查实的，每次扣1分",
            "kind": "deduct",
            "points": D("1"),
            "max_points": None,
        },
    ]
    if method == Method.VETO:
        rules.append(
            {
                "code": f"{code}-4",
                "text": "发生重大违法行政或司法腐败案件、造成恶劣社会影响的，一票否决",
                "kind": "veto",
                "points": D("0"),
                "max_points": None,
            }
        )
    return rules


def structure(org_by_abbr: dict[str, Org]) -> list[dict[str, Any]]:
    result = []
    n = 0
    for s_no, (s_code, s_name, indicators) in enumerate(SECTIONS, start=1):
        items = []
        for i, (name, points, units, method) in enumerate(indicators, start=1):
            n += 1
            code = f"{s_no}.{i}"
            items.append(
                {
                    "code": code,
                    "name": name,
                    "max_score": D(points),
                    "method": method,
                    "bonus_cap": None,
                    "description": f"（合成示例）考评{name}的制度建设、工作落实和成效情况。",
                    "evidence_required": "相关制度文件、工作台账、会议纪要等佐证材料",
                    "assessors": [org_by_abbr[a].pk for a in units],
                    "applies_to": [],
                    "rules": _rules(code, name, D(points), method),
                }
            )
        result.append({"code": s_code, "name": s_name, "indicators": items})
    return result


def load(*, stdout: Writer | None = None) -> None:
    office = User.objects.get(username="office")
    org_by_abbr = {
        abbr: Org.objects.get(code=orgs_demo.assessor_code(abbr)) for abbr, *_ in orgs_demo.ASSESSORS
    }
    reviewers = _reviewers(org_by_abbr)
    clerks = {u.org_id: u for u in User.objects.filter(username__in=[f"assessor_{a}" for a in org_by_abbr])}
    _duties(office, clerks, reviewers)
    if Campaign.objects.filter(name=CAMPAIGN_NAME.format(year=2023)).exists():
        return
    targets = list(Org.objects.filter(code__in=[c for c, _, _ in orgs_demo.COUNTIES]).order_by("code"))
    previous = None
    for year in (2021, 2022):
        framework = fw.framework_import(
            actor=office,
            structure=structure(org_by_abbr),
            year=year,
            name=FRAMEWORK_NAME.format(year=year),
            total_score=D(100),
            description=SYNTHETIC,
        )
        if previous is not None:
            Framework.objects.filter(pk=framework.pk).update(cloned_from=previous)
        framework = fw.framework_lock(actor=office, framework=framework)
        _published_campaign(office, framework, targets, clerks, reviewers, year)
        previous = framework
    assert previous is not None
    framework_2023 = _framework_2023(office, previous)
    _open_campaign(office, framework_2023, targets, clerks, reviewers)
    if stdout:
        stdout.write(
            "法治建设考评：2021、2022 年度考评已公布（7 个被考评单位 × 46 项指标），"
            "2023 年度考评处于考评评分阶段；20 个考评单位各增加审核账号 assessor_<简称>_sh\n"
        )


def _reviewers(org_by_abbr: dict[str, Org]) -> dict[Any, User]:
    hashed = make_password(DEMO_PASSWORD)
    role = Role.objects.get(code=roles.ASSESSOR)
    short = {abbr: s for abbr, _, s, _ in orgs_demo.ASSESSORS}
    result = {}
    for abbr, org in org_by_abbr.items():
        user = User.objects.filter(username=f"assessor_{abbr}_sh").first()
        if user is None:
            user = user_create(
                actor=None, username=f"assessor_{abbr}_sh", name=f"{short[abbr]}审核员", org=org, role=role
            )
            User.objects.filter(pk=user.pk).update(password=hashed, password_changed_at=timezone.now())
        result[org.pk] = user
    return result


def _duties(office: User, clerks: dict[Any, User], reviewers: dict[Any, User]) -> None:
    """assessor_<abbr> is the unit's 经办, assessor_<abbr>_sh its 审核 (kept when already given)."""
    given = set(ScoringDuty.objects.values_list("user_id", flat=True))
    for people, duty in ((clerks, Duty.ENTER), (reviewers, Duty.REVIEW)):
        for user in people.values():
            if user.pk not in given:
                scoring_duty_assign(actor=office, user=user, duty=duty)


def _deadlines(year: int) -> dict[str, tuple[datetime.date | None, datetime.date]]:
    y = year + 1
    days = [(1, 10), (2, 15), (3, 20), (4, 5), (4, 15), (4, 25), (4, 30)]
    return {
        phase: (None, datetime.date(y, m, d))
        for phase, (m, d) in zip([p.value for p in Phase], days, strict=True)
    }


def _campaign(office: User, framework: Framework, targets: list[Org], year: int, deadlines: dict) -> Campaign:
    return campaign_services.campaign_create(
        actor=office,
        year=year,
        name=CAMPAIGN_NAME.format(year=year),
        framework=framework,
        targets=targets,
        deadlines=deadlines,
        social_weight=D("0.1"),
        allow_past_deadlines=True,
    )


def _advance(office: User, campaign: Campaign, to: str) -> Campaign:
    while campaign.phase != to:
        campaign = campaign_services.campaign_advance(actor=office, campaign=campaign)
    return campaign


def _at(year: int, month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


def _fill_self_assessments(
    campaign: Campaign,
    targets: list[Org],
    rng: random.Random,
    when: datetime.datetime,
    submitters: dict[Any, User],
) -> None:
    rows = list(SelfAssessment.objects.filter(campaign=campaign).select_related("indicator"))
    for sa in rows:
        ind = sa.indicator
        loss = D(rng.choice([0, 0, 0, 0, 25, 50])) / 100
        sa.self_score = max(D(0), ind.max_score - loss)
        sa.narrative = (
            f"{campaign.year}年，本地区围绕“{ind.name}”制定年度工作要点，明确责任单位和时间节点，"
            "按要求完成各项任务并建立工作台账。（演示数据）"
        )
        sa.status = SelfAssessmentStatus.SUBMITTED
        sa.submitted_at = when
        sa.submitted_by = submitters.get(sa.target_id)
        sa.updated_by = sa.submitted_by
    SelfAssessment.objects.bulk_update(
        rows,
        ["self_score", "narrative", "status", "submitted_at", "submitted_by", "updated_by"],
        batch_size=500,
    )
    by_target: dict[int, int] = defaultdict(int)
    for sa in rows:
        by_target[sa.target_id] += 1
    for target in targets:
        audit_record(
            actor=submitters.get(target.pk),
            action="assessments.self_assessment.submitted",
            target=campaign,
            target_repr=f"{campaign} {target.display_name}",
            data={"target": target.pk, "count": by_target[target.pk], "demo": True},
        )


def _score_values(
    score: Score, rules: list, rng: random.Random, quality: float
) -> tuple[D, list[dict], D | None]:
    """Deterministic plausible deductions (or a grade) for one score."""
    ind = score.indicator
    if ind.method == Method.GRADE:
        weights = [0.55 - quality, 0.3, 0.15 + quality / 2, quality / 3]
        grade = rng.choices([r for r in rules if r.kind == RuleKind.GRADE], weights=weights)[0]
        items = [
            {
                "rule": grade,
                "kind": "grade",
                "count": 1,
                "points": grade.points,
                "reason": ""
                if grade.points == ind.max_score
                else f"对照细则评定为“{grade.text.split('：')[0]}”",
            }
        ]
        return grade.points, items, grade.points
    items = []
    if rng.random() < quality:
        deduct_rules = [r for r in rules if r.kind == RuleKind.DEDUCT]
        chosen = rng.sample(deduct_rules[:2], k=rng.choice([1, 1, 2]))
        if rng.random() < quality / 4:
            chosen.append(deduct_rules[2])
        for rule in chosen:
            count = rng.choice([1, 1, 2])
            points = rule.points * count
            if rule.max_points is not None:
                points = min(points, rule.max_points)
            items.append(
                {
                    "rule": rule,
                    "kind": "deduct",
                    "count": count,
                    "points": points,
                    "reason": rng.choice(REASONS).format(k=rng.randint(1, 3)),
                    "evidence": f"查阅了{rng.choice(EVIDENCE)}",
                }
            )
    deducted = sum((i["points"] for i in items), D(0))
    return max(D(0), ind.max_score - deducted), items, None


def _score_all(
    campaign: Campaign,
    rng: random.Random,
    clerks: dict[Any, User],
    reviewers: dict[Any, User],
    *,
    share_entered: float = 1.0,
    entered_at: datetime.datetime,
    approved_at: datetime.datetime,
) -> None:
    scores = list(
        Score.objects.filter(campaign=campaign).select_related("indicator", "target").order_by("pk")
    )
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(section__framework=campaign.framework).prefetch_related(
            "rules", "assessors"
        )
    }
    items: list[ScoreItem] = []
    changes: list[ScoreChange] = []
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for score in scores:
        ind = indicators[score.indicator_id]
        roll = rng.random()
        if roll >= share_entered:
            continue
        unit = ind.assessors.all()[0]
        value, chosen, base = _score_values(
            score, list(ind.rules.all()), rng, QUALITY.get(score.target.code, 0.3)
        )
        score.score, score.base = value, base
        score.reason = "；".join(c["reason"] for c in chosen if c.get("reason"))
        score.evidence_note = "；".join(sorted({c["evidence"] for c in chosen if c.get("evidence")})) or (
            "查阅了自评报告及佐证材料" if value < ind.max_score else ""
        )
        if value < ind.max_score and not score.reason:
            score.reason = "对照评分细则，工作成效未达到满分标准"
        score.assessor_org, score.entered_by, score.entered_at = unit, clerks[unit.pk], entered_at
        approved = roll < share_entered * 0.55 if share_entered < 1 else True
        submitted = roll < share_entered * 0.8 if share_entered < 1 else True
        score.status = (
            ScoreStatus.APPROVED if approved else ScoreStatus.SUBMITTED if submitted else ScoreStatus.DRAFT
        )
        score.version = 2 if approved else 1
        changes.append(
            ScoreChange(
                score=score,
                before=None,
                after=value,
                changed_by=clerks[unit.pk],
                source=ScoreChangeSource.SCORING,
                note=score.reason[:500],
            )
        )
        if approved:
            score.reviewed_by, score.approved_at = reviewers[unit.pk], approved_at
            changes.append(
                ScoreChange(
                    score=score,
                    before=value,
                    after=value,
                    changed_by=reviewers[unit.pk],
                    source=ScoreChangeSource.REVIEW,
                    note="审核通过",
                )
            )
        counts[unit.pk][score.status] += 1
        for c in chosen:
            items.append(
                ScoreItem(
                    score=score,
                    rule=c["rule"],
                    kind=c["kind"],
                    count=c["count"],
                    points=c["points"],
                    reason=c.get("reason", ""),
                    evidence_note=c.get("evidence", ""),
                )
            )
    Score.objects.bulk_update(
        scores,
        [
            "score",
            "base",
            "reason",
            "evidence_note",
            "assessor_org",
            "entered_by",
            "entered_at",
            "status",
            "version",
            "reviewed_by",
            "approved_at",
        ],
        batch_size=500,
    )
    ScoreItem.objects.bulk_create(items, batch_size=1000)
    ScoreChange.objects.bulk_create(changes, batch_size=1000)
    ScoreChange.objects.filter(score__campaign=campaign, source=ScoreChangeSource.SCORING).update(
        changed_at=entered_at
    )
    ScoreChange.objects.filter(score__campaign=campaign, source=ScoreChangeSource.REVIEW).update(
        changed_at=approved_at
    )
    for org_id, by_status in counts.items():
        audit_record(
            actor=clerks[org_id],
            action="assessments.score.updated",
            target=campaign,
            target_repr=f"{campaign} 评分",
            data={"unit": org_id, "count": sum(by_status.values()), "demo": True},
        )
        if by_status.get(ScoreStatus.APPROVED):
            audit_record(
                actor=reviewers[org_id],
                action="assessments.score.approved",
                target=campaign,
                target_repr=f"{campaign} 审核",
                data={"unit": org_id, "count": by_status[ScoreStatus.APPROVED], "demo": True},
            )


def _published_campaign(
    office: User,
    framework: Framework,
    targets: list[Org],
    clerks: dict[Any, User],
    reviewers: dict[Any, User],
    year: int,
) -> Campaign:
    from assessments.services.publication import campaign_publish

    rng = random.Random(f"fazhi-demo-{year}")
    campaign = _campaign(office, framework, targets, year, _deadlines(year))
    campaign = _advance(office, campaign, Phase.SELF_ASSESS)
    submitters = {u.org_id: u for u in User.objects.filter(org__in=targets, role_id=roles.TARGET)}
    _fill_self_assessments(campaign, targets, rng, _at(year + 1, 2, 10), submitters)
    campaign = _advance(office, campaign, Phase.SCORING)
    _score_all(
        campaign, rng, clerks, reviewers, entered_at=_at(year + 1, 3, 10), approved_at=_at(year + 1, 3, 16)
    )
    social.social_import(
        actor=office,
        campaign=campaign,
        rows=[
            (t, D(rng.randint(8200, 9600)) / 100, f"{year}年度群众满意度调查（演示数据）") for t in targets
        ],
    )
    campaign = _advance(office, campaign, Phase.FINAL_REVIEW)
    campaign_publish(actor=office, campaign=campaign, published_at=_at(year + 1, 4, 20))
    return campaign


def _framework_2023(office: User, source: Framework) -> Framework:
    """Cloned from 2022 with the edits the seed mentions (惠民实事 becomes an indicator)."""
    framework = fw.framework_clone(actor=office, source=source, year=2023, description=SYNTHETIC)
    indicators = {i.code: i for i in Indicator.objects.filter(section__framework=framework)}
    fw.indicator_update(actor=office, indicator=indicators["1.11"], name="“数字政府”改革与“粤执法”平台应用")
    fw.indicator_update(actor=office, indicator=indicators["5.1"], max_score=D("2"))
    section = framework.sections.get(code="五")
    new = fw.indicator_create(
        actor=office,
        section=section,
        code="5.8",
        name="法治惠民实事项目落实",
        max_score=D("1"),
        method=Method.DEDUCT,
        order=8,
        description="（合成示例）考评“十大法治惠民实事项目”的推进落实情况。",
        evidence_required="项目推进台账、成效材料",
        assessors=list(indicators["5.4"].assessors.all()[:1]),
    )
    for rule in _rules("5.8", new.name, D("1"), "deduct")[:2]:
        fw.rule_create(actor=office, indicator=new, **rule)
    case_rule = indicators["1.6"].rules.get(code="1.6-2")
    fw.rule_update(
        actor=office,
        rule=case_rule,
        text="案卷评查不合格的，每宗扣0.5分，最多扣1分",
        points=D("0.5"),
        max_points=D("1"),
    )
    _regroup_2023(office, section, indicators)
    return fw.framework_lock(actor=office, framework=framework)


def _regroup_2023(office: User, section: Section, indicators: dict[str, Indicator]) -> None:
    """2023 as the office writes it: 板块五 with its subtotal and a 二级指标
    (党政主要负责人履职, with a rule stated once for the group), a 酌情扣分
    rule, and 5.7 kept a 负面清单 (deductions beyond its points come off the
    total). The rng of the demo's scoring picks only 扣分 rules, so the scores
    are what they were."""
    lead = fw.group_create(
        actor=office, section=section, code="（一）", name="党委领导与第一责任人职责", points=D(5)
    )
    for code in ("5.1", "5.2"):
        fw.indicator_update(actor=office, indicator=indicators[code], group=lead)
    fw.rule_create(
        actor=office,
        indicator=indicators["5.1"],
        code="5.1-G",
        text="以上两项工作被市委依法治市办通报批评的，每次扣1分，最多扣2分（从本二级指标中扣除）",
        kind=RuleKind.DEDUCT,
        points=D("1"),
        max_points=D("2"),
        scope=RuleScope.GROUP,
        order=9,
    )
    fw.section_update(
        actor=office,
        section=section,
        points=sum((i.max_score for i in section.indicators.all() if i.method != Method.BONUS), D(0)),
    )
    fw.rule_create(
        actor=office,
        indicator=indicators["1.6"],
        code="1.6-4",
        text="行政执法案卷质量不高、说理不充分的，视情况酌情扣0.5至1分",
        kind=RuleKind.DISCRETIONARY,
        points=D("0"),
        min_points=D("0.5"),
        max_points=D("1"),
        order=4,
    )
    fw.indicator_update(actor=office, indicator=indicators["5.7"], overflow=True)


def _open_campaign(
    office: User,
    framework: Framework,
    targets: list[Org],
    clerks: dict[Any, User],
    reviewers: dict[Any, User],
) -> Campaign:
    rng = random.Random("fazhi-demo-2023")
    today = timezone.localdate()
    offsets = [-40, -12, 2, 12, 20, 27, 35]
    deadlines = {
        p.value: (None, today + datetime.timedelta(days=o)) for p, o in zip(Phase, offsets, strict=True)
    }
    campaign = _campaign(office, framework, targets, 2023, deadlines)
    campaign = _advance(office, campaign, Phase.SELF_ASSESS)
    submitters = {u.org_id: u for u in User.objects.filter(org__in=targets, role_id=roles.TARGET)}
    _fill_self_assessments(campaign, targets, rng, timezone.now() - datetime.timedelta(days=14), submitters)
    _demo_evidence(campaign, submitters)
    campaign = _advance(office, campaign, Phase.SCORING)
    now = timezone.now()
    _score_all(
        campaign,
        rng,
        clerks,
        reviewers,
        share_entered=0.6,
        entered_at=now - datetime.timedelta(days=3),
        approved_at=now - datetime.timedelta(days=1),
    )
    # two items of 台山市 returned by the office for more evidence (shows the returned to-do)
    from assessments.services import self_assessments as sa_services

    taishan = next(t for t in targets if t.code == "440781")
    for sa in (
        SelfAssessment.objects.filter(campaign=campaign, target=taishan)
        .select_related("campaign", "indicator")
        .order_by("indicator__section__order", "indicator__order")[:2]
    ):
        sa_services.self_assessment_return(
            actor=office, sa=sa, reason="佐证材料不足，请补充会议纪要和工作台账后重新提交。"
        )
    return campaign


def _demo_evidence(campaign: Campaign, submitters: dict[Any, User]) -> None:
    """A few small evidence files for 蓬江区, through the attachments service."""
    from attachments.services import attachment_create

    pengjiang = Org.objects.get(code="440703")
    actor = submitters.get(pengjiang.pk)
    rows = (
        SelfAssessment.objects.filter(campaign=campaign, target=pengjiang)
        .select_related("indicator")
        .order_by("indicator__section__order", "indicator__order")[:3]
    )
    for sa in rows:
        text = f"{sa.indicator.name}工作台账（演示数据）\n\n一、工作部署\n二、落实情况\n三、成效\n".encode()
        attachment = attachment_create(
            actor=actor,
            uploaded_file=ContentFile(text, name=f"{sa.indicator.code}-{sa.indicator.name}工作台账.txt"),
            org=pengjiang,
        )
        sa.evidence.add(attachment)
