"""Scoring and ranking rules of the 惠民实事 selection (pure Python, no Django).

- An expert scores a nomination 0–10 on each of the five criteria; the expert's
  total is the weighted mean of the five (weights sum to 1, default equal).
- A nomination's expert score is the trimmed mean of its experts' totals: with
  at least 5 totals the single highest and the single lowest are dropped first.
- Experts disagree widely when their totals span more than a threshold
  (default 3 points on the 0–10 scale); the nomination is flagged, not changed.
- The public score puts valid votes on the same 0–10 scale: votes ÷ the most
  votes any shortlisted nomination got × 10.
- Composite = expert score × expert weight + public score × public weight
  (default 0.7 / 0.3); ranking is a total order: composite, then expert score,
  then votes, then the nomination's number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CRITERIA: tuple[tuple[str, str], ...] = (
    ("legality", "法治性"),
    ("mass", "群众性"),
    ("inclusive", "普惠性"),
    ("feasibility", "可行性"),
    ("innovation", "创新性"),
)
CRITERIA_CODES = tuple(code for code, _ in CRITERIA)
SCORE_MIN = Decimal("0")
SCORE_MAX = Decimal("10")
TRIM_FROM = 5  # trim the highest and the lowest from this many scores on
DEFAULT_DISAGREEMENT = Decimal("3")
DEFAULT_EXPERT_WEIGHT = Decimal("0.7")
DEFAULT_PUBLIC_WEIGHT = Decimal("0.3")
PLACES = Decimal("0.0001")


def q(value: Decimal) -> Decimal:
    """Four decimal places, half up: enough for ranking, shown with two."""
    return value.quantize(PLACES, ROUND_HALF_UP)


def default_weights() -> dict[str, Decimal]:
    return {code: Decimal("0.2") for code in CRITERIA_CODES}


def weight_problems(weights: Mapping[str, Decimal]) -> list[str]:
    """Why a set of criteria weights cannot be used (empty when it can)."""
    problems = []
    missing = [label for code, label in CRITERIA if code not in weights]
    if missing:
        problems.append(f"缺少以下标准的权重：{'、'.join(missing)}。")
    for code, label in CRITERIA:
        value = weights.get(code)
        if value is not None and (value < 0 or value > 1):
            problems.append(f"「{label}」的权重须在 0 到 1 之间。")
    if not missing and sum((weights[c] for c in CRITERIA_CODES), Decimal(0)) != 1:
        total = sum((weights[c] for c in CRITERIA_CODES), Decimal(0))
        problems.append(f"五项标准的权重之和须等于 1（现为 {total.normalize():f}）。")
    return problems


def score_problems(scores: Mapping[str, Decimal | None]) -> dict[str, str]:
    """Per criterion, why a score is refused (missing, not 0–10)."""
    problems = {}
    for code, label in CRITERIA:
        value = scores.get(code)
        if value is None:
            problems[code] = f"请为「{label}」打分（0–10 分）。"
        elif not value.is_finite() or value < SCORE_MIN or value > SCORE_MAX:
            problems[code] = f"「{label}」的得分须在 0 到 10 分之间。"
    return problems


def expert_total(scores: Mapping[str, Decimal], weights: Mapping[str, Decimal]) -> Decimal:
    """One expert's weighted total of the five criteria, on the 0–10 scale."""
    weight_sum = sum((weights[c] for c in CRITERIA_CODES), Decimal(0))
    if weight_sum == 0:
        return Decimal(0)
    return q(sum((scores[c] * weights[c] for c in CRITERIA_CODES), Decimal(0)) / weight_sum)


def trimmed_mean(values: Sequence[Decimal]) -> Decimal | None:
    """Mean after dropping the highest and the lowest value when there are at least 5."""
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) >= TRIM_FROM:
        ordered = ordered[1:-1]
    return q(sum(ordered, Decimal(0)) / len(ordered))


def disagreement(values: Sequence[Decimal], threshold: Decimal = DEFAULT_DISAGREEMENT) -> bool:
    """Experts disagree widely when their totals span more than `threshold`."""
    return len(values) >= 2 and max(values) - min(values) > threshold


def public_scores(votes: Mapping[int, int]) -> dict[int, Decimal]:
    """Valid votes per nomination → 0–10 (the most-voted nomination gets 10)."""
    most = max(votes.values(), default=0)
    if most <= 0:
        return {key: Decimal(0) for key in votes}
    return {key: q(Decimal(max(count, 0)) * SCORE_MAX / most) for key, count in votes.items()}


def composite(
    expert: Decimal | None,
    public: Decimal | None,
    expert_weight: Decimal = DEFAULT_EXPERT_WEIGHT,
    public_weight: Decimal = DEFAULT_PUBLIC_WEIGHT,
) -> Decimal:
    return q((expert or Decimal(0)) * expert_weight + (public or Decimal(0)) * public_weight)


@dataclass(frozen=True)
class Entry:
    key: int  # the nomination's id
    number: int  # its 序号, the last tie-break
    expert: Decimal | None
    votes: int


@dataclass(frozen=True)
class Ranked:
    key: int
    rank: int
    expert: Decimal
    public: Decimal
    composite: Decimal
    votes: int


def rank(
    entries: Iterable[Entry],
    *,
    expert_weight: Decimal = DEFAULT_EXPERT_WEIGHT,
    public_weight: Decimal = DEFAULT_PUBLIC_WEIGHT,
) -> list[Ranked]:
    """Composite scores and a total order (composite, expert, votes desc; number asc)."""
    entries = list(entries)
    public = public_scores({e.key: e.votes for e in entries})
    scored = [
        (
            composite(e.expert, public[e.key], expert_weight, public_weight),
            e.expert or Decimal(0),
            public[e.key],
            e,
        )
        for e in entries
    ]
    scored.sort(key=lambda row: (-row[0], -row[1], -row[3].votes, row[3].number))
    return [
        Ranked(key=e.key, rank=n, expert=expert, public=pub, composite=total, votes=e.votes)
        for n, (total, expert, pub, e) in enumerate(scored, start=1)
    ]
