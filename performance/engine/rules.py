"""Rule sets are data: one JSON file each under `rulesets/`, naming its source.

A province or a year with its own 填报说明 gets its own file; `"extends"` copies
another rule set and overrides only what differs. A rule set is chosen by its
name from the installed files only: no name from a request, a form, the API or
the command line ever becomes a path (so "../../etc/passwd" or "/tmp/x.json"
is just an unknown name), and messages never quote a file's contents.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

RULESETS_DIR = Path(__file__).with_name("rulesets")
DEFAULT_RULE_SET = "cz2020"
REVERSE_FORMULAS = ("linear", "ratio")


class RuleSetError(ValueError):
    pass


@dataclass(frozen=True)
class Band:
    name: str
    min: Decimal  # share of the weight
    max: Decimal
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class RuleSet:
    name: str
    title: str
    source: str
    source_short: str
    budget_weight: Decimal
    level1_weights: dict[str, Decimal]
    decimals: int
    reverse_formula: str
    bands: tuple[Band, ...]
    execution_reason_below: Decimal
    high_ratio: Decimal
    rescale_not_applicable: bool
    grades: tuple[tuple[Decimal, str], ...]
    notes: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def grade(self, total: Decimal | None) -> str:
        if total is None:
            return ""
        for minimum, name in self.grades:
            if total >= minimum:
                return name
        return self.grades[-1][1]

    def level1_key(self, name: str) -> str | None:
        """ "产出指标", "产出", "一、产出指标" → "产出"; unknown → None."""
        from performance.engine.values import normalize

        text = normalize(name).replace("指标", "")
        for key in self.level1_weights:
            if key in text:
                return key
        return None

    def band_for(self, text: str) -> Band | None:
        """The 定性 band a written actual names. The band's own name wins; otherwise
        the worst band whose words appear, so "未达成" is never read as "达成"."""
        from performance.engine.values import normalize

        folded = normalize(text)
        for band in self.bands:
            if normalize(band.name) == folded:
                return band
        for band in sorted(self.bands, key=lambda b: b.min):
            if any(normalize(word) in folded for word in (band.name, *band.keywords)):
                return band
        return None

    def band_named(self, name: str) -> Band | None:
        return next((b for b in self.bands if b.name == name), None)

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "source": self.source, "notes": self.notes}


def _dec(value: Any, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except Exception:
        raise RuleSetError(f"规则集字段 {where} 应为数字：{value!r}") from None


def _from_dict(data: dict[str, Any]) -> RuleSet:
    try:
        reverse = data.get("reverse_formula", "linear")
        if reverse not in REVERSE_FORMULAS:
            raise RuleSetError(f"reverse_formula 只能是 {'、'.join(REVERSE_FORMULAS)}")
        bands = tuple(
            Band(b["name"], _dec(b["min"], "band.min"), _dec(b["max"], "band.max"), tuple(b["keywords"]))
            for b in data["qualitative_bands"]
        )
        grades = tuple(
            sorted(((_dec(g["min"], "grades.min"), g["name"]) for g in data["grades"]), reverse=True)
        )
        return RuleSet(
            name=data["name"],
            title=data["title"],
            source=data["source"],
            source_short=data["source_short"],
            budget_weight=_dec(data["budget_weight"], "budget_weight"),
            level1_weights={k: _dec(v, "level1_weights") for k, v in data["level1_weights"].items()},
            decimals=int(data.get("decimals", 2)),
            reverse_formula=reverse,
            bands=bands,
            execution_reason_below=_dec(data["execution_reason_below"], "execution_reason_below"),
            high_ratio=_dec(data["high_ratio"], "high_ratio"),
            rescale_not_applicable=bool(data.get("rescale_not_applicable", True)),
            grades=grades,
            notes=data.get("notes", ""),
            raw=data,
        )
    except KeyError as exc:
        raise RuleSetError(f"规则集缺少字段 {exc.args[0]}") from None


def _read(name: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """The data of an installed rule set, with what it extends merged in."""
    path = RULESETS_DIR / f"{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise RuleSetError(f"无法读取评分规则 {name}：文件不是合法的 JSON。") from None
    if not isinstance(data, dict):
        raise RuleSetError(f"评分规则 {name} 应为 JSON 对象")
    parent = data.get("extends")
    if parent:
        if not isinstance(parent, str) or parent not in _installed() or parent in (name, *seen):
            raise RuleSetError(f"评分规则 {name} 继承的规则不是已安装的评分规则。")
        base = _read(parent, (*seen, name))
        data = {**base, **{k: v for k, v in data.items() if k != "extends"}}
    return data


def _unknown(name: object) -> RuleSetError:
    shown = str(name)
    shown = shown if len(shown) <= 40 else shown[:40] + "…"
    return RuleSetError(f"未知的评分规则「{shown}」，可选：{'、'.join(available_rule_sets())}")


def load_rule_set(name: str = DEFAULT_RULE_SET) -> RuleSet:
    """An installed rule set by its name ("cz2020"); anything else is unknown."""
    name = name or DEFAULT_RULE_SET
    if not isinstance(name, str) or name not in _installed():
        raise _unknown(name)
    return _load(name)


@lru_cache(maxsize=32)
def _load(name: str) -> RuleSet:
    return _from_dict(_read(name))


@lru_cache(maxsize=1)
def _installed() -> frozenset[str]:
    return frozenset(p.stem for p in RULESETS_DIR.glob("*.json") if p.is_file())


def available_rule_sets() -> list[str]:
    return sorted(_installed())
