"""The verifiable panel draw of the 依法治市咨询专家库 — pure Python, no Django.

Anyone holding the published frozen candidate list, the parameters and the
revealed seed can recompute a panel with this module alone (or re-implement it
from this description) and compare it with the recorded one;
`fazhi experts verify-draw DRAW_ID` does exactly that.

Algorithm ``fazhi-draw-v1``
===========================

1. **Freeze** (`freeze`). From the pool, every expert who must not sit on the
   panel is set aside *with the reason on record*: status 暂停 or 退出, a term of
   appointment not yet started or already ended on the day of the draw, an
   employer or a declared conflict org among the orgs to avoid, a panel seat in
   the last N months, named by the office, or (when asked) no log-in account.
   The others form the **frozen candidate list**: one entry per expert,
   ``{"id": <int>, "name": <str>, "fields": [<field code>, …]}``, sorted by id,
   fields sorted.
2. **Commit** (before the draw). A 32-byte seed is taken from the operating
   system's CSPRNG and kept secret. Published: ``commitment = SHA-256(seed)``
   (hex) and ``list_digest = SHA-256(canonical JSON)`` where the canonical JSON
   is ``{"algorithm", "backups", "candidates", "required_fields", "size"}``
   (keys sorted, no spaces, UTF-8, ``required_fields`` sorted) — the list and
   the parameters cannot change after the commitment.
3. **Rank.** Each candidate gets ``key = HMAC-SHA256(key=seed,
   msg="fazhi-draw-v1:<id>")``; candidates are ordered by key (hex, ascending),
   then by id. Nobody can predict this order without the seed, and the seed is
   fixed by the commitment before anyone sees the order.
4. **Choose the panel.** Walk the ranking; take a candidate when, with it, the
   panel can still be completed to `size` members that together cover every
   required field using only candidates further down the ranking; otherwise
   pass over it. Without required fields this is simply the first `size`
   candidates. With them it is the panel, among all panels of `size` that
   cover the required fields, that is first in ranking order (members compared
   rank by rank). If no such panel exists the draw is refused before any seed
   is used.
5. **Backups.** The next `backups` candidates in ranking order that are not on
   the panel, in that order.
6. **Reveal.** The seed is published; ``SHA-256(seed)`` must equal the
   commitment, and steps 3–5 must give the recorded panel and backups.

When a member later declines (`replacement`), the first backup in order whose
joining keeps every required field covered takes the seat; when none does, the
first backup in order. That is recorded as a change of the panel, not a new draw.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

ALGORITHM = "fazhi-draw-v1"
SEED_BYTES = 32
MAX_REQUIRED_FIELDS = 8

ACTIVE, SUSPENDED, RETIRED = "active", "suspended", "retired"


class DrawRefused(ValueError):
    """The draw cannot be made as asked; `message` says why in Chinese and
    `field` names the parameter at fault ("size", "backups", "required_fields",
    "candidates" or "")."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str = ""
    fields: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "fields": sorted(set(self.fields))}

    @classmethod
    def from_json(cls, data: Any) -> Candidate:
        if not isinstance(data, Mapping):
            raise DrawRefused("候选名单中的一项不是对象。", field="candidates")
        ident, name, fields = data.get("id"), data.get("name", ""), data.get("fields", [])
        if isinstance(ident, bool) or not isinstance(ident, int):
            raise DrawRefused(f"候选名单中的编号“{ident}”不是整数。", field="candidates")
        if not isinstance(name, str) or not isinstance(fields, list):
            raise DrawRefused(f"候选名单中编号 {ident} 的姓名或专业领域格式有误。", field="candidates")
        if not all(isinstance(f, str) for f in fields):
            raise DrawRefused(f"候选名单中编号 {ident} 的专业领域格式有误。", field="candidates")
        return cls(id=ident, name=name, fields=tuple(sorted(set(fields))))


