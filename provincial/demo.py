"""Demo data of 迎检: the 2023 法治广东建设考评 as the office prepared for it.

The indicators are SYNTHETIC (plausible, not the province's real standards) and
say so in the framework's name, source note and every 评分标准. The grades of
2018–2022 are the seed's: "我市在2018-2022年度法治广东建设考评中连续五年获评优秀等次".
Everything goes through the services (so it is audited); the workflow replays
late 2023 (deadlines are checked as of 2023-11-01)."""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from accounts.models import User
from documents.xlsx import write_row
from fazhi.lib.writer import Writer
from orgs import demo as orgs_demo
from orgs.models import Org
from provincial import services
from provincial.models import ProvincialFramework, ProvincialResult, Task

YEAR = 2023
SYNTHETIC = "【演示用合成标准】"
AS_OF = datetime.date(2023, 11, 1)

# (code, 板块, 指标, 分值, 评分标准, 佐证材料要求, responsible units: assessor abbrs or "office")
SECTIONS = [
    (
        "一、加强党对法治建设的领导",
        [
            (
                "1.1",
                "深入学习贯彻习近平法治思想",
                4,
                "党委（党组）理论学习中心组未开展专题学习的扣1分；未纳入干部教育培训主体班次的扣1分。",
                "中心组学习计划和记录、培训班次安排、课程表",
                ["xcb", "zzb"],
            ),
            (
                "1.2",
                "党政主要负责人履行推进法治建设第一责任人职责",
                5,
                "未将履职情况列入年终述职的扣1分；未开展年终述法的扣2分。",
                "述职述法报告、考核内容清单、会议记录",
                ["zzb", "swb"],
            ),
            (
                "1.3",
                "法治建设规划和年度工作计划落实",
                3,
                "未印发年度工作要点的扣1分；重点任务未按期完成的每项扣0.5分。",
                "年度工作要点、任务台账、完成情况报告",
                ["office"],
            ),
            (
                "1.4",
                "法治督察和法治建设考评",
                4,
                "未开展法治督察的扣2分；考评结果未运用的扣1分。",
                "督察方案、督察报告、考评结果通报、整改台账",
                ["office"],
            ),
            (
                "1.5",
                "法治建设先行试点任务",
                4,
                "试点方案未出台的扣2分；试点工作无阶段性成果的扣1分。",
                "试点实施方案、阶段总结、经验材料",
                [],
            ),
        ],
    ),
    (
        "二、法治政府建设",
        [
            (
                "2.1",
                "依法全面履行政府职能",
                4,
                "权责清单未动态调整的扣1分；未落实证明事项告知承诺制的扣1分。",
                "权责清单调整文件、告知承诺制实施情况",
                ["szfb", "fgj"],
            ),
            (
                "2.2",
                "重大行政决策程序制度落实",
                4,
                "未公布年度重大行政决策事项目录的扣1分；决策未经合法性审查的每件扣1分。",
                "决策事项目录、合法性审查意见、集体讨论记录",
                ["szfb", "sfj"],
            ),
            (
                "2.3",
                "行政规范性文件合法性审核和备案审查",
                4,
                "未经合法性审核出台规范性文件的每件扣1分；未按时报备的每件扣0.5分。",
                "审核意见书、备案登记表、清理结果",
                ["sfj"],
            ),
            (
                "2.4",
                "行政执法“三项制度”落实",
                5,
                "执法信息未按时公示的扣1分；重大执法决定未经法制审核的每件扣1分。",
                "执法公示截图、全过程记录资料、法制审核意见",
                ["sfj", "gaj", "scjgj"],
            ),
            (
                "2.5",
                "行政执法协调监督",
                4,
                "未开展行政执法案卷评查的扣2分；“粤执法”使用率未达标的扣1分。",
                "案卷评查报告、执法监督文书、平台统计截图",
                ["sfj"],
            ),
            (
                "2.6",
                "行政复议和行政应诉",
                5,
                "行政机关负责人出庭应诉率未达标的扣2分；复议纠错决定未履行的每件扣1分。",
                "出庭应诉统计、复议决定履行情况、败诉案件分析",
                ["sfj", "fy"],
            ),
            (
                "2.7",
                "政务公开和数字法治政府建设",
                4,
                "政府信息公开年报未按时发布的扣1分；政务服务事项网上可办率未达标的扣1分。",
                "信息公开年报、政务服务统计数据",
                ["zsj", "szfb"],
            ),
        ],
    ),
    (
        "三、公正司法",
        [
            (
                "3.1",
                "司法责任制综合配套改革",
                4,
                "未落实审判权力清单的扣1分；案件质量评查发现重大问题的扣2分。",
                "权力清单、评查报告、改革工作总结",
                ["fy"],
            ),
            (
                "3.2",
                "切实解决执行难",
                4,
                "执行到位率低于全省平均的扣1分；未建立联动机制的扣1分。",
                "执行工作数据、联动机制文件",
                ["fy", "gaj"],
            ),
            (
                "3.3",
                "检察法律监督",
                4,
                "未开展民事执行监督的扣1分；公益诉讼办案质效偏低的扣1分。",
                "监督案件统计、典型案例",
                ["jcy"],
            ),
            (
                "3.4",
                "公安执法规范化建设",
                4,
                "执法办案管理中心未全覆盖的扣1分；受立案制度改革未落实的扣1分。",
                "执法办案中心建设情况、受立案数据",
                ["gaj"],
            ),
            (
                "3.5",
                "司法公开和司法便民",
                4,
                "裁判文书未按规定上网的扣1分；诉讼服务评价未达标的扣1分。",
                "公开平台统计、诉讼服务评价数据",
                ["fy", "jcy"],
            ),
        ],
    ),
    (
        "四、法治社会建设",
        [
            (
                "4.1",
                "“八五”普法规划实施",
                5,
                "未落实“谁执法谁普法”责任清单的扣1分；公民法治素养提升行动未开展的扣2分。",
                "普法责任清单、活动方案和图片、宣传报道",
                ["sfj", "xcb"],
            ),
            (
                "4.2",
                "现代公共法律服务体系建设",
                4,
                "村（社区）法律顾问未全覆盖的扣1分；法律援助未实现应援尽援的扣1分。",
                "法律顾问覆盖统计、法律援助案件数据",
                ["sfj"],
            ),
            (
                "4.3",
                "基层依法治理",
                4,
                "民主法治示范村（社区）创建未达标的扣1分；镇街综合行政执法未规范的扣1分。",
                "示范村创建名单、综合执法工作总结",
                ["zfw", "sfj"],
            ),
            (
                "4.4",
                "信访工作法治化",
                3,
                "未落实信访工作法治化“路线图”的扣1分；重复信访化解率未达标的扣1分。",
                "信访事项办理统计、化解台账",
                ["xfj"],
            ),
            (
                "4.5",
                "矛盾纠纷多元预防调处化解",
                4,
                "未建立调解、仲裁、诉讼衔接机制的扣1分；人民调解成功率未达标的扣1分。",
                "衔接机制文件、调解统计",
                ["zfw", "sfj"],
            ),
        ],
    ),
    (
        "五、法治化营商环境",
        [
            (
                "5.1",
                "涉企执法监管规范化",
                4,
                "未推行包容审慎监管执法清单的扣1分；涉企检查未统筹的扣1分。",
                "免罚轻罚清单、涉企检查计划",
                ["scjgj", "sthjj", "yjglj"],
            ),
            (
                "5.2",
                "知识产权保护",
                3,
                "知识产权案件“三合一”改革未落实的扣1分；维权援助机制未建立的扣1分。",
                "改革工作情况、维权援助工作材料",
                ["scjgj", "fy"],
            ),
            (
                "5.3",
                "平等保护各类市场主体合法权益",
                3,
                "涉企政策未经公平竞争审查的每件扣0.5分；拖欠企业账款未清理的扣1分。",
                "公平竞争审查记录、清欠台账",
                [],
            ),
        ],
    ),
]
TOTAL = Decimal("100")
DEADLINES = [
    datetime.date(2023, 12, 15),
    datetime.date(2023, 12, 29),
    datetime.date(2024, 1, 12),
    datetime.date(2024, 1, 31),
]
RETURN_REASONS = [
    "佐证材料缺少全年统计数据，请补充 1—12 月完整数据。",
    "工作情况说明未对照评分标准逐项说明，请补充。",
    "所附会议记录未加盖公章，请补充盖章扫描件。",
]


