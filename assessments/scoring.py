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
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
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
# TargetInput and Ranked are NamedTuples (immutable, and cheap to build for the
# thousands of targets of the aggregate benchmark).


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
    assessed: Decimal = ZERO  # before the social component
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


def _parts(t: TargetInput, cap: Decimal) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(indicator total, capped bonus, deductions, assessed points) of a target."""
    total = t.indicator_total if type(t.indicator_total) is Decimal else _dec(t.indicator_total, "指标得分")
    full = t.full_marks
    if full is not None:  # 折算百分制 (`percent_of`, inlined: thousands of targets)
        if type(full) is not Decimal:
            full = _dec(full, "满分")
        total = total * 100 / full if full > 0 else ZERO
    bonus = t.bonus if type(t.bonus) is Decimal else _dec(t.bonus, "加分")
    bonus = ZERO if bonus < 0 else cap if bonus > cap else bonus
    deductions = t.deductions if type(t.deductions) is Decimal else _dec(t.deductions, "扣分")
    if deductions < 0:
        deductions = ZERO
    assessed = total + bonus - deductions
    return total, bonus, deductions, (ZERO if assessed < 0 else assessed)


def assessed_points(t: TargetInput, *, bonus_cap: Decimal) -> Decimal:
    return _parts(t, max(ZERO, _dec(bonus_cap, "加分上限")))[3]


def _combine(assessed: Decimal, social: Decimal | None, weight: Decimal) -> Decimal:
    if weight and social is not None:
        assessed = assessed * (1 - weight) + _dec(social, "社会评议得分") * weight
    return assessed.quantize(CENT, rounding=ROUND_HALF_UP)


def composite(t: TargetInput, *, bonus_cap: Decimal, social_weight: Decimal) -> Decimal:
    """Total points of a target, rounded half up to two decimals."""
    weight = _weight(social_weight)
    return _combine(assessed_points(t, bonus_cap=bonus_cap), t.social, weight)


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


def grade_for(total: Decimal, thresholds: Sequence[tuple[str, Decimal]]) -> str:
    for grade, threshold in thresholds:
        if total >= threshold:
            return grade
    return FAIL


_KEY_PARTS = {
    # name -> function of (total, assessed parts, input) giving an ascending key part
    "total_desc": lambda total, parts, t: -total,
    "veto_asc": lambda total, parts, t: 1 if t.veto else 0,
    "deductions_asc": lambda total, parts, t: parts[2] + t.lost,
    "indicator_desc": lambda total, parts, t: -parts[0],
    "bonus_desc": lambda total, parts, t: -parts[1],
    "social_desc": lambda total, parts, t: -(t.social if t.social is not None else Decimal(-1)),
    "code_asc": lambda total, parts, t: t.code,
    "name_asc": lambda total, parts, t: t.name,
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


def tie_break_key(
    keys: tuple[str, ...],
    total: Decimal,
    parts: tuple[Decimal, Decimal, Decimal, Decimal],
    lost: Decimal,
    t: TargetInput,
) -> tuple:
    """The sort key of a target in the ranking: the tie-break `keys` in order,
    then its code. Codes are unique, so the ranking is a total order."""
    if keys in _USUAL_KEYS:  # the usual rules, without the generic key machinery
        return (-total, 1 if t.veto else 0, parts[2] + lost, t.code)
    return tuple(_KEY_PARTS[k](total, parts, t) for k in keys) + (t.code,)


def grades_with_quota(
    ranked: Sequence[tuple[Decimal, bool]],
    levels: Sequence[tuple[str, Decimal]],
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


def rank_and_grade(
    rows: Sequence[TargetInput],
    *,
    bonus_cap: Decimal,
    social_weight: Decimal,
    thresholds: Mapping[str, object] | None = None,
    excellent_quota: int | None = None,
    tie_break: Sequence[str] = DEFAULT_TIE_BREAK,
) -> list[Ranked]:
    """Rank (1..n, no shared ranks: `tie_break_key`) and grade the targets
    (`grades_with_quota`)."""
    if excellent_quota is not None and int(excellent_quota) < 0:
        raise ValueError("优秀名额不能为负数")
    levels = normalise_thresholds(DEFAULT_THRESHOLDS if thresholds is None else thresholds)
    keys = ranking_keys(tie_break)
    cap = max(ZERO, _dec(bonus_cap, "加分上限"))
    weight = _weight(social_weight)
    decorated = []
    codes = set()
    for t in rows:
        if t.code in codes:
            raise ValueError("被考评单位代码重复，无法排名")
        codes.add(t.code)
        parts = _parts(t, cap)
        if weight and t.social is not None:
            total = _combine(parts[3], t.social, weight)
        else:
            total = parts[3].quantize(CENT, rounding=ROUND_HALF_UP)
        lost = t.lost if type(t.lost) is Decimal else _dec(t.lost, "失分")
        decorated.append((tie_break_key(keys, total, parts, lost, t), total, parts, lost, t))
    decorated.sort(key=itemgetter(0))
    grades = grades_with_quota(
        [(total, bool(t.veto)) for _, total, _, _, t in decorated],
        levels,
        excellent_quota,
        [t.veto_result for *_, t in decorated],
    )
    # the total is what is published and rounded; the parts are reported as given
    return [
        Ranked(
            position,
            t.code,
            t.name,
            total,
            grade,
            bool(t.veto),
            parts[0] if t.full_marks is None else t.indicator_total,
            parts[1],
            parts[2],
            None if t.social is None else _dec(t.social, "社会评议得分"),
            parts[3],
            lost,
            dropped,
            t.unit_class,
            t.full_marks,
            None if t.full_marks is None else parts[0].quantize(CENT, rounding=ROUND_HALF_UP),
        )
        for position, ((_, total, parts, lost, t), (grade, dropped)) in enumerate(
            zip(decorated, grades, strict=True), start=1
        )
    ]
