"""Scoring a 项目支出绩效自评 by a rule set, and the findings that go with it.

Every number the engine gives is a Decimal rounded half-up to the rule set's
decimals (2 by default). A finding names its code, the indicator (or None), a
plain Chinese message citing the rule, and a severity: "error" where the
declared figures break a rule, "warning" where something needs a reason or a
second look, "info" where the declared score is more modest than the rules allow.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from performance.engine.model import (
    ERROR,
    INFO,
    WARNING,
    Evaluation,
    Finding,
    Indicator,
    IndicatorResult,
    Result,
)
from performance.engine.rules import RuleSet, load_rule_set
from performance.engine.values import (
    GE,
    GT,
    LE,
    LT,
    format_money,
    format_number,
    parse_value,
    units_compatible,
)

POSITIVE, NEGATIVE, EQUAL, QUALITATIVE_KIND, NOT_APPLICABLE = "正向", "反向", "等于", "定性", "不适用"
CLAIMS_OF_COMPLETION = ("全面完成", "全部完成", "均已完成", "均完成", "圆满完成", "全部达成", "全面达成")

_HUNDRED = Decimal(100)
_ONE = Decimal(1)


def _fmt(value: Decimal | None) -> str:
    return format_number(value)


def _pct(ratio: Decimal) -> str:
    return format_number((ratio * _HUNDRED).quantize(Decimal("0.01"), ROUND_HALF_UP)) + "%"


class _Scorer:
    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.step = Decimal(1).scaleb(-rules.decimals)
        self.cite = f"（{rules.source_short}）"

    def round(self, value: Decimal) -> Decimal:
        return value.quantize(self.step, ROUND_HALF_UP)

    # ---------------------------------------------------------- indicators

    def indicator(self, ind: Indicator) -> IndicatorResult:
        if not ind.applicable:
            return IndicatorResult(ind, NOT_APPLICABLE, None)
        if ind.target.number is None and not ind.target.text.strip():
            result = IndicatorResult(ind, QUALITATIVE_KIND, None)
            self._finding(
                result.findings,
                ind,
                "TARGET_MISSING",
                f"“{ind.name or '未命名指标'}”没有填写年度指标值，在填写之前不能计分。",
                ERROR,
            )
            return result
        if ind.target.number is None:
            result = self._qualitative(ind)
        else:
            result = self._quantitative(ind)
        self._declared(ind, result)
        return result

    def _finding(
        self, result_findings: list[Finding], ind: Indicator, code: str, message: str, severity: str = WARNING
    ) -> None:
        result_findings.append(Finding(code, message, ind.name, severity, ind.row))

    def _missing_actual(self, ind: Indicator, kind: str) -> IndicatorResult | None:
        if ind.actual is None or (isinstance(ind.actual, str) and not ind.actual.strip()):
            result = IndicatorResult(ind, kind, None)
            self._finding(
                result.findings,
                ind,
                "ACTUAL_MISSING",
                f"“{ind.name}”没有填写实际完成值，在填写之前不能计分。",
                ERROR,
            )
            return result
        return None

    def _qualitative(self, ind: Indicator) -> IndicatorResult:
        missing = self._missing_actual(ind, QUALITATIVE_KIND)
        if missing:
            return missing
        text = str(ind.actual)
        band = self.rules.band_for(text)
        if band is None:
            result = IndicatorResult(ind, QUALITATIVE_KIND, None)
            names = "、".join(f"“{b.name}”" for b in self.rules.bands)
            self._finding(
                result.findings,
                ind,
                "QUAL_NO_BAND",
                f"定性指标“{ind.name}”的实际完成值“{text}”没有写明达成程度，应为{names}之一"
                f"{self.cite}；写明之前不能计分。",
                ERROR,
            )
            return result
        w = ind.weight
        low, high = self.round(band.min * w), self.round(band.max * w)
        top = band.max >= _ONE
        allowed_high = high if top else max(low, high - self.step)
        result = IndicatorResult(ind, QUALITATIVE_KIND, None, band=band.name, band_range=(low, allowed_high))
        declared = ind.declared_score
        band_text = (
            f"“{band.name}”档得分区间为分值的{_pct(band.min)}–{_pct(band.max)}"
            f"{'' if top else '（不含上限）'}，即{_fmt(low)}–{_fmt(high)}分"
        )
        if declared is None:
            result.score = allowed_high
            self._finding(
                result.findings,
                ind,
                "QUAL_NOT_DECLARED",
                f"定性指标“{ind.name}”未填写得分，按{band_text}的上限{_fmt(allowed_high)}分计。",
                INFO,
            )
        elif declared < low or declared > allowed_high:
            result.score = min(max(declared, low), allowed_high)
            self._finding(
                result.findings,
                ind,
                "QUAL_OUT_OF_BAND",
                f"定性指标“{ind.name}”填报得分{_fmt(declared)}分，不在{band_text}内{self.cite}，"
                f"按{_fmt(result.score)}分计。",
                ERROR,
            )
        else:
            result.score = declared
        if not top and not ind.deviation_reason.strip():
            self._finding(
                result.findings,
                ind,
                "SHORTFALL_NO_REASON",
                f"“{ind.name}”为“{band.name}”，未填写偏差原因分析及改进措施{self.cite}。",
            )
        return result

    def _quantitative(self, ind: Indicator) -> IndicatorResult:
        op = ind.target.op
        kind = POSITIVE if op in (GE, GT) else NEGATIVE if op in (LE, LT) else EQUAL
        missing = self._missing_actual(ind, kind)
        if missing:
            return missing
        actual = parse_value(ind.actual)
        result = IndicatorResult(ind, kind, None)
        if actual.op_written:
            self._finding(
                result.findings,
                ind,
                "ACTUAL_REPEATS_TARGET",
                f"“{ind.name}”的实际完成值“{actual.text}”只是重复了指标值，应填写实际达到的数值；"
                "填写之前不能计分。",
                ERROR,
            )
            return result
        if actual.number is None:
            self._finding(
                result.findings,
                ind,
                "ACTUAL_NOT_NUMBER",
                f"定量指标“{ind.name}”的实际完成值“{actual.text}”不是数值，应填写实际达到的数值"
                f"（指标值为“{ind.target.display()}”）；填写之前不能计分。",
                ERROR,
            )
            return result
        if not units_compatible(ind.target.unit, actual.unit):
            self._finding(
                result.findings,
                ind,
                "UNIT_MISMATCH",
                f"“{ind.name}”的实际完成值单位“{actual.unit}”与指标值单位“{ind.target.unit}”不一致，"
                "请核对是否为同一口径。",
            )
        t, a, w = ind.target.number, actual.number, ind.weight
        assert t is not None
        if kind == NEGATIVE:
            score, ratio = self._negative(t, a, w)
        elif kind == EQUAL and t == 0:
            score, ratio = (w if a <= 0 else Decimal(0)), None
        else:
            score, ratio = self._positive(t, a, w)
        result.score = min(max(self.round(score), Decimal(0)), w)
        result.ratio = ratio
        reason = ind.deviation_reason.strip()
        if kind != NEGATIVE and t > 0 and a / t >= self.rules.high_ratio and not reason:
            self._finding(
                result.findings,
                ind,
                "HIGH_NO_REASON",
                f"“{ind.name}”实际完成{_fmt(a)}{actual.unit or ind.target.unit}，为指标值的{_pct(a / t)}，"
                f"超过{_pct(self.rules.high_ratio)}却未说明原因，指标值可能设定偏低{self.cite}。",
            )
        if result.score < w and not reason:
            self._finding(
                result.findings,
                ind,
                "SHORTFALL_NO_REASON",
                f"“{ind.name}”未达到指标值（指标值{ind.target.display()}，实际{actual.display()}），"
                f"未填写偏差原因分析及改进措施{self.cite}。",
            )
        return result

    def _positive(self, t: Decimal, a: Decimal, w: Decimal) -> tuple[Decimal, Decimal | None]:
        if t <= 0:
            return (w if a >= t else Decimal(0)), None
        ratio = a / t
        return (w if a >= t else w * max(ratio, Decimal(0))), ratio

    def _negative(self, t: Decimal, a: Decimal, w: Decimal) -> tuple[Decimal, Decimal | None]:
        if a <= t:
            return w, (t / a if a > 0 else None)
        if t <= 0:
            return Decimal(0), None
        if self.rules.reverse_formula == "ratio":
            return w * t / a, t / a
        if a >= 2 * t:
            return Decimal(0), t / a
        return w * (_ONE - (a - t) / t), t / a

    def _declared(self, ind: Indicator, result: IndicatorResult) -> None:
        declared = ind.declared_score
        if declared is None or result.score is None:
            return
        if declared > ind.weight:
            self._finding(
                result.findings,
                ind,
                "SCORE_ABOVE_WEIGHT",
                f"“{ind.name}”填报得分{_fmt(declared)}分，超过该指标分值{_fmt(ind.weight)}分。",
                ERROR,
            )
        elif result.kind != QUALITATIVE_KIND and declared > result.score:
            self._finding(
                result.findings,
                ind,
                "SCORE_ABOVE_RULE",
                f"“{ind.name}”填报得分{_fmt(declared)}分，按{self._formula(result.kind)}"
                f"应得{_fmt(result.score)}分{self.cite}。",
                ERROR,
            )
        elif result.kind != QUALITATIVE_KIND and declared < result.score:
            self._finding(
                result.findings,
                ind,
                "SCORE_BELOW_RULE",
                f"“{ind.name}”填报得分{_fmt(declared)}分，低于按规则可得的{_fmt(result.score)}分。",
                INFO,
            )

    def _formula(self, kind: str) -> str:
        if kind == NEGATIVE:
            if self.rules.reverse_formula == "ratio":
                return "反向指标计分规则（未超过指标值得满分，超过时得分＝分值×指标值÷实际值）"
            return "反向指标计分规则（未超过指标值得满分，超过时按超出比例扣减，达到指标值两倍得0分）"
        return "正向指标计分规则（达到指标值得满分，未达到时得分＝分值×实际值÷指标值）"

    # ---------------------------------------------------------- evaluation

    def evaluation(self, ev: Evaluation) -> Result:
        rules = self.rules
        findings: list[Finding] = []
        rate, exec_score = self._execution(ev, findings)
        self._weights(ev, findings)
        results = [self.indicator(ind) for ind in ev.indicators]
        for r in results:
            findings.extend(r.findings)
        if not ev.indicators:
            findings.append(Finding("NO_INDICATORS", "没有绩效指标，无法评分。", None, ERROR))

        applicable = [r for r in results if r.indicator.applicable]
        weights_all = sum((r.indicator.weight for r in results), Decimal(0))
        weights_app = sum((r.indicator.weight for r in applicable), Decimal(0))
        scores = sum((r.score or Decimal(0) for r in applicable), Decimal(0))
        factor = None
        if rules.rescale_not_applicable and Decimal(0) < weights_app < weights_all:
            factor = weights_all / weights_app
            indicator_total, indicator_max = self.round(scores * factor), weights_all
        else:
            indicator_total, indicator_max = scores, weights_app
        total = (exec_score or Decimal(0)) + indicator_total
        max_total = (exec_score if exec_score is not None else rules.budget_weight) + indicator_max
        grade = rules.grade(total)
        self._narrative(ev, applicable, findings)
        self._totals(ev, applicable, exec_score, total, max_total, grade, findings)
        return Result(
            rule_set=rules.name,
            execution_rate=rate,
            execution_score=exec_score,
            indicators=results,
            total=total,
            max_total=max_total,
            declared_total=ev.declared_total,
            grade=grade,
            findings=findings,
            declared_execution_score=ev.declared_execution_score,
            rescale_factor=factor,
        )

    def _execution(self, ev: Evaluation, findings: list[Finding]) -> tuple[Decimal | None, Decimal | None]:
        rules = self.rules
        bw = rules.budget_weight
        if ev.budget_adjusted is None or ev.budget_adjusted <= 0:
            findings.append(
                Finding("BUDGET_MISSING", "全年预算数未填写或为0，无法计算预算执行率。", None, ERROR)
            )
            return None, None
        if ev.budget_executed is None:
            findings.append(
                Finding(
                    "EXECUTION_MISSING", "全年执行数未填写，无法计算预算执行率和执行率得分。", None, ERROR
                )
            )
            return None, None
        raw = ev.budget_executed / ev.budget_adjusted
        rate = self.round(raw * _HUNDRED)
        score = self.round(min(raw, _ONE) * bw)
        rule = f"“执行率得分＝执行率×{_fmt(bw)}分，最高{_fmt(bw)}分”{self.cite}"
        if raw > _ONE:
            findings.append(
                Finding(
                    "EXECUTION_ABOVE_BUDGET",
                    f"全年执行数超过全年预算数，预算执行率{_fmt(rate)}%，执行率得分按100%计，即{rule}。",
                )
            )
        if raw < rules.execution_reason_below and not ev.execution_reason.strip():
            findings.append(
                Finding(
                    "EXECUTION_LOW_NO_REASON",
                    f"预算执行率{_fmt(rate)}%，低于{_pct(rules.execution_reason_below)}，但未说明原因及改进措施"
                    f"（全年预算数{format_money(ev.budget_adjusted)}元，全年执行数{format_money(ev.budget_executed)}元）。",
                )
            )
        declared = ev.declared_execution_score
        if declared is not None and declared > score:
            findings.append(
                Finding(
                    "EXECUTION_SCORE_ABOVE_RULE",
                    f"执行率得分填报{_fmt(declared)}分，但预算执行率为{_fmt(rate)}%，按{rule}"
                    f"应得{_fmt(score)}分。",
                    None,
                    ERROR,
                )
            )
        elif declared is not None and declared < score:
            findings.append(
                Finding(
                    "EXECUTION_SCORE_BELOW_RULE",
                    f"执行率得分填报{_fmt(declared)}分，低于按规则可得的{_fmt(score)}分。",
                    None,
                    INFO,
                )
            )
        return rate, score

    def _weights(self, ev: Evaluation, findings: list[Finding]) -> None:
        rules = self.rules
        sums: dict[str, Decimal] = {key: Decimal(0) for key in rules.level1_weights}
        for ind in ev.indicators:
            key = rules.level1_key(ind.level1)
            if key is None:
                findings.append(
                    Finding(
                        "LEVEL1_UNKNOWN",
                        f"“{ind.name}”的一级指标“{ind.level1}”不是{'、'.join(rules.level1_weights)}"
                        f"之一{self.cite}。",
                        ind.name,
                        WARNING,
                        ind.row,
                    )
                )
            else:
                sums[key] += ind.weight
        if not ev.indicators:
            return
        for key, expected in rules.level1_weights.items():
            if sums[key] == expected:
                continue
            if sums[key] == 0:
                message = f"未设置{key}指标，{rules.source_short}规定{key}指标占{_fmt(expected)}分。"
            else:
                message = (
                    f"{key}指标分值合计{_fmt(sums[key])}分，{rules.source_short}规定为{_fmt(expected)}分。"
                )
            findings.append(Finding("WEIGHT_LEVEL1", message))
        total = rules.budget_weight + sum((ind.weight for ind in ev.indicators), Decimal(0))
        if total != _HUNDRED:
            findings.append(
                Finding(
                    "WEIGHT_TOTAL",
                    f"预算执行率{_fmt(rules.budget_weight)}分与各项指标分值合计为{_fmt(total)}分，"
                    f"不等于100分{self.cite}。",
                    None,
                    ERROR,
                )
            )

    def _narrative(self, ev: Evaluation, applicable: list[IndicatorResult], findings: list[Finding]) -> None:
        claim = next((c for c in CLAIMS_OF_COMPLETION if c in ev.narrative), None)
        if not claim:
            return
        short = [
            r.name
            for r in applicable
            if r.score is not None
            and r.score < r.indicator.weight
            and (r.kind != QUALITATIVE_KIND or (r.band_range and r.band_range[1] < r.indicator.weight))
        ]
        if short:
            findings.append(
                Finding(
                    "NARRATIVE_OVERSTATES", f"报告称“{claim}”，但以下指标未达到指标值：{'、'.join(short)}。"
                )
            )

    def _totals(
        self,
        ev: Evaluation,
        applicable: list[IndicatorResult],
        exec_score: Decimal | None,
        total: Decimal,
        max_total: Decimal,
        grade: str,
        findings: list[Finding],
    ) -> None:
        declared = ev.declared_total
        if declared is None:
            return
        if declared > max_total:
            findings.append(
                Finding(
                    "TOTAL_ABOVE_MAX",
                    f"自评总分{_fmt(declared)}分，超过按规则可得的最高分{_fmt(max_total)}分：预算执行率"
                    f"{_fmt(self._rate(ev))}%，执行率得分最多{_fmt(exec_score)}分（执行率得分＝执行率×"
                    f"{_fmt(self.rules.budget_weight)}分，{self.rules.source_short}），"
                    f"其余指标分值合计{_fmt(max_total - (exec_score or 0))}分。"
                    f"按规则核算总分为{_fmt(total)}分（{grade}）。",
                    None,
                    ERROR,
                )
            )
        elif declared != total:
            findings.append(
                Finding(
                    "TOTAL_MISMATCH",
                    f"自评总分{_fmt(declared)}分，与按规则核算的{_fmt(total)}分不一致。",
                    None,
                    WARNING if declared > total else INFO,
                )
            )
        parts = [r.indicator.declared_score for r in applicable]
        if ev.declared_execution_score is not None and parts and all(p is not None for p in parts):
            summed = ev.declared_execution_score + sum((p for p in parts if p is not None), Decimal(0))
            if summed != declared:
                findings.append(
                    Finding(
                        "DECLARED_SUM_MISMATCH",
                        f"各项填报得分合计{_fmt(summed)}分（含执行率得分"
                        f"{_fmt(ev.declared_execution_score)}分），与填报的自评总分{_fmt(declared)}分不一致。",
                    )
                )

    def _rate(self, ev: Evaluation) -> Decimal | None:
        if ev.budget_adjusted and ev.budget_executed is not None:
            return self.round(ev.budget_executed / ev.budget_adjusted * _HUNDRED)
        return None


def score_evaluation(evaluation: Evaluation, rules: RuleSet | str | None = None) -> Result:
    """Score an evaluation by `rules` (a RuleSet, a rule-set name, or None for the default)."""
    rule_set = rules if isinstance(rules, RuleSet) else load_rule_set(rules or "cz2020")
    return _Scorer(rule_set).evaluation(evaluation)


def score_indicator(indicator: Indicator, rules: RuleSet | str | None = None) -> IndicatorResult:
    rule_set = rules if isinstance(rules, RuleSet) else load_rule_set(rules or "cz2020")
    return _Scorer(rule_set).indicator(indicator)
