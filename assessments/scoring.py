"""Scoring, composite, ranking and grading rules of 法治建设考评 — pure Python.

No Django import: views, services, the API, the CLI and the aggregate benchmark
all call these functions, and the tests exercise them directly.

Rules (stated once, here):

* An indicator's score never leaves [0, 分值]; points are rounded half up to
  two decimals.
  - 扣分制 ("deduct"): 分值 − Σ deductions (+ additions, if any), floor 0.
  - 加分 ("bonus"): Σ additions − Σ deductions, capped at the indicator's
    bonus cap (and its 分值), floor 0.
  - 等级制 ("grade"): the grade's points (`base`) ± items, clipped to [0, 分值].
  - 一票否决 ("veto"): 分值 − Σ deductions, floor 0; a veto item sets the
    score to 0.
  - 扣完为止 vs 负面清单 is the indicator's own `overflow` flag, not its
    method: on a 负面清单 indicator deductions beyond its 分值 (an indicator of
    分值 0 is a pure 负面清单) are taken from the target's total
    (`IndicatorResult.overflow`, `negative_list_overflow`); otherwise the
    indicator stops at 0 (扣完为止). Callers that do not say (`overflow=None`)
    get the old rule: veto-method indicators overflow.
  - 酌情扣分 ("discretionary"): a deduction the assessor chooses within the
    rule's [下限, 上限], with a reason (`discretionary_problems`).
  - 全额 ("full"): the indicator has its full points when the requirement is
    met; choosing the item records that it was not, and the score is the
    item's points (0 unless the item says otherwise).
  - A group rule (stated once for a 二级指标, `Item.group`) is not taken from
    the indicator it is stored on but from the group's subtotal, capped by
    the group's points (`group_subtotal`).
  A "veto" item, whatever the method, marks the target 一票否决; the target's
  grade is then the veto's own wording ("不合格", "当年目标未完成").
* 满意度测评 sections are scored on their own scale and converted into the
  section's points (`survey_points`).
* 分类考评: a target of a class (市直单位, 县区) is graded on its 折算百分制:
  its points on the indicators in the total × 100 / its own full marks, where
  its full marks are the class's full marks less the indicators that do not
  apply to it (`percent_of`); bonus and 负面清单 deductions are added and taken
  after the conversion. A target of no class keeps its points as they are.
* Composite: assessed = Σ indicator scores + min(Σ bonus, campaign bonus cap)
  − Σ 负面清单 deductions (the overflows), floor 0 (`composite`). With a social-evaluation
  weight w > 0 and a social score s: total = assessed × (1 − w) + s × w. A
  target without a social score keeps its assessed points (the weight is not
  applied to a missing component).
* Grades by thresholds (the highest threshold met), anything below the lowest
  is 不合格; 一票否决 is 不合格 whatever the points. An optional quota caps the
  number of 优秀 in rank order; the targets beyond it drop to the next grade
  (良好) (`grades_with_quota`).
* Ranking is a total order: the tie-break keys are applied in order and the
  target code (unique) is always the last key, so no two targets share a rank
  (`tie_break_key`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from operator import itemgetter
from typing import NamedTuple

ZERO = Decimal("0")
CENT = Decimal("0.01")

DEDUCT, BONUS, GRADE, VETO = "deduct", "bonus", "grade", "veto"
METHODS = (DEDUCT, BONUS, GRADE, VETO)
# item kinds (the values of models.RuleKind; this module imports nothing from Django)
ITEM_DEDUCT, ITEM_ADD, ITEM_VETO = "deduct", "add", "veto"
ITEM_DISCRETIONARY, ITEM_FULL = "discretionary", "full"
ITEM_KINDS = (ITEM_DEDUCT, ITEM_ADD, ITEM_VETO, ITEM_DISCRETIONARY, ITEM_FULL)

EXCELLENT, GOOD, FAIR, FAIL = "优秀", "良好", "一般", "不合格"
DEFAULT_THRESHOLDS: dict[str, Decimal] = {EXCELLENT: Decimal(90), GOOD: Decimal(80), FAIR: Decimal(60)}
DEFAULT_TIE_BREAK = ("total_desc", "veto_asc", "deductions_asc", "code_asc")

TIE_BREAK_LABELS = {
    "total_desc": "总分高者在前",
    "veto_asc": "未被一票否决者在前",
    "deductions_asc": "扣分（失分）少者在前",
    "indicator_desc": "指标得分合计高者在前",
    "bonus_desc": "加分高者在前",
    "social_desc": "社会评议得分高者在前",
    "code_asc": "行政区划代码小者在前",
    "name_asc": "名称排序在前者在前",
}


def q2(value: Decimal | int | float | str) -> Decimal:
    """Round half up to two decimals (how points are published)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _dec(value: object, what: str) -> Decimal:
    if isinstance(value, Decimal):
        result = value
    else:
        try:
            result = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise ValueError(f"{what}不是有效的数值：{value!r}")
    if not result.is_finite():
        raise ValueError(f"{what}不是有效的数值：{value!r}")
    return result


