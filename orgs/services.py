from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import audit_record, diff, snapshot
from orgs.models import Org

FIELDS = (
    "code",
    "name",
    "short_name",
    "type",
    "parent_id",
    "is_target",
    "is_assessor",
    "sort_order",
    "active",
)


@transaction.atomic
def org_create(
    *,
    actor: Any,
    code: str,
    name: str,
    type: str,
    parent: Org | None = None,
    short_name: str = "",
    is_target: bool = False,
    is_assessor: bool = False,
    sort_order: int = 0,
) -> Org:
    if Org.objects.filter(code=code).exists():
        raise ValidationError({"code": f"机构代码 {code} 已存在。"})
    org = Org(
        code=code,
        name=name,
        short_name=short_name,
        type=type,
        parent=parent,
        is_target=is_target,
        is_assessor=is_assessor,
        sort_order=sort_order,
    )
    org.path = org.compute_path()
    org.save()
    audit_record(actor=actor, action="orgs.org.created", target=org, after=snapshot(org, FIELDS))
    return org


@transaction.atomic
def org_update(*, actor: Any, org: Org, **fields: Any) -> Org:
    """Update an org; moving it (new parent or code) rewrites the paths of its subtree."""
    before = snapshot(org, FIELDS)
    old_path = org.path
    for name, value in fields.items():
        setattr(org, name, value)
    if org.parent_id and org.parent and org.parent.path.startswith(old_path):
        raise ValidationError({"parent": "上级单位不能是本单位或其下级单位。"})
    if Org.objects.filter(code=org.code).exclude(pk=org.pk).exists():
        raise ValidationError({"code": f"机构代码 {org.code} 已存在。"})
    org.path = org.compute_path()
    org.save()
    if org.path != old_path:
        for child in Org.objects.filter(path__startswith=old_path).exclude(pk=org.pk).order_by("path"):
            child.path = org.path + child.path[len(old_path) :]
            child.save(update_fields=["path"])
    changed_before, changed_after = diff(before, snapshot(org, FIELDS))
    if changed_after:
        audit_record(
            actor=actor, action="orgs.org.updated", target=org, before=changed_before, after=changed_after
        )
    return org
