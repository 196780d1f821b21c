"""Reads of 考评办法: the list with its totals, the tree (板块 → 指标 → 评分细则)
in a constant number of queries, and the tree as plain data (clone, export, diff)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from assessments.models import (
    GROUP_FIELDS,
    INDICATOR_FIELDS,
    RULE_FIELDS,
    SECTION_FIELDS,
    Campaign,
    Framework,
    FrameworkStatus,
    Indicator,
    IndicatorGroup,
    Method,
    Rule,
    Section,
    SectionKind,
)
from orgs.models import Org

ZERO = Decimal("0")


def framework_list() -> QuerySet[Framework]:
    """Frameworks with their indicator count, Σ 分值 and campaign count (subqueries,
    so the joins do not multiply each other)."""
    indicators = (
        Indicator.objects.filter(section__framework=OuterRef("pk")).order_by().values("section__framework")
    )
    return Framework.objects.select_related("created_by", "cloned_from").annotate(
        indicator_count=Coalesce(Subquery(indicators.annotate(n=Count("pk")).values("n")), 0),
        # a survey section counts with its points, not with its items (on the survey's own scale)
        score_sum=Coalesce(
            Subquery(
                indicators.exclude(method=Method.BONUS)
                .exclude(section__kind=SectionKind.BONUS, section__in_total=False)
                .exclude(section__kind=SectionKind.SURVEY)
                .annotate(s=Sum("max_score"))
                .values("s")
            ),
            Value(ZERO),
            output_field=DecimalField(max_digits=9, decimal_places=2),
        )
        + Coalesce(
            Subquery(
                Section.objects.filter(framework=OuterRef("pk"), kind=SectionKind.SURVEY, in_total=True)
                .order_by()
                .values("framework")
                .annotate(s=Sum("points"))
                .values("s")
            ),
            Value(ZERO),
            output_field=DecimalField(max_digits=9, decimal_places=2),
        ),
        campaign_count=Coalesce(
            Subquery(
                Campaign.objects.filter(framework=OuterRef("pk"))
                .order_by()
                .values("framework")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        ),
    )


def framework_sections(framework: Framework) -> list[Section]:
    """板块 → 二级指标 / 指标 (with units and 评分细则) in five queries whatever the size."""
    indicators = Indicator.objects.order_by("order", "code", "pk").prefetch_related(
        Prefetch("assessors", queryset=Org.objects.order_by("sort_order", "code")),
        Prefetch("applies_to", queryset=Org.objects.order_by("code")),
        Prefetch("rules", queryset=Rule.objects.order_by("order", "code", "pk")),
    )
    return list(
        framework.sections.order_by("order", "code", "pk").prefetch_related(
            Prefetch("indicators", queryset=indicators),
            Prefetch("groups", queryset=IndicatorGroup.objects.order_by("order", "code", "pk")),
        )
    )


def framework_structure(
    framework: Framework, *, sections: list[Section] | None = None
) -> list[dict[str, Any]]:
    """The framework as plain nested data: used to clone, export and diff.
    An indicator names its 二级指标 by the group's position in its section's
    `groups` (`"group": 0`), or None."""
    result = []
    for section in framework_sections(framework) if sections is None else sections:
        groups = list(section.groups.all())
        position = {g.pk: n for n, g in enumerate(groups)}
        result.append(
            {
                **{name: getattr(section, name) for name in SECTION_FIELDS},
                "groups": [{name: getattr(g, name) for name in GROUP_FIELDS} for g in groups],
                "indicators": [
                    {
                        **{name: getattr(ind, name) for name in INDICATOR_FIELDS},
                        "group": position.get(ind.group_id) if ind.group_id else None,
                        "assessors": [(o.pk, o.code, o.display_name) for o in ind.assessors.all()],
                        "applies_to": [(o.pk, o.code, o.display_name) for o in ind.applies_to.all()],
                        "rules": [{name: getattr(r, name) for name in RULE_FIELDS} for r in ind.rules.all()],
                    }
                    for ind in section.indicators.all()
                ],
            }
        )
    return result


def locked_frameworks() -> QuerySet[Framework]:
    return Framework.objects.filter(status=FrameworkStatus.LOCKED).order_by("-year", "-version")