# --------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class Item:
    kind: str  # one of ITEM_KINDS
    points: Decimal = ZERO
    # a group rule: taken from the 二级指标's subtotal, not from this indicator
    group: bool = False


@dataclass(frozen=True)
class IndicatorResult:
    score: Decimal
    deducted: Decimal
    added: Decimal
    veto: bool
    clipped: bool
    # deductions beyond the indicator's 分值 on a 负面清单 indicator,
    # taken from the target's total
    overflow: Decimal = ZERO
    # deductions of group rules chosen here, taken from the group's subtotal
    group_deducted: Decimal = ZERO


class _Totals(NamedTuple):
    deducted: Decimal
    added: Decimal
    veto: bool
    full: Decimal | None  # the score when a 全额 requirement was not met
    group: Decimal


def _totals(items: Sequence[Item]) -> _Totals:
    """Σ deductions, Σ additions, any veto item, the 全额 fallback and Σ group
    deductions of an indicator's items."""
    deducted = added = group = ZERO
    veto = False
    full: Decimal | None = None
    for item in items:
        if item.kind not in ITEM_KINDS:
            raise ValueError(f"未知的评分项类型：{item.kind}")
        points = _dec(item.points, "分数")
        if points < 0:
            raise ValueError("扣分、加分的分数不能为负数")
        if item.kind == ITEM_VETO:
            veto = True
        elif item.kind == ITEM_FULL:
            full = points if full is None else min(full, points)
        elif item.group:
            group += points if item.kind != ITEM_ADD else -points
        elif item.kind == ITEM_ADD:
            added += points
        else:  # deduct, discretionary
            deducted += points
    return _Totals(deducted, added, veto, full, max(ZERO, group))


def negative_list_overflow(*, max_score: Decimal, deducted: Decimal, added: Decimal) -> Decimal:
    """Deductions beyond a 负面清单 indicator's 分值: taken from the
    target's total (an indicator of 分值 0 is a pure 负面清单)."""
    return max(ZERO, deducted - added - max_score)


def indicator_score(
    *,
    max_score: Decimal,
    method: str,
    items: Sequence[Item] = (),
    base: Decimal | None = None,
    bonus_cap: Decimal | None = None,
    overflow: bool | None = None,
) -> IndicatorResult:
    """The score of one indicator from its items (see the module docstring).
    `overflow`: a 负面清单 indicator (None: only veto-method ones, the old rule)."""
    max_score = _dec(max_score, "分值")
    if max_score < 0:
        raise ValueError("分值不能为负数")
    if method not in METHODS:
        raise ValueError(f"未知的计分方法：{method}")
    if overflow is None:
        overflow = method == VETO
    totals = _totals(items)
    deducted, added = totals.deducted, totals.added
    upper = max_score
    if method == BONUS:
        if bonus_cap is not None:
            upper = min(upper, max(ZERO, _dec(bonus_cap, "加分上限")))
        raw = added - deducted
    elif method == GRADE:
        if base is None:
            raise ValueError("等级制指标须给出等级对应的分数")
        raw = _dec(base, "等级分") + added - deducted
    else:
        raw = max_score - deducted + added
    if totals.full is not None:
        raw = min(raw, totals.full)
    spill = negative_list_overflow(max_score=max_score, deducted=deducted, added=added) if overflow else ZERO
    if totals.veto and method == VETO:
        raw = ZERO
    score = q2(min(upper, max(ZERO, raw)))
    return IndicatorResult(
        score=score,
        deducted=q2(deducted),
        added=q2(added),
        veto=totals.veto,
        clipped=score != q2(raw),
        overflow=q2(spill),
        group_deducted=q2(totals.group),
    )