def framework_xlsx() -> bytes:
    """The demo framework as the province would send it (title row, 板块 merged, 合计 row)."""
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = "考评指标"
    write_row(ws, 1, [f"{YEAR}年度法治广东建设考评指标体系（演示用合成数据）"])
    ws.merge_cells("A1:F1")
    write_row(ws, 2, ["编码", "板块", "指标", "分值", "评分标准", "佐证材料要求"])
    row = 2
    for section, indicators in SECTIONS:
        first = row + 1
        for code, name, score, criteria, evidence, _ in indicators:
            row += 1
            write_row(ws, row, [code, section, name, score, SYNTHETIC + criteria, evidence])
        if len(indicators) > 1:
            ws.merge_cells(start_row=first, start_column=2, end_row=row, end_column=2)
    write_row(ws, row + 1, ["合计", "", "", int(TOTAL), "", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _units() -> dict[str, Org]:
    orgs = {o.code: o for o in Org.objects.all()}
    units = {abbr: orgs[orgs_demo.assessor_code(abbr)] for abbr, *_ in orgs_demo.ASSESSORS}
    units["office"] = orgs[orgs_demo.OFFICE[0]]
    return units


def _unit_user(org: Org) -> User | None:
    return (
        User.objects.filter(org=org, is_active=True)
        .exclude(role_id__in=("sysadmin", "secadmin", "auditadmin"))
        .order_by("username")
        .first()
    )


def _evidence(*, actor: User, task: Task, rng: random.Random) -> None:
    indicator = task.indicator
    for n, item in enumerate(indicator.evidence_requirements.split("、")[: rng.randint(1, 3)], start=1):
        text = (
            f"（演示数据，内容为合成示例）\n{task.org.name}\n{YEAR}年度法治广东建设考评佐证材料\n"
            f"指标：{indicator.code} {indicator.name}\n材料：{item}\n\n"
            f"一、基本情况\n本单位按照评分标准要求，扎实推进{indicator.name}相关工作。\n"
            f"二、主要做法\n（略）\n三、附件清单\n{n}. {item}\n"
        )
        upload = ContentFile(text.encode("utf-8"), name=f"{indicator.code}_{item}.txt")
        services.task_evidence_add(actor=actor, task=task, uploaded_file=upload)


def _play(*, office: User, task: Task, rng: random.Random, step: int) -> None:
    """Move the task along the workflow; step decides where it stops."""
    actor = _unit_user(task.org) or office
    max_score = task.indicator.max_score
    if step == 0:  # untouched: no evidence, overdue once its deadline has passed
        return
    _evidence(actor=actor, task=task, rng=rng)
    estimate = max_score - Decimal(rng.choice(["0", "0", "0", "0.5", "1"]))
    services.task_report(
        actor=actor,
        task=task,
        self_score=estimate,
        note=f"（演示）已对照评分标准逐项落实，{task.indicator.evidence_requirements}等材料已上传。",
    )
    if step == 1:  # draft with evidence, not handed in yet
        return
    services.task_submit(actor=actor, task=task)
    if step == 2:  # awaiting the office's review
        return
    if step == 3:
        services.task_return(actor=office, task=task, reason=rng.choice(RETURN_REASONS))
        return
    reviewed = estimate - Decimal(rng.choice(["0", "0", "0", "0.5"]))
    services.task_accept(actor=office, task=task, reviewed_score=max(reviewed, Decimal("0")))


def load(*, stdout: Writer | None = None) -> None:
    office = User.objects.filter(username="office").first()
    if office is None:
        return
    for year in range(2018, 2023):
        if not ProvincialResult.objects.filter(year=year).exists():
            services.result_record(
                actor=office,
                year=year,
                grade="优秀",
                note="江门市在2018—2022年度法治广东建设考评中连续五年获评优秀等次",
            )
    if ProvincialFramework.objects.filter(year=YEAR).exists():
        return
    framework = services.framework_import(
        actor=office,
        year=YEAR,
        name="法治广东建设考评指标体系（演示用合成指标）",
        content=framework_xlsx(),
        filename=f"{YEAR}年度法治广东建设考评指标体系.xlsx",
        declared_total=TOTAL,
        source_note="演示数据：指标、分值、评分标准均为合成示例，并非省委依法治省办印发的正式考评标准",
    )
    units = _units()
    rng = random.Random(YEAR)
    indicators = {i.code: i for i in framework.indicators.all()}
    # where each task stops: mostly accepted, some waiting for review, a few returned or untouched
    steps = [4, 4, 2, 4, 1, 4, 3, 4, 2, 4, 0, 4, 4, 2, 4, 4, 3, 4, 0, 4, 2, 4, 4, 1, 4, 4, 0, 2, 4, 4, 4, 2]
    n = 0
    for section_index, (_, rows) in enumerate(SECTIONS):
        for code, *_, responsible in rows:
            if not responsible:
                continue  # left unassigned: a gap the office sees
            tasks = services.tasks_assign(
                actor=office,
                indicator=indicators[code],
                orgs=[units[u] for u in responsible],
                deadline=DEADLINES[(section_index + len(code)) % len(DEADLINES)],
                today=AS_OF,
                description="请对照评分标准和佐证材料要求，提供本单位负责部分的全年工作材料。",
            )
            for task in tasks:
                _play(office=office, task=task, rng=rng, step=steps[n % len(steps)])
                n += 1
    if stdout:
        stdout.write(
            f"迎检：{YEAR} 年度法治广东建设考评指标 {len(indicators)} 项（合成示例），迎检任务 {n} 项；"
            f"2018—2022 年度考评结果\n"
        )
