"""Builds an edition and walks it through its phases with the services, as the office would."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts import roles
from fazhi.testing import BaseTestCase, make_user
from selections import services
from selections.models import Edition, Nomination, Phase

FULL = {
    "legality": Decimal("8"),
    "mass": Decimal("8"),
    "inclusive": Decimal("8"),
    "feasibility": Decimal("8"),
    "innovation": Decimal("8"),
}


def scores(value: str | Decimal) -> dict[str, Decimal]:
    return {code: Decimal(value) for code in FULL}


class SelectionTestCase(BaseTestCase):
    expert2: Any
    expert3: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.expert2 = make_user("expert02", cls.pool_org, roles.EXPERT)
        cls.expert3 = make_user("expert03", cls.pool_org, roles.EXPERT)

    _ordinal = 100

    def edition(self, **kwargs: Any) -> Edition:
        SelectionTestCase._ordinal += 1
        return services.edition_create(
            actor=self.office,
            year=kwargs.pop("year", 2023),
            ordinal=kwargs.pop("ordinal", SelectionTestCase._ordinal),
            name=kwargs.pop("name", "测试评选"),
            **kwargs,
        )

    def nominate(
        self, edition: Edition, title: str = "项目", *, org: Any = None, user: Any = None
    ) -> Nomination:
        nomination, _ = services.nomination_submit(
            actor=user,
            edition=edition,
            title=title,
            nominating_unit=org.name if org else "群众张某",
            description="为群众提供法律服务。",
            beneficiaries="全市群众",
            timeline="2024年全年",
            budget=Decimal("10"),
            org=org,
        )
        return nomination

    def advance(self, edition: Edition, phase: str) -> Edition:
        return services.edition_advance(actor=self.office, edition=edition, to_phase=phase)

    def to_review(
        self, edition: Edition, *, count: int = 3, panel: list[Any] | None = None
    ) -> list[Nomination]:
        """`count` eligible nominations (the first from 蓬江区, the second from 市司法局), a panel, in review."""
        orgs = [self.county_org, self.sfj] + [None] * count
        made = [self.nominate(edition, f"项目{i}", org=orgs[i]) for i in range(count)]
        self.advance(edition, Phase.SCREEN)
        for n in made:
            services.nomination_screen(actor=self.office, nomination=n, eligible=True, reason="符合条件")
        members = (
            panel
            if panel is not None
            else [(self.expert, None, []), (self.expert2, None, []), (self.expert3, None, [])]
        )
        services.panel_assign(actor=self.office, edition=edition, members=members)
        self.advance(edition, Phase.REVIEW)
        return made

    def score_all(self, edition: Edition, values: dict[int, str] | None = None) -> None:
        """Every review submitted; nomination i gets score values[i] (default 8 − i)."""
        for review in services.Review.objects.filter(nomination__edition=edition).select_related(
            "member__user", "nomination"
        ):
            value = (values or {}).get(review.nomination.number, str(8 - review.nomination.number % 5))
            services.review_save(
                actor=review.member.user, review=review, scores=scores(value), comment="", submit=True
            )

    def to_vote(self, edition: Edition, **kwargs: Any) -> list[Nomination]:
        made = self.to_review(edition, **kwargs)
        self.score_all(edition)
        self.advance(edition, Phase.VOTE)
        return [Nomination.objects.get(pk=n.pk) for n in made]

    def vote(
        self, edition: Edition, nomination: Nomination, *, address: str = "10.0.0.1", **kwargs: Any
    ) -> Any:
        code = services.vote_codes_generate(actor=self.office, edition=edition, count=1)[0]
        return services.vote_cast(
            edition=edition,
            nomination_id=nomination.pk,
            method="code",
            credential=code,
            address=address,
            now=kwargs.pop("now", timezone.make_aware(datetime.datetime(2023, 9, 1, 10, 0))),
            **kwargs,
        )
