"""Writes of 分类考评: the classes of targets of a campaign (市直单位, 县区),
each with its own full marks; their members are graded on 折算百分制
(`assessments.scoring`). A target belongs to at most one class; nothing
changes once the results are published."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from assessments.models import Campaign, Phase, UnitClass
from audit.services import audit_record
from orgs.models import Org


def _check(
    campaign: Campaign, unit_class: UnitClass | None, name: str, full_marks: Decimal, members: list[Org]
):
    if campaign.phase == Phase.PUBLISHED:
        raise ValidationError("考评结果已公布，不能再调整考评类别。")
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "请填写类别名称。"
    elif (
        UnitClass.objects.filter(campaign=campaign, name=name.strip())
        .exclude(pk=unit_class.pk if unit_class else 0)
        .exists()
    ):
        errors["name"] = f"类别「{name.strip()}」已存在。"
    if full_marks is None or full_marks <= 0:
        errors["full_marks"] = "满分须大于 0。"
    targets = set(campaign.targets.values_list("pk", flat=True))
    outside = [o.display_name for o in members if o.pk not in targets]
    if outside:
        errors["members"] = f"以下单位不是本次考评的被考评单位：{'、'.join(outside)}。"
    taken = (
        UnitClass.members.through.objects.filter(
            unitclass__campaign=campaign, org_id__in=[o.pk for o in members]
        )
        .exclude(unitclass_id=unit_class.pk if unit_class else 0)
        .values_list("org_id", flat=True)
    )
    twice = [o.display_name for o in members if o.pk in set(taken)]
    if twice:
        errors["members"] = f"以下单位已属于其他类别：{'、'.join(twice)}。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def unit_class_save(
    *,
    actor: User,
    campaign: Campaign,
    name: str,
    full_marks: Decimal,
    members: Iterable[Org],
    order: int = 0,
    unit_class: UnitClass | None = None,
) -> UnitClass:
    """Create or change a class of the campaign with its members."""
    members = list(members)
    _check(campaign, unit_class, name, full_marks, members)
    before = None if unit_class is None else _snapshot(unit_class)
    if unit_class is None:
        unit_class = UnitClass.objects.create(
            campaign=campaign, name=name.strip(), full_marks=full_marks, order=order
        )
    else:
        unit_class.name, unit_class.full_marks, unit_class.order = name.strip(), full_marks, order
        unit_class.save()
    unit_class.members.set(members)
    audit_record(
        actor=actor,
        action="assessments.unit_class.created" if before is None else "assessments.unit_class.updated",
        target=unit_class,
        before=before,
        after=_snapshot(unit_class),
    )
    return unit_class


@transaction.atomic
def unit_class_delete(*, actor: User, unit_class: UnitClass) -> None:
    if unit_class.campaign.phase == Phase.PUBLISHED:
        raise ValidationError("考评结果已公布，不能再调整考评类别。")
    audit_record(
        actor=actor, action="assessments.unit_class.deleted", target=unit_class, before=_snapshot(unit_class)
    )
    unit_class.delete()


def _snapshot(unit_class: UnitClass) -> dict:
    return {
        "name": unit_class.name,
        "full_marks": str(unit_class.full_marks),
        "order": unit_class.order,
        "members": sorted(unit_class.members.values_list("pk", flat=True)),
    }
