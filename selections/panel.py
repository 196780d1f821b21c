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
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from orgs.models import Org
from selections import selectors, services
from selections.models import Edition, Nomination, PanelMember

PanelEntry = tuple[Any, Org | None, Sequence[int]]


def panel_assign(*, actor: Any, edition: Edition, members: Iterable[PanelEntry]) -> list[PanelMember]:
    return services.panel_assign(actor=actor, edition=edition, members=members)


def conflicted(member: PanelMember, nomination: Nomination) -> bool:
    return selectors.conflicted(member, nomination)


def candidates_excluded(edition: Edition) -> set[int]:
    """Org ids of the units behind the edition's eligible (or pending) nominations."""
    rows = Nomination.objects.filter(edition=edition).exclude(screening="ineligible")
    return {i for pair in rows.values_list("org_id", "responsible_org_id") for i in pair if i is not None}
