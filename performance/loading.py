"""Reading a 自评 from a file (xlsx in the standard layout, or the JSON form) for the CLI."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from performance.engine.inputs import InputError, Problem, evaluation_from_json
from performance.engine.model import Evaluation
from performance.standard_table import MAX_BYTES, TableMeta, read_table

NARRATIVE_KEYS = (
    "background",
    "completion",
    "input",
    "process",
    "target_setting",
    "performance",
    "practices",
    "problems",
    "conclusion",
)


@dataclass
class Loaded:
    evaluation: Evaluation
    narrative: dict[str, str] = field(default_factory=dict)
    meta: TableMeta = field(default_factory=TableMeta)


def load_bytes(data: bytes, name: str) -> Loaded:
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        evaluation, meta = read_table(data)
        return Loaded(evaluation, meta=meta)
    if suffix == ".json":
        try:
            payload = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            line = getattr(exc, "lineno", None)
            raise InputError([Problem(f"JSON 无法解析：{exc}", "", line)], "文件不是合法的 JSON：") from None
        evaluation = evaluation_from_json(payload)
        raw = payload.get("narrative") if isinstance(payload, dict) else None
        narrative = (
            {k: str(v) for k, v in raw.items() if k in NARRATIVE_KEYS and isinstance(v, str)}
            if isinstance(raw, dict)
            else {}
        )
        meta = TableMeta(implementing_unit=str(payload.get("implementing_unit") or ""))
        return Loaded(evaluation, narrative, meta)
    raise InputError([], f"不支持的文件类型“{suffix or name}”，请提供 .xlsx 自评表或 .json 文件。")


def load_path(path: str) -> Loaded:
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError:
        raise InputError([], f"找不到文件：{path}") from None
    if not p.is_file():
        raise InputError([], f"不是文件：{path}")
    if size > MAX_BYTES:
        raise InputError(
            [], f"文件过大（{size / 1024 / 1024:.1f} MB），不应超过 {MAX_BYTES // 1024 // 1024} MB。"
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError([], f"无法读取文件 {path}：{exc.strerror}") from None
    return load_bytes(data, p.name)