def discretionary_problems(
    *, chosen: Decimal | str | None, low: Decimal | None, high: Decimal | None, reason: str | None
) -> list[str]:
    """Chinese messages about a 酌情扣分 choice: a number within the rule's
    range [下限, 上限] (下限 0 when not stated), with a reason."""
    value = _number(chosen)
    if value is None:
        return ["酌情扣分须填写扣分分值。"]
    lower = ZERO if low is None else _dec(low, "酌情扣分下限")
    errors = []
    if value < lower or (high is not None and value > _dec(high, "酌情扣分上限")):
        upper = "" if high is None else f"至 {_fmt(_dec(high, '酌情扣分上限'))} "
        errors.append(f"酌情扣分须在 {_fmt(lower)} {upper}分之间，填写的是 {_fmt(value)} 分。")
    if value != value.quantize(CENT):
        errors.append("扣分最多保留两位小数。")
    if not (reason or "").strip():
        errors.append("酌情扣分须填写扣分理由。")
    return errors


class GroupResult(NamedTuple):
    subtotal: Decimal
    taken: Decimal  # the group deductions actually taken


def group_subtotal(*, scores: Sequence[Decimal], points: Decimal | None, deducted: Decimal) -> GroupResult:
    """A 二级指标's subtotal: Σ of its indicators' scores less its group rules'
    deductions, these capped by the group's points; never below 0."""
    total = sum((_dec(v, "得分") for v in scores), ZERO)
    taken = max(ZERO, _dec(deducted, "扣分"))
    if points is not None:
        taken = min(taken, _dec(points, "二级指标分值"))
    taken = min(taken, total)
    return GroupResult(q2(total - taken), q2(taken))


def survey_points(raw: Decimal, *, scale: Decimal, points: Decimal) -> Decimal:
    """A 满意度测评 result on its own scale (e.g. 92 of 100) as the section's points (e.g. 9.2 of 10)."""
    scale = _dec(scale, "测评满分")
    if scale <= 0:
        raise ValueError("测评满分须大于 0")
    value = min(max(ZERO, _dec(raw, "测评得分")), scale)
    return q2(value * _dec(points, "板块分值") / scale)


def own_full_marks(*, class_full: Decimal, not_applying: Decimal) -> Decimal:
    """A target's own full marks: its class's full marks less the points of
    the indicators that do not apply to it."""
    return max(ZERO, _dec(class_full, "满分") - _dec(not_applying, "不适用指标分值"))


def percent_of(points: Decimal, full_marks: Decimal) -> Decimal:
    """折算百分制: `points` out of `full_marks` on a scale of 100 (unrounded;
    the total is rounded once, at the end)."""
    full = _dec(full_marks, "满分")
    if full <= 0:
        return ZERO
    return _dec(points, "得分") * 100 / full


