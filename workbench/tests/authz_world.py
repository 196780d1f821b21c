"""The objects the authorization matrix requests, made once per test class.

Most objects come in two sides that mirror each other: `own` belongs to the
county (蓬江区) and, where an assessing unit is involved, to 市司法局; `other` is
its mirror image belonging to the stranger (江海区) and 市公安局. A row of the
matrix names an object of the `own` side; a mirrored row is requested again on
the `other` side by the county/stranger, assessor/assessor_b and
reviewer/reviewer_b pairs (workbench/tests/authz.py: MIRROR).

考评 objects are made through the models (and publication through its URL) so
that moving the assessments services between modules does not break this file.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal as D
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from accountability import services as accountability_services
from accountability.models import IndicatorFigureLink
from accounts import roles
from accounts.models import Role
from accounts.services import admin_role_request_propose
from assessments.models import (
    Appeal,
    AppealStatus,
    BonusClaim,
    Campaign,
    Framework,
    Indicator,
    IndicatorGroup,
    Phase,
    PhaseDeadline,
    Rectification,
    Rule,
    Score,
    ScoreStatus,
    Section,
    SelfAssessment,
    SelfAssessmentStatus,
    UnitClass,
)
from attachments.models import Attachment
from attachments.services import attachment_create
from attachments.tests import samples
from audit.services import audit_record
from experts import services as expert_services
from experts.models import Assignment
from experts.tests.factories import expert as make_expert
from fazhi.testing import make_user
from jobs.models import Job, JobStatus
from notices import services as notice_services
from notices.models import Contact, Reminder, ReminderStatus
from notices.numbers import number_reserve
from performance.services import project_submit
from performance.tests.fixtures import make_project
from provincial import services as provincial_services
from provincial.tests import factories as provincial
from selections import services as selection_services
from selections.models import Nomination, Review
from selections.models import Phase as SelectionPhase

# Indicators of the 考评 framework: code → (responsible unit, method, max score).
# Each 市司法局 indicator has a 市公安局 twin with the same role in the world:
# A — submitted/appealed, B — approved/answered, C — draft/appealable.
INDICATORS = {
    "A1": ("sfj", "deduct", 40),
    "A2": ("gaj", "deduct", 30),
    "B1": ("sfj", "grade", 10),
    "B2": ("gaj", "grade", 10),
    "C1": ("sfj", "deduct", 5),
    "C2": ("gaj", "deduct", 5),
}
TWIN = {"sfj": "1", "gaj": "2"}


def add_reviewers(tc: Any) -> None:
    """The 审核 of 市司法局 and 市公安局, the two personas the matrix adds to BaseTestCase's."""
    tc.reviewer = make_user("assessor_sfj_sh", tc.sfj, roles.ASSESSOR, duty="review")
    tc.reviewer_b = make_user("assessor_gaj_sh", tc.gaj, roles.ASSESSOR, duty="review")


def build(tc: Any) -> SimpleNamespace:
    """Everything the matrix needs; `tc` is the test class after BaseTestCase's set-up."""
    add_reviewers(tc)
    shared = SimpleNamespace()
    sides = {
        "own": SimpleNamespace(org=tc.county_org, user=tc.county, unit="sfj", twin="1"),
        "other": SimpleNamespace(org=tc.stranger_org, user=tc.stranger, unit="gaj", twin="2"),
    }
    _platform(tc, shared, sides)
    _performance(tc, sides)
    _provincial(tc, shared, sides)
    _assessments(tc, shared, sides)
    _experts(tc, shared)
    _selections(tc, shared, sides)
    _accountability(tc, shared)
    _notices(tc, shared, sides)
    _problems(tc, sides)
    for side in sides.values():
        for key, value in vars(shared).items():
            setattr(side, key, value)
    return SimpleNamespace(own=sides["own"], other=sides["other"], shared=shared)


