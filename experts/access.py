"""Who may see and change what in the 咨询专家库.

- The office (依法治办) keeps the pool, sees contacts in clear, draws panels,
  cancels draws, records declines and evaluations.
- An expert sees and updates its own profile (not status, term or account) and
  declares its conflicts; it sees its own assignments and declines them with a
  reason; it may read the verification page of a draw it was a candidate of
  (without the reasons others were set aside: those tell their conflicts).
- Other business users (counties, assessing units, leaders) may see the pool
  (names, titles, employers, fields) with contacts masked, never conflicts,
  assignments or evaluations.
- The three admins see nothing of it (404).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import roles
from experts import selectors
from experts.models import Assignment, Draw, Expert


def is_office(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(roles.OFFICE))


def is_expert_user(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(roles.EXPERT))


def can_see_pool(user: Any) -> bool:
    """Business users see the pool (contacts masked); the three admins do not."""
    return bool(user.is_authenticated and user.role_id and not user.is_admin_role)


def is_own(user: Any, expert: Expert) -> bool:
    return bool(user.is_authenticated and expert.user_id is not None and expert.user_id == user.pk)


def can_see_contacts(user: Any, expert: Expert) -> bool:
    return is_office(user) or is_own(user, expert)


def can_see_private(user: Any, expert: Expert) -> bool:
    """Conflicts, participation history and evaluations."""
    return is_office(user) or is_own(user, expert)


def require_office(user: Any) -> None:
    """Office-only pages and lists: 404 for those who may not know they exist."""
    if not is_office(user):
        raise Http404("页面不存在")


def access_expert(user: Any, pk: int, *, write: bool = False) -> Expert:
    expert = selectors.experts().filter(pk=pk).first()
    if expert is None or not can_see_pool(user):
        raise Http404("专家不存在")
    if write and not is_office(user):
        raise PermissionDenied("只有市委依法治市办可以维护专家档案；专家本人请在“我的专家档案”中修改。")
    return expert


def own_profile(user: Any) -> Expert:
    """The expert profile linked to the user's account, else 404."""
    expert = selectors.experts().filter(user_id=user.pk).first() if is_expert_user(user) else None
    if expert is None:
        raise Http404("您的账号尚未关联专家档案，请联系市委依法治市办。")
    return expert


def is_involved(user: Any, draw: Draw) -> bool:
    """An expert on the draw's frozen candidate list (whose chance was at stake)."""
    if not is_expert_user(user):
        return False
    expert_id = selectors.expert_id_of(user)
    if expert_id is None:
        return False
    return expert_id in {c.get("id") for c in draw.candidates}


def access_draw(user: Any, pk: int, *, write: bool = False) -> Draw:
    draw = selectors.draws().filter(pk=pk).first()
    if draw is None or not (is_office(user) or is_involved(user, draw)):
        raise Http404("抽取记录不存在")
    if write and not is_office(user):
        raise PermissionDenied("只有市委依法治市办可以执行或取消专家抽取。")
    return draw


def access_assignment(user: Any, pk: int, *, write: bool = False) -> Assignment:
    assignment = selectors.assignments().filter(pk=pk).first()
    if assignment is None or not (is_office(user) or is_own(user, assignment.expert)):
        raise Http404("任务不存在")
    if write and not assignment.is_open:
        raise PermissionDenied("该任务已结束（已谢绝、已完成或已取消），不能再修改。")
    return assignment
