"""Who may see and change what in 法治建设考评. Takes the user, not the request,
so the UI, the API and the CLI share one rule.

- 依法治办 (office): everything.
- 考评单位 (assessor): the campaigns it takes part in, and in them only the
  indicators whose responsible units include its org — for every target.
  It sees a target's self-assessment of those indicators once it is submitted.
- 被考评单位 (target): the campaigns it is assessed in, its own
  self-assessments, and its own scores only in phases 结果反馈/申诉复核/公布.
- Everyone else: nothing (404).
Nobody sees another target's unpublished scores."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts import roles
from accounts.models import User
from assessments.models import (
    Appeal,
    BonusClaim,
    Campaign,
    Duty,
    Framework,
    Indicator,
    Phase,
    Publication,
    Score,
    ScoringDuty,
    SelfAssessment,
    SelfAssessmentStatus,
)
from attachments.models import Attachment
from orgs.models import Org

# phases in which a target sees its own scores
TARGET_SCORE_PHASES = (Phase.FEEDBACK, Phase.APPEAL, Phase.PUBLISHED)


def can_manage(user: User) -> bool:
    """依法治办: frameworks, campaigns, phases, returns, imports."""
    return user.is_authenticated and user.has_role(roles.OFFICE)


def is_assessor(user: User) -> bool:
    return user.is_authenticated and user.has_role(roles.ASSESSOR) and user.org_id is not None


def is_target(user: User) -> bool:
    return user.is_authenticated and user.has_role(roles.TARGET) and user.org_id is not None


def can_use_assessments(user: User) -> bool:
    return can_manage(user) or is_assessor(user) or is_target(user)


# --------------------------------------------------------------------------- frameworks


def access_framework(user: User, pk: int, *, write: bool = False) -> Framework:
    """Frameworks are the office's working documents; others see indicators
    only through their campaigns (an assessor never sees another unit's)."""
    framework = Framework.objects.filter(pk=pk).select_related("created_by", "cloned_from").first()
    if framework is None or not can_manage(user):
        raise Http404("考评办法不存在")
    return framework


# --------------------------------------------------------------------------- campaigns


def campaigns_for(user: User) -> QuerySet[Campaign]:
    if can_manage(user):
        return Campaign.objects.all()
    if is_assessor(user):
        return Campaign.objects.filter(assessors=user.org_id)
    if is_target(user):
        return Campaign.objects.filter(targets=user.org_id)
    return Campaign.objects.none()


def access_campaign(user: User, pk: int, *, write: bool = False) -> Campaign:
    campaign = campaigns_for(user).filter(pk=pk).select_related("framework").first()
    if campaign is None:
        raise Http404("考评不存在")
    if write and not can_manage(user):
        raise PermissionDenied("只有依法治办可以修改考评设置。")
    return campaign


def visible_indicators(user: User, campaign: Campaign) -> QuerySet[Indicator]:
    """The campaign's indicators this user may know of."""
    qs = Indicator.objects.filter(section__framework_id=campaign.framework_id)
    if can_manage(user):
        return qs
    if is_assessor(user):
        return qs.filter(assessors=user.org_id)
    if is_target(user):
        return applicable_to(qs, user.org_id or 0)
    return qs.none()


def applicable_to(qs: QuerySet[Indicator], org_id: int) -> QuerySet[Indicator]:
    """Indicators applying to a target: those without a list, or listing it."""
    return qs.filter(Q(applies_to__isnull=True) | Q(applies_to=org_id)).distinct()


def is_own_target(user: User, target_id: int) -> bool:
    """The user is (a person of) the target `target_id` itself."""
    return is_target(user) and user.org_id == target_id


def can_see_target_scores(user: User, campaign: Campaign, target_id: int) -> bool:
    """Whole-target score visibility (office; the target itself in its phases)."""
    if can_manage(user):
        return True
    return is_own_target(user, target_id) and campaign.phase in TARGET_SCORE_PHASES


def campaign_target(campaign: Campaign, target_id: int) -> Org:
    """A target of the campaign (404 for any other org)."""
    target = campaign.targets.filter(pk=target_id).first()
    if target is None:
        raise Http404("被考评单位不存在")
    return target


def access_target(user: User, campaign: Campaign, target_id: int) -> Org:
    """A target whose own pages of the campaign (自评, 反馈) the user may open:
    the office any target, a target only itself; 404 for anyone else."""
    if not (can_manage(user) or is_own_target(user, target_id)):
        raise Http404("被考评单位不存在")
    return campaign_target(campaign, target_id)


def access_publication(user: User, pk: int) -> tuple[Campaign, Publication]:
    """The published results of a campaign the user takes part in; 404 before publication."""
    campaign = access_campaign(user, pk)
    publication = (
        Publication.objects.filter(campaign=campaign)
        .select_related("published_by", "published_by__org")
        .first()
    )
    if publication is None:
        raise Http404("考评结果尚未公布")
    return campaign, publication


def owns_indicator(user: User, indicator: Indicator) -> bool:
    return is_assessor(user) and any(o.pk == user.org_id for o in indicator.assessors.all())


# --------------------------------------------------------------------------- 经办 / 审核


def can_assign_duties(user: User) -> bool:
    """The office and the system admin keep who is 经办 and who is 审核."""
    return can_manage(user) or (user.is_authenticated and user.has_role(roles.SYSADMIN))


def duty_refusal(user: User, duty: str, score: Score | None = None) -> str | None:
    """Why `user` may not act as `duty` — 经办 (enter, save, submit) or 审核
    (approve, send back) — on `score`, or on its unit's scores in general when
    `score` is None; None when it may. The one home of the two-person rule:
    the services, the pages, the API and the to-do list all ask here.

    A user acts only under the one duty it holds at its own assessing unit
    (ScoringDuty); a 审核 never enters, a 经办 never approves (not even another
    person's entry), nobody approves what they entered, and a unit approves
    only what it entered."""
    if not is_assessor(user):
        return "只有考评单位人员可以评分和审核。"
    if score is not None and not owns_indicator(user, score.indicator):
        return "只有负责该指标的考评单位可以评分。"
    held = (
        ScoringDuty.objects.filter(user_id=user.pk, org_id=user.org_id or 0)
        .values_list("duty", flat=True)
        .first()
    )
    if held is None:
        return "您尚未被分配经办或审核职责，请联系依法治办或系统管理员。"
    if held != duty:
        if duty == Duty.ENTER:
            return "您在本单位承担审核职责，不能填写或提交评分（经办与审核须为不同人员）。"
        return "您在本单位承担经办职责，不能审核评分，包括他人填写的评分（经办与审核须为不同人员）。"
    if duty == Duty.REVIEW and score is not None:
        if score.entered_by_id == user.pk:
            return "经办人不能审核自己填写的评分，请由本单位审核人员审核。"
        if score.assessor_org_id and score.assessor_org_id != user.org_id:
            return "只能审核本单位填写的评分。"
    return None


def results_reader(user: User) -> tuple[bool, str | None]:
    """(complete, own target code) of a reader of published results: the office
    reads everything; anyone else reads the published ranking of every target
    and, when it is a target, the rest of its own results only (lost points,
    板块 and indicator scores, appeals) — never counts or details about others."""
    if can_manage(user):
        return True, None
    return False, (user.org.code if is_target(user) and user.org is not None else None)


# --------------------------------------------------------------------------- self-assessments


def visible_self_assessments(user: User) -> QuerySet[SelfAssessment]:
    """The list form of access_self_assessment: own ones for a target, the
    submitted ones of its indicators for an assessing unit, all for the office."""
    qs = SelfAssessment.objects.filter(campaign__in=campaigns_for(user))
    if can_manage(user):
        return qs
    if is_target(user):
        return qs.filter(target_id=user.org_id)
    if is_assessor(user):
        return qs.filter(status=SelfAssessmentStatus.SUBMITTED, indicator__assessors=user.org_id)
    return qs.none()


def access_self_assessment(user: User, pk: int, *, write: bool = False) -> SelfAssessment:
    sa = (
        SelfAssessment.objects.filter(pk=pk)
        .select_related("campaign", "campaign__framework", "target", "indicator", "indicator__section")
        .first()
    )
    if sa is None or not campaigns_for(user).filter(pk=sa.campaign_id).exists():
        raise Http404("自评不存在")
    if can_manage(user):
        if write:
            raise PermissionDenied("依法治办不能代替被考评单位填报自评。")
        return sa
    if is_own_target(user, sa.target_id):
        return sa
    if (
        is_assessor(user)
        and sa.status == SelfAssessmentStatus.SUBMITTED
        and sa.indicator.assessors.filter(pk=user.org_id or 0).exists()
    ):
        if write:
            raise PermissionDenied("考评单位不能修改被考评单位的自评。")
        return sa
    raise Http404("自评不存在")


# --------------------------------------------------------------------------- 加分申报


def visible_bonus_claims(user: User) -> QuerySet[BonusClaim]:
    """The office all; a target its own; an assessing unit those of the 加分
    indicators it scores."""
    qs = BonusClaim.objects.filter(campaign__in=campaigns_for(user))
    if can_manage(user):
        return qs
    if is_target(user):
        return qs.filter(target_id=user.org_id)
    if is_assessor(user):
        return qs.filter(indicator__assessors=user.org_id).distinct()
    return qs.none()


def access_bonus_claim(user: User, pk: int) -> BonusClaim:
    claim = (
        visible_bonus_claims(user)
        .filter(pk=pk)
        .select_related("campaign", "target", "indicator", "rule", "created_by")
        .first()
    )
    if claim is None:
        raise Http404("加分申报不存在")
    return claim


def may_open_bonus_claim_evidence(user: User, attachment: Attachment) -> bool:
    """The unit scoring a 加分 indicator may open the evidence of its claims."""
    if not is_assessor(user):
        return False
    return BonusClaim.objects.filter(evidence=attachment, indicator__assessors=user.org_id).exists()


# --------------------------------------------------------------------------- scores


def visible_scores(user: User) -> QuerySet[Score]:
    """The list form of access_score: an assessing unit's indicators, a target's
    own scores in the phases it may see them, all for the office."""
    qs = Score.objects.filter(campaign__in=campaigns_for(user))
    if can_manage(user):
        return qs
    if is_assessor(user):
        return qs.filter(indicator__assessors=user.org_id)
    if is_target(user):
        return qs.filter(target_id=user.org_id, campaign__phase__in=TARGET_SCORE_PHASES)
    return qs.none()


def access_score(user: User, pk: int, *, write: bool = False) -> Score:
    score = (
        Score.objects.filter(pk=pk)
        .select_related("campaign", "target", "indicator", "indicator__section", "entered_by", "reviewed_by")
        .first()
    )
    if score is None or not campaigns_for(user).filter(pk=score.campaign_id).exists():
        raise Http404("评分不存在")
    if is_assessor(user) and score.indicator.assessors.filter(pk=user.org_id or 0).exists():
        return score
    if write:
        if can_manage(user):
            raise PermissionDenied("评分由负责该指标的考评单位填写。")
        raise Http404("评分不存在")
    if can_see_target_scores(user, score.campaign, score.target_id):
        return score
    raise Http404("评分不存在")


# --------------------------------------------------------------------------- appeals


def visible_appeals(user: User) -> QuerySet[Appeal]:
    """The appeals a user may see: office all; a target its own; an assessing
    unit those on the indicators it scores."""
    qs = Appeal.objects.select_related(
        "campaign", "target", "score", "score__indicator", "score__indicator__section", "created_by"
    )
    if can_manage(user):
        return qs
    if is_target(user):
        return qs.filter(target_id=user.org_id)
    if is_assessor(user):
        return qs.filter(score__indicator__assessors=user.org_id).distinct()
    return qs.none()


def access_appeal(user: User, pk: int) -> Appeal:
    appeal = visible_appeals(user).filter(pk=pk).first()
    if appeal is None:
        raise Http404("申诉不存在")
    return appeal


def may_answer_appeal(user: User, appeal: Appeal) -> bool:
    """The assessing unit responsible for the appealed indicator answers it."""
    return is_assessor(user) and any(o.pk == user.org_id for o in appeal.score.indicator.assessors.all())


# --------------------------------------------------------------------------- evidence files


def may_open_self_assessment_evidence(user: User, attachment: Attachment) -> bool:
    """An assessing unit may open the evidence of the submitted self-assessments
    of the indicators it scores (the evidence it looks at)."""
    if not is_assessor(user):
        return False
    return SelfAssessment.objects.filter(
        evidence=attachment, status=SelfAssessmentStatus.SUBMITTED, indicator__assessors=user.org_id
    ).exists()


def may_open_appeal_evidence(user: User, attachment: Attachment) -> bool:
    """The assessing unit answering an appeal may open the files attached to it."""
    if not is_assessor(user):
        return False
    return Appeal.objects.filter(evidence=attachment, score__indicator__assessors=user.org_id).exists()


def evidence_in_use(attachment: Attachment) -> str | None:
    """Why a file may not be deleted: evidence of a submitted self-assessment
    and appeal files stay as they were handed in."""
    if SelfAssessment.objects.filter(evidence=attachment, status=SelfAssessmentStatus.SUBMITTED).exists():
        return "已作为已提交自评的佐证材料"
    if Appeal.objects.filter(evidence=attachment).exists():
        return "已作为申诉材料提交"
    if BonusClaim.objects.filter(evidence=attachment).exists():
        return "已作为加分申报的佐证材料提交"
    return None