def _platform(tc: Any, shared: SimpleNamespace, sides: dict[str, SimpleNamespace]) -> None:
    shared.admin_user = tc.auditadmin
    sides["own"].assessor_user, sides["other"].assessor_user = tc.assessor, tc.assessor_b
    shared.entry = audit_record(actor=tc.office, action="test.entry.created")
    shared.role_request = admin_role_request_propose(
        actor=tc.sysadmin,
        action="grant",
        role=Role.objects.get(code="auditadmin"),
        user=tc.county,
        reason="矩阵测试",
    )
    for side in sides.values():
        side.file = attachment_create(
            actor=side.user, uploaded_file=SimpleUploadedFile("台账.pdf", samples.PDF), org=side.org
        )
        side.image = attachment_create(
            actor=side.user, uploaded_file=SimpleUploadedFile("现场.gif", samples.GIF), org=side.org
        )
        job = Job.objects.create(
            owner=side.user, kind="test.export", title="导出", status=JobStatus.SUCCEEDED
        )
        job.result_file.name = default_storage.save(
            f"jobs/test/{job.pk.hex}-result.xlsx", ContentFile(_result_workbook())
        )
        job.result_name = "结果.xlsx"
        job.save()
        side.job = job


def _result_workbook() -> bytes:
    """A real workbook: a job's xlsx result is watermarked when downloaded (fails closed on junk)."""
    book = io.BytesIO()
    Workbook().save(book)
    return book.getvalue()


def _performance(tc: Any, sides: dict[str, SimpleNamespace]) -> None:
    for side in sides.values():
        side.project = make_project(side.org, name=f"{side.org.name}普法项目")
        submitted = make_project(side.org, name=f"{side.org.name}法律顾问项目")
        side.project_submitted = project_submit(actor=None, project=submitted)
        side.project_indicator = side.project.indicators.first()


def _provincial(tc: Any, shared: SimpleNamespace, sides: dict[str, SimpleNamespace]) -> None:
    framework = provincial.framework(tc.office)
    shared.provincial_framework = framework
    first, second, *_ = framework.indicators.order_by("code")
    shared.provincial_indicator = first
    for side in sides.values():
        side.task = provincial.task(tc.office, first, side.org)
        side.task_evidence = provincial_services.task_evidence_add(
            actor=side.user, task=side.task, uploaded_file=provincial.text_file()
        )
        side.task_submitted = provincial.submitted(tc.office, side.user, second)
    shared.provincial_result = provincial_services.result_record(
        actor=tc.office, year=2023, grade="优秀", score=D("92.5"), note="全省第三"
    )


# --------------------------------------------------------------------------- 考评


