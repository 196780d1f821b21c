"""Who may see and do what with notices, numbers, contacts and reminders.

- 依法治办 (office): sends notices, sees every unit's 签收 and 回执, sends 催办,
  keeps the register of 发文字号, sees the reminder record and every contact in full.
- A unit's business users (any role but the three admins): the notices sent to
  their own org — read, 签收, 回执; their own org's 联络员 (kept by the unit
  itself); the directory of other units with phone and e-mail masked.
- The three admins: none of it (404), like every business module.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import roles
from accounts.models import User
from notices.models import Contact, DocumentNumber, Notice, NoticeRecipient, NoticeStatus


def is_office(user: User) -> bool:
    return bool(user.is_authenticated and user.has_role(roles.OFFICE))


def is_unit_user(user: User) -> bool:
    """A business user of some org (not one of the three admins)."""
    return bool(
        user.is_authenticated and user.is_active and user.role_id and not user.is_admin_role and user.org_id
    )


def can_use_notices(user: User) -> bool:
    return is_office(user) or is_unit_user(user)


def require_office(user: User) -> None:
    if not is_office(user):
        raise Http404("页面不存在")


def access_notice(user: User, pk: int) -> Notice:
    """404 unless the office or a user of a receiving unit (a withdrawn notice: office only)."""
    notice = Notice.objects.select_related("sent_by", "sent_by_org").filter(pk=pk).first()
    if notice is None:
        raise Http404("通知不存在")
    if is_office(user):
        return notice
    if (
        is_unit_user(user)
        and notice.status == NoticeStatus.SENT
        and notice.recipients.filter(org_id=user.org_id or 0).exists()
    ):
        return notice
    raise Http404("通知不存在")


def access_recipient(user: User, notice: Notice, *, write: bool = False) -> NoticeRecipient:
    """The user's own unit's row of `notice`; the office reads any row but signs none."""
    row = (
        NoticeRecipient.objects.select_related("org", "receipt_file")
        .filter(notice=notice, org_id=user.org_id or 0)
        .first()
    )
    if row is None:
        if is_office(user):
            raise PermissionDenied("依法治办不是该通知的接收单位，不能代为签收或报送回执。")
        raise Http404("通知不存在")
    if write and not is_unit_user(user):
        raise PermissionDenied("只有接收单位的人员可以签收或报送回执。")
    return row


def access_recipient_row(user: User, pk: int) -> NoticeRecipient:
    """A receiving unit's row, for the office's 催办 (403 for the unit itself, 404 for others)."""
    row = NoticeRecipient.objects.select_related("notice", "org").filter(pk=pk).first()
    if row is None:
        raise Http404("接收单位不存在")
    if is_office(user):
        return row
    if is_unit_user(user) and row.org_id == user.org_id and row.notice.status == NoticeStatus.SENT:
        raise PermissionDenied("只有依法治办可以催办。")
    raise Http404("接收单位不存在")


def access_number(user: User, pk: int) -> DocumentNumber:
    require_office(user)
    number = DocumentNumber.objects.select_related("series", "taken_by", "voided_by").filter(pk=pk).first()
    if number is None:
        raise Http404("文号不存在")
    return number


# --------------------------------------------------------------------------- contacts


def can_edit_contacts_of(user: User, org_id: int | None) -> bool:
    """Each unit keeps its own 联络员; the office may keep anyone's."""
    return is_office(user) or (is_unit_user(user) and org_id is not None and org_id == user.org_id)


def sees_contact_details(user: User, contact: Contact) -> bool:
    """Phone and e-mail in full: the office, and the unit that keeps the contact."""
    return is_office(user) or (is_unit_user(user) and contact.org_id == user.org_id)


def access_contact(user: User, pk: int, *, write: bool = False) -> Contact:
    if not can_use_notices(user):
        raise Http404("联络员不存在")
    contact = Contact.objects.select_related("org", "user").filter(pk=pk).first()
    if contact is None:
        raise Http404("联络员不存在")
    if write and not can_edit_contacts_of(user, contact.org_id):
        raise PermissionDenied("联络员由各单位自行维护，不能修改其他单位的联络员。")
    return contact
