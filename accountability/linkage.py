"""述、评、督、考、责 linkage rules, pure Python (no Django import).

Everything here takes plain data and returns plain data, so the rules are
tested directly and reused by services, pages, the API and the demo.

评 — aggregation of the ratings of one leader's 述法 report:
  mean score (two decimals, half up), count per grade, 不满意 share.

考 — a finding's proposed deduction on the campaign's 督察 indicator:
  一般 0.5 分, 较重 1 分, 严重 2 分 per finding; a finding rectified by its
  deadline costs half; the sum is capped at the indicator's points.
  The deduction is offered to the assessor as a proposed item on one of the
  indicator's 扣分 rules (`fit_deduction`: the rule whose points per time give
  it exactly, the fewest times), never written without the assessor.

责 — proposed accountability actions for one leader / org and year:
  - 考评等次 不合格 → 约谈 and 通报批评; 一般 → 约谈;
  - 述法 rated 不满意 by at least a third of the reviewers → 约谈; by more than
    half → 通报批评;
  - any overdue problem → 责令整改; a problem overdue more than 90 days, or the
    same problem found again (repeated) → 通报批评;
  - 不合格 together with an overdue problem, or three or more repeated
    problems → 移送纪检监察.
  A problem is repeated (`repeated_problems`) when the unit's problem of the
  same category is registered again within REPEAT_WINDOW_DAYS after an earlier
  one was closed (销号): the rectification did not hold.
  One proposal per kind, with every reason that led to it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

SATISFIED, BASIC, UNSATISFIED = "满意", "基本满意", "不满意"
GRADES = (SATISFIED, BASIC, UNSATISFIED)

GENERAL, SERIOUS, GRAVE = "general", "serious", "grave"
SEVERITY_POINTS = {GENERAL: Decimal("0.5"), SERIOUS: Decimal("1"), GRAVE: Decimal("2")}

TALK, CRITICISE, RECTIFY, TRANSFER = "talk", "criticise", "rectify", "transfer"
ACTION_LABELS = {TALK: "约谈", CRITICISE: "通报批评", RECTIFY: "责令整改", TRANSFER: "移送纪检监察"}
POOR_GRADES = {"一般", "不合格"}
LONG_OVERDUE_DAYS = 90
REPEAT_WINDOW_DAYS = 365
TWO = Decimal("0.01")


@dataclass(frozen=True)
class RatingSummary:
    count: int
    mean: Decimal | None
    counts: dict[str, int]
    unsatisfied_share: Decimal  # 0..1, two decimals

    def as_dict(self) -> dict[str, object]:
        return {
            "count": self.count,
            "mean": None if self.mean is None else str(self.mean),
            "counts": dict(self.counts),
            "unsatisfied_share": str(self.unsatisfied_share),
        }


def aggregate(ratings: Iterable[tuple[str, int]]) -> RatingSummary:
    """(grade, score 0–100) pairs → summary. Unknown grades are refused."""
    counts = dict.fromkeys(GRADES, 0)
    total = 0
    n = 0
    for grade, score in ratings:
        if grade not in counts:
            raise ValueError(f"未知的评议等次：{grade}")
        if not 0 <= score <= 100:
            raise ValueError(f"评分须在 0–100 之间：{score}")
        counts[grade] += 1
        total += score
        n += 1
    if n == 0:
        return RatingSummary(0, None, counts, Decimal("0.00"))
    mean = (Decimal(total) / n).quantize(TWO, ROUND_HALF_UP)
    share = (Decimal(counts[UNSATISFIED]) / n).quantize(TWO, ROUND_HALF_UP)
    return RatingSummary(n, mean, counts, share)


def unsatisfied_percent(summary: RatingSummary) -> Decimal:
    """The 不满意 share in percent to one decimal, from the counts (3 of 14 is 21.4,
    where the two-decimal `unsatisfied_share` would give 21.0)."""
    if summary.count == 0:
        return Decimal("0.0")
    unsatisfied = summary.counts.get(UNSATISFIED, 0)
    return (Decimal(unsatisfied * 100) / summary.count).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class FindingFact:
    severity: str
    rectified_in_time: bool = False


def finding_deduction(findings: Iterable[FindingFact], *, cap: Decimal) -> Decimal:
    """Points the 督察 indicator loses for these findings (see the module docstring)."""
    lost = Decimal(0)
    for f in findings:
        if f.severity not in SEVERITY_POINTS:
            raise ValueError(f"未知的问题严重程度：{f.severity}")
        points = SEVERITY_POINTS[f.severity]
        lost += points / 2 if f.rectified_in_time else points
    return min(lost, cap).quantize(TWO, ROUND_HALF_UP)


@dataclass(frozen=True)
class RuleSpec:
    """An indicator's 评分细则 as the fit sees it: kind, points per time, optional cap."""

    id: int
    kind: str
    points: Decimal
    max_points: Decimal | None = None


