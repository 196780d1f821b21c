"""Who may see and change what in 述、评、督、考、责.

- The office (依法治办) sees and runs everything.
- A leader (领导干部) writes its own 述法 report and sees only its own dossier.
- A unit (被考评单位) sees its own org's dossier (its leaders' reports with
  their ratings, the findings, the result, the actions), nothing of others.
- A reviewer of a round sees that round's submitted reports and rates them.
- A 督察组 member sees its plans and records findings.
- Anyone else: 404 (may not know it exists).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import roles

# who may sit on a 督察组 or be chosen as a reviewer: business accounts, never one of
# the three admins (三员 stay out of business work) nor a leader (the one reported on)
BUSINESS_ROLES = (roles.OFFICE, roles.ASSESSOR, roles.TARGET, roles.EXPERT)


def is_business(user: Any) -> bool:
    return bool(user.is_active and user.role_id in BUSINESS_ROLES)


def is_office(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(roles.OFFICE))


def is_leader(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(roles.LEADER))


def is_reviewer(user: Any, shufa_round: Any) -> bool:
    return bool(user.is_authenticated and shufa_round.reviewers.filter(pk=user.pk).exists())


def is_unit(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(roles.TARGET) and user.org_id)


def require_office(user: Any) -> None:
    if not is_office(user):
        raise Http404("页面不存在")


def access_report(user: Any, pk: int, *, write: bool = False) -> Any:
    from accountability import selectors

    report = selectors.reports().filter(pk=pk).first()
    if report is None:
        raise Http404("述法报告不存在")
    own = report.leader_id == user.pk
    readable = (
        own
        or is_office(user)
        or (is_unit(user) and report.org_id == user.org_id)
        or (report.state == "submitted" and is_reviewer(user, report.round))
    )
    if not readable:
        raise Http404("述法报告不存在")
    if write and not own:
        raise PermissionDenied("只有本人可以修改述法报告。")
    return report


def access_plan(user: Any, pk: int) -> Any:
    from accountability import selectors

    plan = selectors.plans().filter(pk=pk).first()
    if plan is None or not (is_office(user) or plan.team.filter(pk=user.pk).exists()):
        raise Http404("督察计划不存在")
    return plan


def access_action(user: Any, pk: int) -> Any:
    from accountability import selectors

    action = selectors.actions().filter(pk=pk).first()
    if action is None or not is_office(user):
        raise Http404("问责建议不存在")
    return action


def can_see_org_dossier(user: Any, org: Any) -> bool:
    return is_office(user) or (is_unit(user) and user.org_id == org.pk)


def can_see_leader_dossier(user: Any, leader: Any) -> bool:
    return is_office(user) or leader.pk == user.pk or (is_unit(user) and leader.org_id == user.org_id)