def _number(value: object) -> Decimal | None:
    """`value` as a finite Decimal, or None when it is missing or not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return _dec(value, "得分")
    except ValueError:
        return None


def points_problems(*, max_score: Decimal, score: Decimal | str | None) -> list[str]:
    """Chinese messages about points entered by hand (missing, not a number,
    outside [0, 分值], more than two decimals); an empty list means valid."""
    if score is None or (isinstance(score, str) and not score.strip()):
        return ["请填写得分。"]
    try:
        value = _dec(score, "得分")
        maximum = _dec(max_score, "分值")
    except ValueError as exc:
        return [str(exc) + "。"]
    errors = []
    if value < 0 or value > maximum:
        errors.append(
            f"得分须在 0 至 {_fmt(maximum)} 分之间（本指标分值 {_fmt(maximum)} 分），填写的是 {_fmt(value)} 分。"
        )
    if value != value.quantize(CENT):
        errors.append("得分最多保留两位小数。")
    return errors


def reason_missing(*, max_score: Decimal, score: Decimal | str | None, reason: str | None) -> bool:
    """True when a score below full marks comes without a reason (扣分理由, 裁决说明)."""
    value, maximum = _number(score), _number(max_score)
    if value is None or maximum is None:
        return False
    return value < maximum and not (reason or "").strip()


def validate_score(*, max_score: Decimal, score: Decimal | str | None, reason: str | None) -> list[str]:
    """Chinese messages for a score entered by hand with its reason; an empty
    list means valid. The points (`points_problems`) and the reason
    (`reason_missing`) are separate rules so callers can tell them apart."""
    errors = points_problems(max_score=max_score, score=score)
    if reason_missing(max_score=max_score, score=score, reason=reason):
        errors.append("得分低于满分时须填写扣分理由。")
    return errors


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


# --------------------------------------------------------------------------- composite and ranking
# The composite, ranking and grading are computed in whole units of a point
# (hundredths: what the database holds, exactly), as Python integers: exact,
# and several times cheaper than Decimal arithmetic for the thousands of
# targets of a large campaign. `rank_units` is the one implementation;
# `rank_and_grade` and `composite` state their Decimal inputs in units first.
# TargetInput, TargetUnits and Ranked are NamedTuples (immutable, cheap to build).


class TargetInput(NamedTuple):
    code: str
    name: str
    indicator_total: Decimal
    bonus: Decimal = ZERO
    deductions: Decimal = ZERO
    veto: bool = False
    social: Decimal | None = None
    # points lost on the indicators (Σ 分值 − 得分): a tie-break, not subtracted
    lost: Decimal = ZERO
    # 一票否决's wording as the framework states it (blank: 不合格)
    veto_result: str = ""
    # 分类考评: the target's own full marks (its class's, less what does not
    # apply to it); None: no conversion, the points are graded as they are
    full_marks: Decimal | None = None
    unit_class: str = ""


class TargetUnits(NamedTuple):
    """A TargetInput with its points as integers: whole units of 1/`unit` of a
    point (`rank_units`; the database's hundredths: 95.5 points is 9550)."""

    code: str
    name: str
    indicator_total: int
    bonus: int = 0
    deductions: int = 0
    veto: bool = False
    social: int | None = None
    lost: int = 0
    veto_result: str = ""
    full_marks: int | None = None
    unit_class: str = ""


class Ranked(NamedTuple):
    rank: int
    code: str
    name: str
    total: Decimal
    grade: str
    veto: bool
    indicator_total: Decimal = ZERO
    bonus: Decimal = ZERO  # after the cap
    deductions: Decimal = ZERO
    social: Decimal | None = None
    assessed: Decimal = ZERO  # before the social component, rounded half up to two decimals
    lost: Decimal = ZERO
    quota_dropped: bool = False  # 优秀 by points but beyond the quota
    unit_class: str = ""
    full_marks: Decimal | None = None  # the target's own full marks when converted
    converted: Decimal | None = None  # 折算百分制 of the indicator points, when converted


def _weight(social_weight: object) -> Decimal:
    weight = _dec(social_weight, "社会评议权重")
    if weight < 0 or weight > 1:
        raise ValueError("社会评议权重须在 0 至 1 之间")
    return weight


def _round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator (denominator > 0) rounded half away from zero,
    as Decimal's ROUND_HALF_UP does."""
    if numerator >= 0:
        return (2 * numerator + denominator) // (2 * denominator)
    return -((-2 * numerator + denominator) // (2 * denominator))


class Composite(NamedTuple):
    """One target's composite (`composite_units`)."""

    bonus: int  # units, capped
    deductions: int  # units, floor 0
    assessed: int  # hundredths, rounded half up; floor 0
    converted: int | None  # 折算百分制 of the indicator points, hundredths rounded half up
    total: int  # hundredths rounded half up, with the social component
    indicator: tuple[int, int]  # the indicator points as graded (converted), exactly: units as a fraction


def composite_units(t: TargetUnits, unit: int, cap: int, weight: tuple[int, int]) -> Composite:
    """The composite rule of the module docstring for a target in units of
    1/`unit` of a point (`rank_units`), computed exactly in integers and
    rounded half up to hundredths once."""
    bonus = t.bonus
    bonus = 0 if bonus < 0 else cap if bonus > cap else bonus
    deductions = t.deductions if t.deductions > 0 else 0
    points, full = t.indicator_total, t.full_marks
    if full is None:
        converted = None
        indicator = (points, 1)
        numerator, denominator = points + bonus - deductions, 1
    elif full > 0:
        # 折算百分制: points × 100 / full marks (both in units), in units
        indicator = (points * 100 * unit, full)
        converted = _round_half_up(indicator[0] * 100, full * unit)
        numerator, denominator = indicator[0] + (bonus - deductions) * full, full
    else:
        converted, indicator = 0, (0, 1)
        numerator, denominator = bonus - deductions, 1
    if numerator < 0:
        numerator, denominator = 0, 1
    if denominator == 1 and unit == 100:
        assessed = numerator
    else:
        assessed = _round_half_up(numerator * 100, denominator * unit)
    total = assessed
    if weight[0] and t.social is not None:
        # assessed × (1 − w) + social × w, with w = weight[0] / weight[1]
        total = _round_half_up(
            (numerator * (weight[1] - weight[0]) + t.social * weight[0] * denominator) * 100,
            denominator * weight[1] * unit,
        )
    return Composite(bonus, deductions, assessed, converted, total, indicator)


def _weight_ratio(social_weight: object) -> tuple[int, int]:
    return _weight(social_weight).as_integer_ratio()


def _cap_units(bonus_cap: object, unit: int) -> int:
    """The campaign's bonus cap in units (rounded down to a whole unit, floor 0)."""
    cap = _dec(bonus_cap, "加分上限")
    return max(0, int((cap * unit).to_integral_value(rounding=ROUND_FLOOR)))


def _threshold_cents(levels: Sequence[tuple[str, Decimal]]) -> list[tuple[str, int]]:
    """Thresholds as hundredths: a total (whole hundredths) meets 89.995 when it is ≥ 90.00."""
    return [(grade, int((value * 100).to_integral_value(rounding=ROUND_CEILING))) for grade, value in levels]


def _decimal_cents(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _composite_of(t: TargetInput, bonus_cap: object, social_weight: object) -> Composite:
    (target,), unit = _stated_in_units([t], bonus_cap)
    return composite_units(target, unit, _cap_units(bonus_cap, unit), _weight_ratio(social_weight))


def composite(t: TargetInput, *, bonus_cap: Decimal, social_weight: Decimal) -> Decimal:
    """Total points of a target, rounded half up to two decimals."""
    return _decimal_cents(_composite_of(t, bonus_cap, social_weight).total)


def assessed_points(t: TargetInput, *, bonus_cap: Decimal) -> Decimal:
    """A target's points before the social component, rounded half up to two decimals."""
    return _decimal_cents(_composite_of(t, bonus_cap, 0).assessed)


def normalise_thresholds(thresholds: Mapping[str, object]) -> list[tuple[str, Decimal]]:
    """Grades with their thresholds, highest first; validates them."""
    result = []
    for grade, value in thresholds.items():
        if grade == FAIL:
            continue
        if value is None or value == "":
            continue
        result.append((grade, _dec(value, f"{grade}的分数线")))
    result.sort(key=lambda gv: gv[1], reverse=True)
    if len({v for _, v in result}) != len(result):
        raise ValueError("各等次的分数线不能相同")
    return result


def grade_for(total: Decimal | int, thresholds: Sequence[tuple[str, Decimal | int]]) -> str:
    """The highest grade whose threshold `total` meets (both in the same
    terms: points, or hundredths as `rank_units` compares them)."""
    for grade, threshold in thresholds:
        if total >= threshold:
            return grade
    return FAIL


_KEY_PARTS = {
    # name -> function of (total in hundredths, composite, input) giving an ascending key part
    "total_desc": lambda total, c, t: -total,
    "veto_asc": lambda total, c, t: 1 if t.veto else 0,
    "deductions_asc": lambda total, c, t: c.deductions + t.lost,
    "indicator_desc": lambda total, c, t: -Fraction(*c.indicator),
    "bonus_desc": lambda total, c, t: -c.bonus,
    "social_desc": lambda total, c, t: -(t.social if t.social is not None else -1),
    "code_asc": lambda total, c, t: t.code,
    "name_asc": lambda total, c, t: t.name,
}


def ranking_keys(tie_break: Sequence[str]) -> tuple[str, ...]:
    """The tie-break keys in the order they apply, `total_desc` first; unknown keys are refused."""
    keys = list(tie_break) or ["total_desc"]
    if "total_desc" not in keys:
        keys.insert(0, "total_desc")
    unknown = [k for k in keys if k not in _KEY_PARTS]
    if unknown:
        raise ValueError(f"未知的并列排序规则：{'、'.join(unknown)}")
    return tuple(keys)


_USUAL_KEYS = {DEFAULT_TIE_BREAK, DEFAULT_TIE_BREAK[:3]}


def tie_break_key(keys: tuple[str, ...], total: int, c: Composite, t: TargetUnits) -> tuple:
    """The sort key of a target in the ranking: the tie-break `keys` in order,
    then its code. Codes are unique, so the ranking is a total order."""
    if keys in _USUAL_KEYS:  # the usual rules, without the generic key machinery
        return (-total, 1 if t.veto else 0, c.deductions + t.lost, t.code)
    return tuple(_KEY_PARTS[k](total, c, t) for k in keys) + (t.code,)


def grades_with_quota(
    ranked: Sequence[tuple[Decimal | int, bool]],
    levels: Sequence[tuple[str, Decimal | int]],
    excellent_quota: int | None,
    veto_results: Sequence[str] | None = None,
) -> list[tuple[str, bool]]:
    """(grade, dropped by the quota) of each (total, veto) in rank order:
    一票否决 is the veto's wording (`veto_results`, blank: 不合格) whatever the
    points; otherwise the highest threshold met; 优秀 beyond the quota drops
    to the next grade."""
    if excellent_quota is not None and int(excellent_quota) < 0:
        raise ValueError("优秀名额不能为负数")
    next_grade = {
        grade: (levels[i + 1][0] if i + 1 < len(levels) else FAIL) for i, (grade, _) in enumerate(levels)
    }
    excellent_left = None if excellent_quota is None else int(excellent_quota)
    result = []
    for n, (total, veto) in enumerate(ranked):
        wording = (veto_results[n] if veto_results is not None else "") or FAIL
        grade, dropped = (wording if veto else grade_for(total, levels)), False
        if grade == EXCELLENT and excellent_left is not None:
            if excellent_left > 0:
                excellent_left -= 1
            else:
                grade, dropped = next_grade.get(EXCELLENT, GOOD), True
        result.append((grade, dropped))
    return result


def rank_units(
    rows: Sequence[TargetUnits],
    *,
    unit: int = 100,
    bonus_cap: Decimal,
    social_weight: Decimal,
    thresholds: Mapping[str, object] | None = None,
    excellent_quota: int | None = None,
    tie_break: Sequence[str] = DEFAULT_TIE_BREAK,
) -> list[Ranked]:
    """Rank (1..n, no shared ranks: `tie_break_key`) and grade the targets
    (`grades_with_quota`), their points given in units of 1/`unit` of a point
    (a power of ten, at least 100). Totals are rounded half up to hundredths
    once, at the end; the Ranked rows carry Decimals again."""
    if unit < 100 or unit % 100:
        raise ValueError("计分单位须为百分之一分或更细")
    if excellent_quota is not None and int(excellent_quota) < 0:
        raise ValueError("优秀名额不能为负数")
    levels = _threshold_cents(normalise_thresholds(DEFAULT_THRESHOLDS if thresholds is None else thresholds))
    keys = ranking_keys(tie_break)
    cap = _cap_units(bonus_cap, unit)
    weight = _weight_ratio(social_weight)
    decorated = []
    codes = set()
    usual = keys in _USUAL_KEYS
    for t in rows:  # thousands of targets: fields unpacked, the usual key inline
        code, _, _, _, _, veto, _, lost, _, _, _ = t
        if code in codes:
            raise ValueError("被考评单位代码重复，无法排名")
        codes.add(code)
        c = composite_units(t, unit, cap, weight)
        if usual:  # `tie_break_key` without the call
            key: tuple = (-c[4], 1 if veto else 0, c[1] + lost, code)
        else:
            key = tie_break_key(keys, c.total, c, t)
        decorated.append((key, c, t))
    decorated.sort(key=itemgetter(0))
    grades = grades_with_quota(
        [(c[4], t[5]) for _, c, t in decorated],
        levels,
        excellent_quota,
        [t[8] for *_, t in decorated],
    )
    # the output's Decimals, each value made once (many repeat: 0, the cap, full marks)
    units, cents = _Decimals(unit), _Decimals(100)
    ranked = []
    for position, ((_, c, t), (grade, dropped)) in enumerate(zip(decorated, grades, strict=True), start=1):
        code, name, points, _, _, veto, social, lost, _, full, unit_class = t
        bonus, deductions, assessed, converted, total, _ = c
        ranked.append(
            Ranked(
                position,
                code,
                name,
                cents[total],
                grade,
                bool(veto),
                units[points],
                units[bonus],
                units[deductions],
                None if social is None else units[social],
                cents[assessed],
                units[lost],
                dropped,
                unit_class,
                None if full is None else units[full],
                None if converted is None else cents[converted],
            )
        )
    return ranked


class _Decimals(dict):
    """Integers of 1/`unit` of a point as Decimals, each made once."""

    def __init__(self, unit: int) -> None:
        super().__init__()
        self.exponent = 1 - len(str(unit))

    def __missing__(self, value: int) -> Decimal:
        made = self[value] = Decimal(value).scaleb(self.exponent)
        return made


# the numbers of a TargetInput, with what an error calls them
_NUMBERS = {
    "indicator_total": "指标得分",
    "bonus": "加分",
    "deductions": "扣分",
    "social": "社会评议得分",
    "lost": "失分",
    "full_marks": "满分",
}
_OPTIONAL = ("social", "full_marks")


def _input_decimals(t: TargetInput) -> dict[str, Decimal | None]:
    values: dict[str, Decimal | None] = {}
    for name, label in _NUMBERS.items():
        value: object = getattr(t, name)
        values[name] = None if value is None and name in _OPTIONAL else _dec(value, label)
    return values


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _stated_in_units(rows: Sequence[TargetInput], bonus_cap: object) -> tuple[list[TargetUnits], int]:
    """`rows` as TargetUnits in the unit (10**places, at least 100) in which every
    number of theirs and the bonus cap is whole; and that unit."""
    decimals = [_input_decimals(t) for t in rows]
    places = max(
        (_places(v) for values in decimals for v in values.values() if v is not None),
        default=2,
    )
    unit = 10 ** max(2, places, _places(_dec(bonus_cap, "加分上限")))

    def units(value: Decimal | None) -> int | None:
        return None if value is None else int(value * unit)

    return [
        TargetUnits(
            t.code,
            t.name,
            units(values["indicator_total"]) or 0,
            units(values["bonus"]) or 0,
            units(values["deductions"]) or 0,
            bool(t.veto),
            units(values["social"]),
            units(values["lost"]) or 0,
            t.veto_result,
            units(values["full_marks"]),
            t.unit_class,
        )
        for t, values in zip(rows, decimals, strict=True)
    ], unit


def rank_and_grade(
    rows: Sequence[TargetInput],
    *,
    bonus_cap: Decimal,
    social_weight: Decimal,
    thresholds: Mapping[str, object] | None = None,
    excellent_quota: int | None = None,
    tie_break: Sequence[str] = DEFAULT_TIE_BREAK,
) -> list[Ranked]:
    """`rank_units` of targets whose points are Decimals (or numbers as text),
    stated in the finest unit any of them needs (hundredths at least)."""
    targets, unit = _stated_in_units(rows, bonus_cap)
    return rank_units(
        targets,
        unit=unit,
        bonus_cap=bonus_cap,
        social_weight=social_weight,
        thresholds=thresholds,
        excellent_quota=excellent_quota,
        tie_break=tie_break,
    )
