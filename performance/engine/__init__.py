"""项目支出绩效自评 engine: rule sets as data, 指标值 parsing, scoring and findings.

Pure Python (no Django import) so the CLI, the web views, the API and the
benchmarks all score the same way, and the tests run in milliseconds.
"""

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
from performance.engine.rules import (
    DEFAULT_RULE_SET,
    RuleSet,
    RuleSetError,
    available_rule_sets,
    load_rule_set,
)
from performance.engine.scoring import score_evaluation, score_indicator
from performance.engine.values import Value, parse_value

__all__ = [
    "DEFAULT_RULE_SET",
    "ERROR",
    "INFO",
    "WARNING",
    "Evaluation",
    "Finding",
    "Indicator",
    "IndicatorResult",
    "Result",
    "RuleSet",
    "RuleSetError",
    "Value",
    "available_rule_sets",
    "load_rule_set",
    "parse_value",
    "score_evaluation",
    "score_indicator",
]
