"""Who may see, upload and delete attachments.

Default rule: an attachment is visible to users whose data scope includes its
org (依法治办 sees all); the three admins never see business files. Other
modules may grant more (e.g. an assessor reading a target's evidence for the
indicators assigned to it) with `register_grant(fn)`, fn(user, attachment) -> bool.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import roles
from accounts.models import User
from attachments.models import Attachment
from orgs.models import Org
from orgs.selectors import org_in_scope

Grant = Callable[[Any, Attachment], bool]
_grants: list[Grant] = []


def register_grant(fn: Grant) -> None:
    """Let another module allow reading attachments its own objects link to."""
    if fn not in _grants:
        _grants.append(fn)


def is_business_user(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role_id and not user.is_admin_role)


def can_upload(user: User, org: Org | None = None) -> bool:
    if not is_business_user(user):
        return False
    return org is None or user.has_role(roles.OFFICE) or org_in_scope(user, org)


def can_view(user: User, attachment: Attachment) -> bool:
    if not is_business_user(user):
        return False
    if user.has_role(roles.OFFICE) or org_in_scope(user, attachment.org):
        return True
    return any(grant(user, attachment) for grant in _grants)


def can_delete(user: User, attachment: Attachment) -> bool:
    return can_view(user, attachment) and (
        user.has_role(roles.OFFICE)
        or (attachment.uploaded_by_id is not None and attachment.uploaded_by_id == user.pk)
    )


def access_attachment(user: User, pk: Any, *, delete: bool = False) -> Attachment:
    """404 for what the user may not see; 403 for deleting what it may only see."""
    attachment = Attachment.objects.select_related("org", "uploaded_by").filter(pk=pk).first()
    if attachment is None or not can_view(user, attachment):
        raise Http404("附件不存在")
    if delete and not can_delete(user, attachment):
        raise PermissionDenied("只有上传人或依法治办可以删除该附件。")
    return attachment
