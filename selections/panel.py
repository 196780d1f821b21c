"""The seam between the expert pool and the 惠民实事 expert review.

The `experts` module (profiles, declared conflicts, verifiable panel draws) is built
separately; this module is everything it needs from the selection:

    from selections import panel

    panel.panel_assign(
        actor=office_user,
        edition=edition,
        members=[(expert_user, employer_org_or_None, [conflict_org_id, ...]), ...],  # in draw order
    )

- a member is an `accounts.User` with role `expert` (refused otherwise, or if already on the panel);
- `employer_org` and the declared conflict org ids are kept with the member
  (`PanelMember`), and the assignment service never gives the member a nomination
  whose nominating unit or responsible unit is one of them (`conflicted`);
- allowed until voting starts; called during 专家评审 it assigns the new member's
  reviews at once (a backup taking a decliner's place);
- audited as `selections.panel.assigned`, in the caller's transaction.

`candidates_excluded(edition)` gives the org ids that conflict with the edition's
nominations, so a draw can leave out experts who could review nothing.

The office forms the panel through the pool's verifiable draw:

    draw = panel.panel_draw(actor=office, edition=edition, size=5, backups=2)   # 已承诺
    draw = panel.panel_draw_execute(actor=office, edition=edition, draw=draw)   # 已抽取 → PanelMembers

`panel_assign_from_draw` is idempotent: it seats the draw's current panel and marks
the members whose assignment was declined. The experts app calls it again (a
listener registered in `SelectionsConfig.ready`) whenever an expert declines, so
the backup the pool seats becomes a reviewer at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from audit.services import audit_record
from experts import selectors as expert_selectors
from experts import services as expert_services
from experts.models import Assignment, AssignmentStatus, Draw, DrawStatus, Purpose
from orgs.models import Org
from selections import access, phases, selectors, services
from selections.models import Edition, MemberStatus, Nomination, PanelMember, Phase, Review

PanelEntry = tuple[Any, Org | None, Sequence[int]]


def panel_assign(*, actor: Any, edition: Edition, members: Iterable[PanelEntry]) -> list[PanelMember]:
    return services.panel_assign(actor=actor, edition=edition, members=members)


def conflicted(member: PanelMember, nomination: Nomination) -> bool:
    return selectors.conflicted(member, nomination)


def candidates_excluded(edition: Edition) -> set[int]:
    """Org ids of the units behind the edition's eligible (or pending) nominations."""
    rows = Nomination.objects.filter(edition=edition).exclude(screening="ineligible")
    return {i for pair in rows.values_list("org_id", "responsible_org_id") for i in pair if i is not None}


# ----------------------------------------------------------- the pool's draw

DRAW_PHASES = (Phase.SCREEN, Phase.REVIEW)


def edition_draws(edition: Edition) -> list[Draw]:
    """Every draw made for the edition's panel, newest first (cancelled ones too)."""
    return list(
        Draw.objects.filter(purpose_code=Purpose.SELECTION, object_id=str(edition.pk)).order_by("-pk")
    )


def current_draw(edition: Edition) -> Draw | None:
    """The edition's draw that is not cancelled (committed or executed), if any."""
    return next((d for d in edition_draws(edition) if d.status != DrawStatus.CANCELLED), None)


def _experts_reviewing_nothing(edition: Edition) -> list[int]:
    """Experts whose employer or declared conflicts cover every nomination: on the
    panel they could review nothing, so the draw leaves them out."""
    rows = Nomination.objects.filter(edition=edition).exclude(screening="ineligible")
    units = [{o for o in pair if o is not None} for pair in rows.values_list("org_id", "responsible_org_id")]
    if not units:
        return []
    out = []
    for member in expert_selectors.pool_members():
        own = {org_id for org_id, _ in member.orgs}
        if all(u & own for u in units):
            out.append(member.id)
    return out


