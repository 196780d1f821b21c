"""评分标准 text → rules: the phrases offices use, read as the office means them.

A cell is cut into sentences (at "；", "。", line breaks and item numbers);
in each sentence the scoring phrases are found in order ("每发现一处扣0.5分",
"累计扣分不超过1.2分", "视情况扣1-3分", "评为优秀的得5分", "一票否决" …). A
phrase that scores starts a rule, whose text runs from the end of the previous
one; a cap ("最多扣2分", "累计加分不超过3分") or "扣完为止" qualifies the rule
before it (or, standing alone, every earlier rule of its kind in the cell). A
sentence that talks of points but holds no phrase understood is returned as
unparsed, never guessed. Pure Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from assessments.framework_import.model import ParsedRule, TableKind

NUM = r"(\d+(?:\.\d+)?|[零一二两三四五六七八九十半]+)"
_SCOPE = r"(?:累计|合计|共计?|总计|本项|此项|该项|本指标|该指标)?"
_PATTERNS: list[tuple[str, str]] = [
    (
        "cap_bonus",
        rf"{_SCOPE}(?:最多|最高|至多)可?加分?{NUM}分|{_SCOPE}加分(?:累计|合计|总分)?(?:最多|最高|至多|不超过|不得超过|上限为?|以){NUM}分(?:为限)?|{_SCOPE}加满{NUM}分为止",
    ),
    (
        "cap_deduct",
        rf"{_SCOPE}(?:最多|最高|至多)可?扣(?:除|分)?{NUM}分|{_SCOPE}扣分?(?:总分|累计)?(?:最多|最高|至多|不超过|不得超过|上限为?|以){NUM}分(?:为限)?|{_SCOPE}扣满{NUM}分为止",
    ),
    ("cap_any", rf"(?:累计|合计|共计?|总计)(?:不超过|不得超过|最多|最高){NUM}分|以{NUM}分为限"),
    ("floor", r"(?:本项|该项|此项)?(?:分值)?扣完为止|扣至[0零]分为止|扣完(?:该项|本项)?(?:全部)?分值为止"),
    (
        TableKind.DISCRETIONARY,
        rf"(?:酌情|视情况?|视情节|视具体情况|根据情况|视其情况)(?:予以)?(?:扣|减)(?:除|分)?(?:{NUM}\s*(?:分?[-~～〜至到—–]+)\s*{NUM}分|{NUM}分)?",
    ),
    (
        "zero",
        r"(?:该项|本项|此项|该指标|本指标|此指标)?(?:不得分|(?:记|计|得)[0零]分|扣(?:除)?(?:该项|本项|此项)?全部分(?:值|数))",
    ),
    (
        TableKind.VETO,
        r"一票否决|实行否决|(?:年度)?(?:考核|考评|评定|评价)(?:结果)?(?:为|定为|确定为|直接定为|评为)?不合格(?:等次)?|(?:直接)?(?:定为|评为|确定为)不合格(?:等次)?|当年目标未完成",
    ),
    (
        "full_all",
        rf"(?:全部|均|全|都)(?:达到要求|符合要求|合格|完成|达标)(?:的|者)?,?(?:得|记|计|给予?){NUM}分",
    ),
    (
        TableKind.GRADE,
        rf"(?:评为|评定为|被评为|考评为|考核为|等次为|结果为)?(?:优秀|良好|较好|基本合格|合格|一般|较差|差|好|中等|中|不合格)(?:等次|等级|档次|档)?(?:的|者)?,?(?:得|记|计|给予?){NUM}分",
    ),
    (TableKind.BONUS, rf"(?:每[^,;:。扣加]{{0,20}}?)?可?加{NUM}分|(?:给予|予以)加分"),
    (TableKind.DEDUCT, rf"(?:每[^,;:。扣加]{{0,20}}?)?(?:扣|减)(?:除|减)?{NUM}分|(?:予以)?扣分"),
    (TableKind.FULL, rf"(?:得|记|计|给予?)满分|得全额分|得全部分值|(?:得|记|计|给予?){NUM}分"),
]
_COMPILED = [(kind, re.compile(pattern)) for kind, pattern in _PATTERNS]
_SENTENCE_END = re.compile(r"[;；。\n]+|\s+(?=(?:\d{1,2}[.、](?!\d)|\(\d{1,2}\)|[①-⑳]))")
_NUMBERING = re.compile(
    r"^\s*(?:\d{1,2}(?:\.\d{1,2})*[.、](?!\d)|\(\d{1,2}\)|[①-⑳]|[一二三四五六七八九十]+、)\s*"
)
_SCORE_WORDS = re.compile(r"分|扣|加|否决")
_PUNCT = " ,，、:：;；。\t"
_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_STOPS_CONDITION = "的者或、"


def fold(text: str) -> str:
    """Full-width letters, digits and punctuation as ASCII, one character for one
    (so positions in the folded text are positions in the original)."""
    return "".join(
        chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else (" " if ch == "\u3000" else ch)
        for ch in text
    )


def to_number(text: str | None) -> Decimal | None:
    """ "0.5" → 0.5, "两" → 2, "十二" → 12, "半" → 0.5; None for anything else."""
    if not text:
        return None
    if text[0].isdigit():
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    if text == "半":
        return Decimal("0.5")
    if "十" in text:
        tens, _, ones = text.partition("十")
        if (tens and tens not in _DIGITS) or (ones and ones not in _DIGITS):
            return None
        return Decimal((_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0))
    return Decimal(_DIGITS[text]) if text in _DIGITS else None


@dataclass
class _Event:
    kind: str
    start: int
    end: int
    numbers: list[Decimal]


@dataclass
class CellRules:
    """What one 评分标准 cell says."""

    rules: list[ParsedRule] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)
    floor: bool = False  # "扣完为止" stated
    description: list[str] = field(default_factory=list)


def _events(folded: str) -> list[_Event]:
    found: list[tuple[int, int, int, re.Match[str]]] = []
    for priority, (_, pattern) in enumerate(_COMPILED):
        for match in pattern.finditer(folded):
            if match.end() > match.start():
                found.append((match.start(), priority, -match.end(), match))
    found.sort(key=lambda f: (f[0], f[1], f[2]))
    events: list[_Event] = []
    taken_to = 0
    for start, priority, _, match in found:
        if start < taken_to:
            continue
        kind = _COMPILED[priority][0]
        if kind == TableKind.VETO and folded[match.end() : match.end() + 1] in tuple(_STOPS_CONDITION):
            continue  # "评为不合格的，扣2分": a condition, not the result
        numbers = [n for n in (to_number(g) for g in match.groups()) if n is not None]
        events.append(_Event(kind, start, match.end(), numbers))
        taken_to = match.end()
    return events


def sentences(text: str) -> list[str]:
    out = []
    for part in _SENTENCE_END.split(text):
        part = _NUMBERING.sub("", part).strip(_PUNCT)
        if part:
            out.append(part)
    return out


# "缺一项扣0.5分", "发现一处扣1分", "少报一次扣2分": a deduction for each such case, as "每…" says
_ONE_EACH = re.compile(
    r"[缺少漏错差欠未]\S{0,3}一(?:项|处|次|例|件|个|宗|人次|人|份|篇|条|家)|(?:发现|出现)一(?:项|处|次|例|件|个|宗|起)"
)


def _new_rule(event: _Event, text: str, *, source: str) -> ParsedRule:
    kind = event.kind
    first = event.numbers[0] if event.numbers else None
    rule = ParsedRule(text=text, kind=TableKind.FULL, source=source)
    if kind in (TableKind.FULL, "full_all"):
        rule.points_each = first
    elif kind == TableKind.GRADE:
        rule.kind, rule.points_each = TableKind.GRADE, first
    elif kind in (TableKind.BONUS, TableKind.DEDUCT):
        rule.kind, rule.points_each = kind, first
        rule.per_occurrence = "每" in text or bool(_ONE_EACH.search(text))
    elif kind == "zero":
        rule.kind, rule.whole = TableKind.DEDUCT, True
    elif kind == TableKind.VETO:
        rule.kind = TableKind.VETO
        rule.veto_result = (
            "当年目标未完成" if "当年目标未完成" in text else ("不合格" if "不合格" in text else "")
        )
    elif kind == TableKind.DISCRETIONARY:
        rule.kind = TableKind.DISCRETIONARY
        if len(event.numbers) >= 2:
            rule.points_each, rule.cap = min(event.numbers[:2]), max(event.numbers[:2])
            rule.min_points = rule.points_each
        elif first is not None:
            rule.cap = first
    return rule


_CAP_TARGETS: dict[str, tuple[str, ...] | None] = {
    "cap_bonus": (TableKind.BONUS,),
    "cap_deduct": (TableKind.DEDUCT, TableKind.DISCRETIONARY),
    "cap_any": None,
}


def _apply_cap(event: _Event, candidates: list[ParsedRule]) -> ParsedRule | None:
    """Set the cap on the latest rule of the right kind; None when there is none."""
    kinds = _CAP_TARGETS[event.kind]
    for rule in reversed(candidates):
        if kinds is None or rule.kind in kinds:
            if event.numbers:
                rule.cap = event.numbers[0]
            return rule
    return None


def _clean(text: str) -> str:
    return _NUMBERING.sub("", text).strip(_PUNCT)


def parse_rules(text: str, *, source: str = "") -> CellRules:
    """The rules of one 评分标准 cell, in order."""
    result = CellRules()
    for sentence in sentences(text):
        _parse_sentence(sentence, result, source)
    return result


def _parse_sentence(sentence: str, result: CellRules, source: str) -> None:
    folded = fold(sentence)
    events = _events(folded)
    if not events:
        (result.unparsed if _SCORE_WORDS.search(folded) else result.description).append(sentence)
        return
    group = folded.startswith(("以上", "上述", "以上各项", "上述各项"))
    own: list[ParsedRule] = []
    last_end = 0
    for event in events:
        if event.kind == "floor":
            result.floor = True
            continue
        if event.kind.startswith("cap_"):
            target = _apply_cap(event, own)
            if target is not None:
                target.text = _clean(target.text + sentence[last_end : event.end])
                last_end = event.end
            elif not _apply_cap_to_earlier(event, result.rules):
                rule = _standalone_cap(event, _clean(sentence[last_end : event.end]), source)
                own.append(rule)
                last_end = event.end
            continue
        rule = _new_rule(event, _clean(sentence[last_end : event.end]), source=source)
        rule.scope = "group" if group else "indicator"
        own.append(rule)
        last_end = event.end
    tail = _clean(sentence[last_end:])
    if own and tail:
        own[-1].text = _clean(f"{own[-1].text}{sentence[last_end:]}")
    elif tail and not own and not result.rules:
        result.description.append(sentence)
    result.rules.extend(own)


def _apply_cap_to_earlier(event: _Event, rules: list[ParsedRule]) -> bool:
    """A cap standing alone ("累计扣分不超过3分。") bounds every earlier rule of
    its kind; False when there is none."""
    kinds = _CAP_TARGETS[event.kind]
    matching = [rule for rule in rules if kinds is None or rule.kind in kinds]
    for rule in matching:
        if rule.cap is None and event.numbers:
            rule.cap = event.numbers[0]
    return bool(matching)


def _standalone_cap(event: _Event, text: str, source: str) -> ParsedRule:
    """ "未按要求报送的，最多扣2分" with no rule before it: up to the cap, as the
    assessor judges (酌情扣分 0–2); "最多加3分" alone: a 加分 of unstated points."""
    cap = event.numbers[0] if event.numbers else None
    if event.kind == "cap_bonus":
        return ParsedRule(text=text, kind=TableKind.BONUS, cap=cap, source=source)
    return ParsedRule(text=text, kind=TableKind.DISCRETIONARY, cap=cap, source=source)