@dataclass(frozen=True)
class Outcome:
    panel: tuple[int, ...]
    backups: tuple[int, ...]

    def to_json(self) -> dict[str, list[int]]:
        return {"panel": list(self.panel), "backups": list(self.backups)}


# ------------------------------------------------------------------ freezing


@dataclass(frozen=True)
class PoolMember:
    """What the freeze needs to know of one expert of the pool."""

    id: int
    name: str
    fields: tuple[str, ...] = ()
    status: str = ACTIVE
    term_start: datetime.date | None = None
    term_end: datetime.date | None = None
    # (org id, description) for the employer and every declared conflict org
    orgs: tuple[tuple[int, str], ...] = ()
    last_drawn_on: datetime.date | None = None
    has_account: bool = True


@dataclass(frozen=True)
class Exclusions:
    on: datetime.date
    org_ids: frozenset[int] = frozenset()
    recent_months: int = 0
    expert_ids: frozenset[int] = frozenset()
    require_account: bool = False


@dataclass(frozen=True)
class Excluded:
    id: int
    name: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "reason": self.reason}


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier (the month's last day when shorter)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def exclusion_reasons(member: PoolMember, rules: Exclusions) -> list[str]:
    reasons: list[str] = []
    if member.status == SUSPENDED:
        reasons.append("状态为暂停")
    elif member.status == RETIRED:
        reasons.append("已退出专家库")
    elif member.status != ACTIVE:
        reasons.append("状态不明")
    if member.term_start and member.term_start > rules.on:
        reasons.append(f"聘期尚未开始（{member.term_start:%Y-%m-%d} 起）")
    if member.term_end and member.term_end < rules.on:
        reasons.append(f"聘期已届满（至 {member.term_end:%Y-%m-%d}）")
    conflicts = [why for org_id, why in member.orgs if org_id in rules.org_ids]
    if conflicts:
        reasons.append("需回避：" + "、".join(dict.fromkeys(conflicts)))
    if rules.recent_months > 0 and member.last_drawn_on:
        since = months_before(rules.on, rules.recent_months)
        if member.last_drawn_on > since:
            reasons.append(f"近 {rules.recent_months} 个月内已被抽中（{member.last_drawn_on:%Y-%m-%d}）")
    if member.id in rules.expert_ids:
        reasons.append("依法治市办指定回避")
    if rules.require_account and not member.has_account:
        reasons.append("未开通登录账号")
    return reasons


def freeze(pool: Iterable[PoolMember], rules: Exclusions) -> tuple[list[Candidate], list[Excluded]]:
    """Split the pool into the frozen candidate list and the excluded, both sorted by id."""
    candidates: list[Candidate] = []
    excluded: list[Excluded] = []
    for member in sorted(pool, key=lambda m: m.id):
        reasons = exclusion_reasons(member, rules)
        if reasons:
            excluded.append(Excluded(member.id, member.name, "；".join(reasons)))
        else:
            candidates.append(Candidate(member.id, member.name, tuple(sorted(set(member.fields)))))
    return candidates, excluded


# ------------------------------------------------------------ commit, digest


def new_seed() -> bytes:
    return secrets.token_bytes(SEED_BYTES)


def commitment(seed: bytes) -> str:
    return hashlib.sha256(seed).hexdigest()


def canonical_list(candidates: Iterable[Candidate]) -> list[Candidate]:
    ordered = sorted(candidates, key=lambda c: c.id)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.id == b.id:
            raise DrawRefused(f"候选名单中编号 {a.id} 出现了两次。", field="candidates")
    return [Candidate(c.id, c.name, tuple(sorted(set(c.fields)))) for c in ordered]


def canonical_json(
    candidates: Iterable[Candidate], *, size: int, required_fields: Iterable[str], backups: int
) -> bytes:
    document = {
        "algorithm": ALGORITHM,
        "backups": backups,
        "candidates": [c.to_json() for c in canonical_list(candidates)],
        "required_fields": sorted(set(required_fields)),
        "size": size,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def list_digest(
    candidates: Iterable[Candidate], *, size: int, required_fields: Iterable[str], backups: int
) -> str:
    payload = canonical_json(candidates, size=size, required_fields=required_fields, backups=backups)
    return hashlib.sha256(payload).hexdigest()


# ----------------------------------------------------------------- the draw


def rank_key(seed: bytes, candidate_id: int) -> str:
    return hmac.new(seed, f"{ALGORITHM}:{candidate_id}".encode(), hashlib.sha256).hexdigest()


def ranking(candidates: Iterable[Candidate], seed: bytes) -> list[Candidate]:
    return sorted(canonical_list(candidates), key=lambda c: (rank_key(seed, c.id), c.id))


def _coverable(uncovered: frozenset[str], pool: Sequence[Iterable[str]], slots: int) -> bool:
    """Can at most `slots` members of `pool` together cover `uncovered`?"""
    if not uncovered:
        return True
    if slots <= 0:
        return False
    bit = {name: 1 << i for i, name in enumerate(sorted(uncovered))}
    full = (1 << len(bit)) - 1
    masks = {sum(bit[f] for f in set(fields) if f in bit) for fields in pool} - {0}
    if reduce(lambda a, b: a | b, masks, 0) != full:
        return False
    reach = {0}
    for _ in range(slots):
        reach |= {r | m for r in reach for m in masks}
        if full in reach:
            return True
    return False


def _names(codes: Iterable[str], labels: Mapping[str, str] | None) -> str:
    return "、".join((labels or {}).get(c, c) for c in codes)


def check_parameters(
    candidates: Sequence[Candidate],
    *,
    size: int,
    required_fields: Iterable[str],
    backups: int,
    labels: Mapping[str, str] | None = None,
) -> None:
    """Raise DrawRefused unless a panel can be drawn from `candidates` at all
    (the same check whatever the seed, so it runs before the commitment)."""
    required = sorted(set(required_fields))
    if size < 1:
        raise DrawRefused("专家组人数至少为 1 人。", field="size")
    if backups < 0:
        raise DrawRefused("候补人数不能为负数。", field="backups")
    if len(required) > MAX_REQUIRED_FIELDS:
        raise DrawRefused(f"必需专业领域最多选 {MAX_REQUIRED_FIELDS} 个。", field="required_fields")
    if size > len(candidates):
        raise DrawRefused(
            f"符合条件的候选专家只有 {len(candidates)} 人，不足以抽取 {size} 人。", field="size"
        )
    if size + backups > len(candidates):
        raise DrawRefused(
            f"符合条件的候选专家只有 {len(candidates)} 人，抽取 {size} 人后最多还能设 "
            f"{len(candidates) - size} 名候补。",
            field="backups",
        )
    missing = [f for f in required if not any(f in c.fields for c in candidates)]
    if missing:
        raise DrawRefused(
            f"候选专家中没有人具备以下必需专业领域：{_names(missing, labels)}。", field="required_fields"
        )
    if not _coverable(frozenset(required), [c.fields for c in candidates], size):
        raise DrawRefused(
            f"{size} 人的专家组无法覆盖全部必需专业领域（{_names(required, labels)}），"
            "请增加人数或减少必需领域。",
            field="required_fields",
        )


def draw(
    candidates: Iterable[Candidate],
    *,
    size: int,
    required_fields: Iterable[str] = (),
    backups: int = 0,
    seed: bytes,
    labels: Mapping[str, str] | None = None,
) -> Outcome:
    """The panel and the ordered backups (steps 3–5 of the module docstring)."""
    ordered = canonical_list(candidates)
    required = frozenset(required_fields)
    check_parameters(ordered, size=size, required_fields=required, backups=backups, labels=labels)
    ranked = ranking(ordered, seed)
    chosen: list[Candidate] = []
    uncovered = required
    for index, candidate in enumerate(ranked):
        if len(chosen) == size:
            break
        rest = ranked[index + 1 :]
        slots_after = size - len(chosen) - 1
        left = uncovered - set(candidate.fields)
        if len(rest) >= slots_after and _coverable(left, [c.fields for c in rest], slots_after):
            chosen.append(candidate)
            uncovered = left
    taken = {c.id for c in chosen}
    standby = [c.id for c in ranked if c.id not in taken][:backups]
    return Outcome(panel=tuple(c.id for c in chosen), backups=tuple(standby))


def replacement(
    *,
    panel: Sequence[Candidate],
    leaving: int,
    standby: Sequence[Candidate],
    required_fields: Iterable[str] = (),
) -> Candidate | None:
    """Who takes the seat of `leaving`: the first of `standby` (in backup order)
    that keeps every required field covered, else the first of `standby`."""
    if not standby:
        return None
    staying = [c for c in panel if c.id != leaving]
    covered = {f for c in staying for f in c.fields}
    needed = set(required_fields) - covered
    for candidate in standby:
        if needed <= set(candidate.fields):
            return candidate
    return standby[0]


# ------------------------------------------------------------- verification


@dataclass
class Verification:
    outcome: Outcome | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _ids(values: Any) -> tuple[int, ...] | None:
    if not isinstance(values, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    ):
        return None
    return tuple(values)


def verify(
    *,
    candidates: Any,
    size: int,
    required_fields: Sequence[str],
    backups: int,
    seed_hex: str,
    commitment_hex: str,
    digest: str,
    recorded: Any,
    names: Mapping[int, str] | None = None,
) -> Verification:
    """Recompute a draw from what was published and name every difference from
    the record. `recorded` is the stored ``{"panel": [...], "backups": [...]}``."""
    problems: list[str] = []
    try:
        seed = bytes.fromhex(seed_hex)
    except (TypeError, ValueError):
        return Verification(None, ["公布的种子不是十六进制字符串。"])
    if commitment(seed) != commitment_hex:
        problems.append(
            f"种子的 SHA-256 为 {commitment(seed)}，与抽取前公布的承诺值 {commitment_hex} 不一致。"
        )
    if not isinstance(candidates, list):
        return Verification(None, [*problems, "冻结的候选名单不是列表。"])
    try:
        parsed = [Candidate.from_json(c) for c in candidates]
        actual_digest = list_digest(parsed, size=size, required_fields=required_fields, backups=backups)
    except DrawRefused as exc:
        return Verification(None, [*problems, exc.message])
    if actual_digest != digest:
        problems.append(
            f"冻结名单及参数的 SHA-256 为 {actual_digest}，与抽取前公布的摘要 {digest} 不一致（名单或参数被改动）。"
        )
    try:
        outcome = draw(parsed, size=size, required_fields=required_fields, backups=backups, seed=seed)
    except DrawRefused as exc:
        return Verification(None, [*problems, f"按公布的名单和种子无法完成抽取：{exc.message}"])
    label = dict(names or {}) | {c.id: c.name for c in parsed}

    def show(ids: Iterable[int]) -> str:
        return "、".join(f"{label.get(i, '?')}（{i}）" for i in ids) or "无"

    panel = _ids(recorded.get("panel")) if isinstance(recorded, Mapping) else None
    standby = _ids(recorded.get("backups", [])) if isinstance(recorded, Mapping) else None
    if panel is None or standby is None:
        problems.append("记录的抽取结果格式有误。")
        return Verification(outcome, problems)
    if panel != outcome.panel:
        extra = [i for i in panel if i not in outcome.panel]
        lacking = [i for i in outcome.panel if i not in panel]
        detail = (
            f"记录中多出 {show(extra)}，缺少 {show(lacking)}" if extra or lacking else "人员相同但顺序不同"
        )
        problems.append(f"记录的专家组为 {show(panel)}，重算结果为 {show(outcome.panel)}：{detail}。")
    if standby != outcome.backups:
        problems.append(f"记录的候补为 {show(standby)}，重算结果为 {show(outcome.backups)}。")
    return Verification(outcome, problems)