@transaction.atomic
def panel_draw(
    *,
    actor: Any,
    edition: Edition,
    size: int,
    backups: int = 0,
    required_fields: Sequence[str] = (),
    recent_months: int = 0,
    now: datetime.datetime | None = None,
) -> Draw:
    """Ask the expert pool for the edition's review panel (已承诺: the candidate list
    is frozen and the commitment published). Only the office, during 资格审查 or
    专家评审, one live draw per edition; experts already on the panel and experts
    who could review no nomination are left out; reviewers must be able to log in."""
    access.require_office(actor, "只有市委依法治市办可以抽取评审专家组。")
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if edition.phase not in DRAW_PHASES:
        raise ValidationError("只能在资格审查或专家评审阶段抽取评审专家组。")
    live = current_draw(edition)
    if live is not None:
        raise ValidationError(
            f"本届已有抽取 #{live.pk}（{live.get_status_display()}），请先执行或取消该抽取后再重新抽取。"
        )
    on_panel = set(edition.panel.values_list("user_id", flat=True))
    already = list(expert_selectors.experts().filter(user_id__in=on_panel).values_list("pk", flat=True))
    return expert_services.draw_prepare(
        actor=actor,
        purpose=f"{edition.name}评审专家组",
        purpose_code=Purpose.SELECTION,
        object_id=str(edition.pk),
        object_label=edition.name,
        link=reverse("selections:edition_detail", args=[edition.pk]),
        size=size,
        backups=backups,
        required_fields=required_fields,
        exclude_expert_ids=sorted(set(already) | set(_experts_reviewing_nothing(edition))),
        recent_months=recent_months,
        require_account=True,
        now=now,
    )


def _edition_draw(edition: Edition, draw: Draw) -> Draw:
    if draw.purpose_code != Purpose.SELECTION or draw.object_id != str(edition.pk):
        raise ValidationError(f"抽取 #{draw.pk} 不是为本届评选抽取的评审专家组。")
    return draw


@transaction.atomic
def panel_draw_execute(
    *, actor: Any, edition: Edition, draw: Draw, now: datetime.datetime | None = None
) -> Draw:
    """Reveal the draw's seed, seat its panel and put the seated experts on the
    edition's panel, in one transaction (a refused assignment undoes the draw)."""
    access.require_office(actor, "只有市委依法治市办可以抽取评审专家组。")
    _edition_draw(edition, draw)
    draw = expert_services.draw_execute(actor=actor, draw=draw, now=now)
    panel_assign_from_draw(actor=actor, edition=edition, draw=draw)
    return draw


@transaction.atomic
def panel_assign_from_draw(*, actor: Any, edition: Edition, draw: Draw) -> list[PanelMember]:
    """Make the edition's panel follow the draw's seats: each seated expert not yet
    on the panel joins it (employer and declared conflicts kept, so it is never
    given a conflicted nomination); a member whose assignment was declined leaves
    it, with its unsubmitted reviews. Running it twice changes nothing."""
    _edition_draw(edition, draw)
    if draw.status != DrawStatus.EXECUTED:
        raise ValidationError(f"抽取 #{draw.pk} 尚未执行，不能据此组成评审专家组。")
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    declined_users = set(
        Assignment.objects.filter(draw=draw, status=AssignmentStatus.DECLINED)
        .exclude(expert__user__isnull=True)
        .values_list("expert__user_id", flat=True)
    )
    leaving = list(
        edition.panel.select_for_update().filter(user_id__in=declined_users, status=MemberStatus.ACTIVE)
    )
    for member in leaving:
        dropped, _ = Review.objects.filter(member=member, submitted_at__isnull=True).delete()
        member.status = MemberStatus.DECLINED
        member.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="selections.panel.declined",
            target=member,
            before={"status": MemberStatus.ACTIVE},
            after={"status": MemberStatus.DECLINED},
            data={"edition_id": edition.pk, "draw_id": draw.pk, "reviews_withdrawn": dropped},
        )
    on_panel = set(edition.panel.values_list("user_id", flat=True))
    joining = [
        (m.user, m.employer_org, m.conflict_org_ids)
        for m in expert_selectors.panel_members(draw)
        if m.user is not None and m.user.pk not in on_panel
    ]
    if not joining:
        return []
    return services.panel_assign(actor=actor, edition=edition, members=joining)


def follow_declines(actor: Any, draw: Draw) -> None:
    """Listener for the experts app: after a decline, seat the backup on the
    edition's panel. Nothing to do for other modules' draws or once voting started."""
    if draw.purpose_code != Purpose.SELECTION:
        return
    edition = Edition.objects.filter(pk=int(draw.object_id) if draw.object_id.isdigit() else 0).first()
    if edition is None or phases.at_or_after(edition.phase, phases.VOTE):
        return
    panel_assign_from_draw(actor=actor, edition=edition, draw=draw)