def _framework(year: int, *, locked: bool, tc: Any) -> Framework:
    framework = Framework.objects.create(
        year=year,
        name=f"{year}年度法治建设考评办法",
        total_score=D(100),
        status="locked" if locked else "draft",
        locked_at=timezone.now() if locked else None,
    )
    sections = {
        letter: Section.objects.create(framework=framework, code=letter, name=f"板块{letter}", order=i)
        for i, letter in enumerate("ABC")
    }
    for order, (code, (unit, method, points)) in enumerate(INDICATORS.items()):
        indicator = Indicator.objects.create(
            section=sections[code[0]],
            code=code,
            name=f"指标{code}",
            max_score=D(points),
            method=method,
            order=order,
        )
        indicator.assessors.add(getattr(tc, unit))
        if method == "grade":
            for i, (text, value) in enumerate((("好", points), ("一般", points * 6 // 10))):
                Rule.objects.create(
                    indicator=indicator, code=f"{code}-{i + 1}", text=text, kind="grade", points=D(value)
                )
        else:
            Rule.objects.create(indicator=indicator, code=f"{code}-1", text="每发现一处扣1分", points=D(1))
    return framework


def _campaign(tc: Any, framework: Framework, year: int, phase: str) -> Campaign:
    campaign = Campaign.objects.create(
        year=year, name=f"{year}年度法治建设考评", framework=framework, phase=phase
    )
    campaign.targets.set([tc.county_org, tc.stranger_org])
    campaign.assessors.set([tc.sfj, tc.gaj])
    today = timezone.localdate()
    PhaseDeadline.objects.create(
        campaign=campaign,
        phase=Phase.APPEAL,
        starts_on=today - datetime.timedelta(days=3),
        due_on=today + datetime.timedelta(days=3),
    )
    return campaign


def _scores(tc: Any, campaign: Campaign, status_of: dict[str, str]) -> dict[tuple[int, str], Score]:
    """A score of every indicator for both targets, in the status its letter says."""
    scores = {}
    for indicator in Indicator.objects.filter(section__framework=campaign.framework):
        unit = INDICATORS[indicator.code][0]
        status = status_of[indicator.code[0]]
        entered = status != ScoreStatus.DRAFT
        for target in (tc.county_org, tc.stranger_org):
            scores[(target.pk, indicator.code)] = Score.objects.create(
                campaign=campaign,
                target=target,
                indicator=indicator,
                score=indicator.max_score - 1 if entered else None,
                status=status,
                reason="台账不完整" if entered else "",
                assessor_org=getattr(tc, unit),
                entered_by=(tc.assessor if unit == "sfj" else tc.assessor_b) if entered else None,
                entered_at=timezone.now() if entered else None,
                reviewed_by=(tc.reviewer if unit == "sfj" else tc.reviewer_b)
                if status == ScoreStatus.APPROVED
                else None,
                approved_at=timezone.now() if status == ScoreStatus.APPROVED else None,
            )
    return scores


def _assessments(tc: Any, shared: SimpleNamespace, sides: dict[str, SimpleNamespace]) -> None:
    framework = _framework(2023, locked=True, tc=tc)
    shared.framework = framework
    draft = _framework(2024, locked=False, tc=tc)
    shared.draft = draft
    shared.draft_section = draft.sections.get(code="C")
    shared.draft_indicator = Indicator.objects.get(section__framework=draft, code="C1")
    shared.draft_rule = shared.draft_indicator.rules.get()
    shared.draft_group = IndicatorGroup.objects.create(
        section=shared.draft_section, name="二级指标", points=None
    )
    approved = {letter: ScoreStatus.APPROVED for letter in "ABC"}

    # 自评填报: A submitted, B draft
    shared.c_self = _campaign(tc, framework, 2023, Phase.SELF_ASSESS)
    for indicator in Indicator.objects.filter(section__framework=framework):
        for target, user in ((tc.county_org, tc.county), (tc.stranger_org, tc.stranger)):
            submitted = indicator.code.startswith("A")
            SelfAssessment.objects.create(
                campaign=shared.c_self,
                target=target,
                indicator=indicator,
                self_score=indicator.max_score,
                narrative="已按要求完成",
                status=SelfAssessmentStatus.SUBMITTED if submitted else SelfAssessmentStatus.DRAFT,
                submitted_at=timezone.now() if submitted else None,
                submitted_by=user if submitted else None,
                updated_by=user,
            )
    # 考评评分: A submitted (waiting for 审核), B approved, C draft
    shared.c_score = _campaign(tc, framework, 2022, Phase.SCORING)
    shared.unit_class = UnitClass.objects.create(campaign=shared.c_score, name="县区", full_marks=100)
    scoring = _scores(tc, shared.c_score, {"A": "submitted", "B": "approved", "C": "draft"})
    # 申诉复核: all approved; appeals on A (submitted) and B (answered); C may be appealed
    shared.c_appeal = _campaign(tc, framework, 2021, Phase.APPEAL)
    appealing = _scores(tc, shared.c_appeal, approved)
    # 审定, then 公布 (through the publishing URL, as the office does it)
    shared.c_review = _campaign(tc, framework, 2020, Phase.FINAL_REVIEW)
    reviewing = _scores(tc, shared.c_review, approved)
    shared.c_pub = _campaign(tc, framework, 2019, Phase.FINAL_REVIEW)
    published = _scores(tc, shared.c_pub, approved)
    office = Client()
    office.force_login(tc.office)
    response = office.post(reverse("assessments:publish", args=[shared.c_pub.pk]))
    assert response.status_code == 302 and "publication" in response["Location"], response
    shared.c_pub.refresh_from_db()
    publication = shared.c_pub.publication

    for side in sides.values():
        org, own_a, own_b, own_c = side.org.pk, f"A{side.twin}", f"B{side.twin}", f"C{side.twin}"
        side.sa = SelfAssessment.objects.get(campaign=shared.c_self, target=side.org, indicator__code=own_a)
        side.sa_draft = SelfAssessment.objects.get(
            campaign=shared.c_self, target=side.org, indicator__code=own_b
        )
        side.score_submitted = scoring[(org, own_a)]
        side.score_approved = scoring[(org, own_b)]
        side.score_draft = scoring[(org, own_c)]
        side.appeal = Appeal.objects.create(
            campaign=shared.c_appeal,
            target=side.org,
            score=appealing[(org, own_a)],
            reason="扣分依据不足",
            created_by=side.user,
        )
        side.appeal_answered = Appeal.objects.create(
            campaign=shared.c_appeal,
            target=side.org,
            score=appealing[(org, own_b)],
            reason="等级评定偏低",
            status=AppealStatus.ANSWERED,
            answer="经复核，维持原评分",
            answered_by=tc.assessor if side.unit == "sfj" else tc.assessor_b,
            answered_at=timezone.now(),
            created_by=side.user,
        )
        # 加分申报 in 自评填报, on the side's own C indicator (its unit scores it)
        side.bonus_claim = BonusClaim.objects.create(
            campaign=shared.c_self,
            target=side.org,
            indicator=Indicator.objects.get(section__framework=framework, code=own_c),
            title="获评省级法治建设示范单位",
            claimed_points=D(1),
            reason="见省委依法治省办通报",
            created_by=side.user,
        )
        side.score_appealable = appealing[(org, own_c)]
        side.score_review = reviewing[(org, own_a)]
        side.score_published = published[(org, own_a)]
        side.rectification = Rectification.objects.create(
            publication=publication,
            target=side.org,
            indicator=side.score_published.indicator,
            points_lost=D(1),
            reason="台账不完整",
            created_by=tc.office,
        )


# --------------------------------------------------------------------------- 专家库, 惠民实事


def _experts(tc: Any, shared: SimpleNamespace) -> None:
    """The persona expert's own profile (with a conflict it declared), another expert,
    a draw still committed (both are candidates) and an executed draw that seated the
    persona expert (its assignment)."""
    shared.own_profile = make_expert(tc.office, "本人", user=tc.expert)
    shared.other_expert = make_expert(tc.office, "他人")
    shared.conflict = expert_services.conflict_declare(
        actor=tc.expert, expert=shared.own_profile, kind="other", description="曾为蓬江区法律顾问"
    )
    shared.draw = expert_services.draw_prepare(actor=tc.office, purpose="矩阵测试抽取", size=1)
    executed = expert_services.draw_prepare(
        actor=tc.office, purpose="矩阵测试评审", size=1, exclude_expert_ids=[shared.other_expert.pk]
    )
    shared.draw_executed = expert_services.draw_execute(actor=tc.office, draw=executed)
    shared.assignment = Assignment.objects.get(draw=shared.draw_executed, expert=shared.own_profile)


def _nominate(edition: Any, org: Any, title: str) -> Nomination:
    nomination, _ = selection_services.nomination_submit(
        actor=None,
        edition=edition,
        title=title,
        nominating_unit=org.name,
        description="为群众提供法律服务。",
        beneficiaries="全市群众",
        timeline="2024年全年",
        org=org,
    )
    return nomination


def _to_review(tc: Any, edition: Any, nominations: list[Nomination]) -> Any:
    edition = selection_services.edition_advance(
        actor=tc.office, edition=edition, to_phase=SelectionPhase.SCREEN
    )
    for nomination in nominations:
        selection_services.nomination_screen(
            actor=tc.office, nomination=nomination, eligible=True, reason="符合"
        )
    selection_services.panel_assign(actor=tc.office, edition=edition, members=[(tc.expert, None, [])])
    return selection_services.edition_advance(
        actor=tc.office, edition=edition, to_phase=SelectionPhase.REVIEW
    )


def _selections(tc: Any, shared: SimpleNamespace, sides: dict[str, SimpleNamespace]) -> None:
    """An edition in review with a nomination of each side (a review of each assigned to the
    persona expert), and an edition being tracked with a project of each side."""
    edition = selection_services.edition_create(actor=tc.office, year=2023, ordinal=2, name="第二届")
    for side in sides.values():
        side.nomination = _nominate(edition, side.org, f"{side.org.name}法律服务项目")
    shared.edition = _to_review(tc, edition, [side.nomination for side in sides.values()])
    for side in sides.values():
        side.review = Review.objects.get(nomination=side.nomination, member__user=tc.expert)
    tracked = selection_services.edition_create(actor=tc.office, year=2022, ordinal=1, name="第一届")
    projects = {
        name: _nominate(tracked, side.org, f"{side.org.name}落实项目") for name, side in sides.items()
    }
    tracked = _to_review(tc, tracked, list(projects.values()))
    for review in Review.objects.filter(nomination__edition=tracked):
        selection_services.review_save(
            actor=tc.expert,
            review=review,
            scores={c: 8 for c in ("legality", "mass", "inclusive", "feasibility", "innovation")},
            comment="",
            submit=True,
        )
    for phase in (
        SelectionPhase.VOTE,
        SelectionPhase.RANK,
        SelectionPhase.PUBLICITY,
        SelectionPhase.PUBLISHED,
        SelectionPhase.TRACKING,
    ):
        tracked = selection_services.edition_advance(actor=tc.office, edition=tracked, to_phase=phase)
    shared.tracked = tracked
    for name, side in sides.items():
        side.huimin_project = Nomination.objects.get(pk=projects[name].pk)
        side.milestone = selection_services.milestone_add(
            actor=tc.office, project=side.huimin_project, title="完成年度服务", due=datetime.date(2027, 6, 30)
        )


# --------------------------------------------------------------------------- 述评督考责


def _accountability(tc: Any, shared: SimpleNamespace) -> None:
    """A county leader's 述法 report, submitted and rated by `assessor` (the round's
    reviewer); a 督察 plan of the county whose team is `assessor_b`; the action proposed
    from the rating."""
    today = timezone.localdate()
    shared.leader = make_user("leader_matrix", tc.county_org, roles.LEADER)
    shared.shufa_round = accountability_services.shufa_round_create(
        actor=tc.office, year=2026, title="述法", deadline=today, template="模板"
    )
    accountability_services.shufa_round_reviewers_set(
        actor=tc.office, shufa_round=shared.shufa_round, reviewers=[tc.assessor]
    )
    report = accountability_services.shufa_report_save(
        actor=shared.leader, shufa_round=shared.shufa_round, body="述法报告"
    )
    shared.shufa_report = accountability_services.shufa_report_submit(actor=shared.leader, report=report)
    accountability_services.rating_save(
        actor=tc.assessor, report=shared.shufa_report, grade="不满意", score=40
    )
    shared.plan = accountability_services.inspection_plan_create(
        actor=tc.office,
        year=2026,
        topic="督察",
        start_on=today,
        end_on=today,
        targets=[tc.county_org],
        team=[tc.assessor_b],
    )
    shared.record = accountability_services.inspection_record_create(
        actor=tc.assessor_b, plan=shared.plan, target=tc.county_org, visited_on=today, notes="查阅台账"
    )
    shared.action = accountability_services.actions_propose(actor=tc.office, year=2026)[0]
    shared.figure_link = IndicatorFigureLink.objects.create(
        year=2026, indicator_code="2.5", figure="findings", created_by=tc.office
    )
    shared.finding = accountability_services.finding_create(
        actor=tc.assessor_b,
        plan=shared.plan,
        target=tc.county_org,
        text="未按期公开执法信息",
        severity="general",
        deadline=today,
    )


# --------------------------------------------------------------------------- files


def _notices(tc: Any, shared: SimpleNamespace, sides: dict[str, SimpleNamespace]) -> None:
    """A notice sent to each side's county (with a 回执), its 联络员, a 发文字号 and a failed reminder."""
    for side in sides.values():
        side.notice = notice_services.notice_send(
            actor=tc.office,
            title=f"矩阵测试通知（{side.org.name}）",
            body="正文",
            recipients=[side.org],
            requires_receipt=True,
            receipt_deadline=timezone.localdate() + datetime.timedelta(days=5),
            notify=False,
        )
        side.notice_row = side.notice.recipients.get()
        side.contact = Contact.objects.create(
            org=side.org, name=f"{side.org.name}联络员", phone="13800000000"
        )
    shared.number = number_reserve(actor=tc.office, purpose="矩阵测试", year=2026)
    shared.reminder = Reminder.objects.create(
        source="matrix",
        kind="notice",
        offset=1,
        channel="sms",
        address="13800000000",
        org=tc.county_org,
        subject="矩阵测试提醒",
        text="请按时报送。",
        send_on=timezone.localdate(),
        status=ReminderStatus.FAILED,
    )


def _problems(tc: Any, sides: dict[str, SimpleNamespace]) -> None:
    """Each side's county has a 专项整治 of its own with one clue 交办 to it (state
    assigned), a pending 延期申请 on a second, signed clue, and a 便民利企 measure."""
    from problems import services as problem_services

    deadline = timezone.localdate() + datetime.timedelta(days=30)
    for n, side in enumerate(sides.values()):
        side.problem_campaign = problem_services.campaign_create(
            actor=tc.office,
            name=f"矩阵测试专项整治{n}",
            year=2026,
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2026, 12, 31),
            categories=["逐利执法"],
        )
        side.measure = problem_services.measure_create(
            actor=tc.office, campaign=side.problem_campaign, title="矩阵测试措施"
        )
        problems = []
        for title in ("矩阵测试问题", "矩阵测试延期问题"):
            problem = problem_services.problem_register(
                actor=tc.office,
                source="campaign",
                title=title,
                org=side.org,
                campaign=side.problem_campaign,
                category="逐利执法",
            )
            problems.append(
                problem_services.problem_transition(
                    actor=tc.office, problem=problem, action="assign", deadline=deadline
                )
            )
        side.problem = problems[0]
        signed = problem_services.problem_transition(actor=side.user, problem=problems[1], action="sign")
        side.extension = problem_services.extension_request(
            actor=side.user,
            problem=signed,
            requested_deadline=deadline + datetime.timedelta(days=30),
            reason="矩阵测试",
        )
        side.signed_problem = signed


def stored_files() -> dict[str, bytes]:
    """The bytes of every stored file, to put back in each test's own storage
    (each test gets a fresh MEDIA_ROOT; the rows made once still name the files)."""
    names = [a.file.name for a in Attachment.objects.all()]
    names += [j.result_file.name for j in Job.objects.exclude(result_file="")]
    files = {}
    for name in names:
        with default_storage.open(name, "rb") as handle:
            files[name] = handle.read()
    return files


def restore_files(files: dict[str, bytes]) -> None:
    for name, content in files.items():
        path = Path(default_storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def upload(name: str = "说明.pdf", content: bytes = samples.PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