@dataclass(frozen=True)
class Fit:
    rule_id: int
    count: int


def fit_deduction(points: Decimal, rules: Iterable[RuleSpec]) -> Fit | None:
    """The 扣分 rule and count that deduct exactly `points` (the fewest times wins,
    then the rule listed first); None when no rule gives it exactly or `points` is 0."""
    if points <= 0:
        return None
    best: Fit | None = None
    for rule in rules:
        if rule.kind != "deduct" or rule.points <= 0:
            continue
        count, rest = divmod(points, rule.points)
        if rest or (rule.max_points is not None and points > rule.max_points):
            continue
        if best is None or count < best.count:
            best = Fit(rule.id, int(count))
    return best


@dataclass(frozen=True)
class ProblemFact:
    """One problem of a unit as the repeat rule reads it."""

    category: str
    registered_on: datetime.date
    closed_on: datetime.date | None = None


def repeated_problems(
    problems: Iterable[ProblemFact], *, year: int | None = None, window_days: int = REPEAT_WINDOW_DAYS
) -> int:
    """How many problems (registered in `year`, when given) came back: registered
    in a category in which an earlier problem of the unit had been closed at most
    `window_days` days before. Problems without a category are never repeats."""
    facts = tuple(problems)
    closed: dict[str, list[datetime.date]] = {}
    for p in facts:
        if p.category and p.closed_on is not None:
            closed.setdefault(p.category, []).append(p.closed_on)
    count = 0
    for p in facts:
        if not p.category or (year is not None and p.registered_on.year != year):
            continue
        if any(0 <= (p.registered_on - day).days <= window_days for day in closed.get(p.category, ())):
            count += 1
    return count


@dataclass(frozen=True)
class Facts:
    """What the 责 rules read for one leader / org and year."""

    grade: str | None = None  # 考评等次 from the published result
    ratings: RatingSummary | None = None
    overdue_days: tuple[int, ...] = ()  # days overdue of each overdue problem
    repeated: int = 0  # problems found again after being closed


@dataclass(frozen=True)
class Proposal:
    kind: str
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return ACTION_LABELS[self.kind]

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)


def _grade_reasons(facts: Facts) -> list[tuple[str, str]]:
    if facts.grade == "不合格":
        return [(TALK, "考评等次为不合格"), (CRITICISE, "考评等次为不合格")]
    if facts.grade == "一般":
        return [(TALK, "考评等次为一般")]
    return []


def _rating_reasons(facts: Facts) -> list[tuple[str, str]]:
    r = facts.ratings
    if r is None or r.count == 0:
        return []
    unsatisfied = r.counts[UNSATISFIED]
    percent = f"{(Decimal(unsatisfied * 100) / r.count).quantize(Decimal('1'), ROUND_HALF_UP)}%"
    result = []
    if unsatisfied * 3 >= r.count:  # integers: a third exactly counts
        result.append((TALK, f"述法评议不满意占 {percent}"))
    if unsatisfied * 2 > r.count:
        result.append((CRITICISE, f"述法评议不满意超过半数（{percent}）"))
    return result


def _problem_reasons(facts: Facts) -> list[tuple[str, str]]:
    result = []
    overdue = len(facts.overdue_days)
    if overdue:
        result.append((RECTIFY, f"{overdue} 个问题逾期未整改"))
    long = sum(1 for d in facts.overdue_days if d > LONG_OVERDUE_DAYS)
    if long:
        result.append((CRITICISE, f"{long} 个问题逾期超过 {LONG_OVERDUE_DAYS} 天"))
    if facts.repeated:
        result.append((CRITICISE, f"{facts.repeated} 个问题反复出现"))
    if facts.grade == "不合格" and overdue:
        result.append((TRANSFER, "考评不合格且问题逾期未整改"))
    if facts.repeated >= 3:
        result.append((TRANSFER, f"{facts.repeated} 个问题反复出现（3 个及以上）"))
    return result


def propose_actions(facts: Facts) -> list[Proposal]:
    """The actions the rules propose, one per kind, in the order 约谈, 通报批评, 责令整改, 移送纪检监察."""
    reasons: dict[str, list[str]] = {}
    for kind, reason in _grade_reasons(facts) + _rating_reasons(facts) + _problem_reasons(facts):
        reasons.setdefault(kind, []).append(reason)
    return [Proposal(kind, tuple(reasons[kind])) for kind in ACTION_LABELS if kind in reasons]
