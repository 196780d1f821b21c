"""Expected score of the province's assessment (预计得分), pure Python.

An indicator is split into tasks, one per responsible municipal unit. Each task
carries an expected score for the indicator as seen from that unit's part of the
work: the office's reviewed score if there is one, else the unit's own estimate,
else 0 (nothing to show yet means nothing can be counted on). Every task score
is clamped to [0, 分值].

The parts lose points independently (the province's 评分标准 are deduction
items), so the indicator's expected loss is the sum of its tasks' losses:

    indicator expected = max(0, 分值 − Σ (分值 − task expected))

An indicator without any task expects 0. With a single task it is that task's
score. The framework's expected total is the sum over indicators, so it never
exceeds the sum of 分值 and is never negative.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class TaskScore:
    reviewed: Decimal | None = None
    estimate: Decimal | None = None


def clamp(value: Decimal, maximum: Decimal) -> Decimal:
    return min(max(value, ZERO), max(maximum, ZERO))


def task_expected(task: TaskScore, max_score: Decimal) -> Decimal:
    """The reviewed score, else the unit's estimate, else 0; within [0, 分值]."""
    value = task.reviewed if task.reviewed is not None else task.estimate
    return clamp(value if value is not None else ZERO, max_score)


def indicator_expected(max_score: Decimal, tasks: Sequence[TaskScore]) -> Decimal:
    if not tasks or max_score <= ZERO:
        return ZERO
    loss = sum((max_score - task_expected(t, max_score) for t in tasks), ZERO)
    return clamp(max_score - loss, max_score).quantize(CENT)


def framework_expected(indicators: Iterable[tuple[Decimal, Sequence[TaskScore]]]) -> Decimal:
    return sum((indicator_expected(m, tasks) for m, tasks in indicators), ZERO).quantize(CENT)
