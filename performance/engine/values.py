"""Reading 指标值 and 实际完成值 as people write them in the 自评表.

"≥12人", "≥１２人", "＞＝12人", "不少于12人", "12人以上" → (>=, 12, 人);
"≤30天", "30天以内" → (<=, 30, 天); "100%" → (=, 100, %); "7个县（市、区）" →
(=, 7, 个县(市、区)); "有提高", "保持上年度考评等次" → 定性 (no number).
Full-width characters are folded with NFKC first, so "１００％" reads as "100%".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

GE, LE, GT, LT, EQ, QUALITATIVE = ">=", "<=", ">", "<", "=", "qualitative"
OPERATORS = (GE, LE, GT, LT, EQ, QUALITATIVE)
OP_SYMBOLS = {GE: "≥", LE: "≤", GT: ">", LT: "<", EQ: "", QUALITATIVE: ""}

_PREFIX_OPS = [
    (GE, (">=", "=>", "≥", "≧", "⩾", "不低于", "不少于", "不小于", "大于或等于", "大于等于", "至少")),
    (
        LE,
        (
            "<=",
            "=<",
            "≤",
            "≦",
            "⩽",
            "不高于",
            "不超过",
            "不多于",
            "不大于",
            "小于或等于",
            "小于等于",
            "最多",
            "控制在",
        ),
    ),
    (GT, (">", "大于", "高于", "超过", "多于")),
    (LT, ("<", "小于", "低于", "少于")),
    (EQ, ("=", "等于")),
]
_SUFFIX_OPS = [(GE, ("及以上", "以上")), (LE, ("及以下", "以下", "以内"))]
# Words that may stand before the number without changing its meaning: "达到100%", "完成7个".
_NEUTRAL_PREFIXES = ("达到", "达", "实现", "完成", "约", "共", "计")

_PREFIX_RE = re.compile(
    "^(?P<op>"
    + "|".join(re.escape(w) for _, words in _PREFIX_OPS for w in sorted(words, key=len, reverse=True))
    + ")?"
    "(?P<neutral>" + "|".join(_NEUTRAL_PREFIXES) + ")?"
    r"(?P<num>[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?P<rest>.*)$"
)
_OP_WORD = re.compile(
    "|".join(re.escape(w) for _, words in _PREFIX_OPS[:-1] for w in words if not w.isalpha())
)


_CJK = re.compile("[\u4e00-\u9fff]")


def normalize(text: str) -> str:
    """Fold full-width forms and drop all whitespace: "＞＝ １２ 人" → ">=12人"."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _op_for(word: str | None) -> str | None:
    if not word:
        return None
    for op, words in _PREFIX_OPS:
        if word in words:
            return op
    return None


def to_decimal(value: object) -> Decimal | None:
    """A number from a cell or a JSON value: 12, 12.5, "12", "１２", "698,000", "698,000元"; else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or abs(value) == float("inf"):
            return None
        return Decimal(int(value)) if value.is_integer() else Decimal(repr(value))
    text = normalize(str(value))
    text = re.sub(r"(万元|元)$", "", text)
    if not re.fullmatch(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+", text):
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class Value:
    """A parsed 指标值 or 实际完成值."""

    op: str  # one of OPERATORS; EQ when no operator was written
    number: Decimal | None  # None for 定性
    unit: str
    text: str  # as written
    op_written: bool = False  # an operator appeared in the text

    @property
    def is_qualitative(self) -> bool:
        return self.number is None

    def display(self) -> str:
        if self.number is None:
            return self.text
        return f"{OP_SYMBOLS[self.op]}{format_number(self.number)}{self.unit}"


def parse_value(raw: object) -> Value:
    """Parse a 指标值/实际完成值 as written; numbers pass through as (=, n, "")."""
    if raw is None:
        return Value(QUALITATIVE, None, "", "")
    number = to_decimal(raw) if not isinstance(raw, str) else None
    if number is not None:
        return Value(EQ, number, "", format_number(number))
    text = str(raw).strip()
    folded = normalize(text)
    match = _PREFIX_RE.match(folded)
    if not match:
        return Value(QUALITATIVE, None, "", text, op_written=bool(_OP_WORD.search(folded)))
    op = _op_for(match.group("op"))
    unit = match.group("rest")
    for suffix_op, suffixes in _SUFFIX_OPS:
        for suffix in suffixes:
            if unit.endswith(suffix):
                unit = unit[: -len(suffix)]
                op = op or suffix_op
                break
    number = Decimal(match.group("num").replace(",", ""))
    if _CJK.search(
        unit
    ):  # NFKC turned "县（市、区）" into "县(市、区)": give Chinese text its own brackets back
        unit = unit.replace("(", "（").replace(")", "）")
    return Value(op or EQ, number, unit, text, op_written=op is not None)


def format_number(value: Decimal | int | float | None, *, places: int | None = None) -> str:
    """97 → "97", 95.010 → "95.01", 0.5 → "0.5" (no trailing zeros, no exponent)."""
    if value is None:
        return ""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places))
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_money(value: Decimal | None) -> str:
    """698000 → "698,000"; 349845.5 → "349,845.50"."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def units_compatible(target_unit: str, actual_unit: str) -> bool:
    """ "个县(市、区)" and "个" agree; "人" and "%" do not. An empty unit agrees with anything."""
    a, b = normalize(target_unit), normalize(actual_unit)
    return not a or not b or a.startswith(b) or b.startswith(a)
