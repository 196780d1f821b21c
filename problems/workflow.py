"""The problem tracker's state machine, as data (no Django import).

登记 → 交办 → 签收 (or 退回 with a reason, back to the office to 交办 again) →
核查 → 整改 (立行立改: done at once; or a 整改方案 with a deadline, then 整改完成) →
验收 (通过 → 销号; 不通过 → back to 整改). The office (依法治市办) registers,
assigns, accepts, closes and may 撤销 a clue that is unfounded or a duplicate;
the responsible unit signs, returns, verifies and rectifies. 边查边改: a unit may
立行立改 straight after signing, without a separate 核查 step.

`next_state(state, action, role)` is the one rule every writer goes through;
`allowed_actions(state, role)` is what the pages offer. Refusals carry a
Chinese message for the person who tried.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# --------------------------------------------------------------------------- states

REGISTERED: Final = "registered"
ASSIGNED: Final = "assigned"
RETURNED: Final = "returned"
SIGNED: Final = "signed"
VERIFIED: Final = "verified"
RECTIFYING: Final = "rectifying"
RECTIFIED: Final = "rectified"
ACCEPTED: Final = "accepted"
CLOSED: Final = "closed"
DISMISSED: Final = "dismissed"

STATE_LABELS: Final[dict[str, str]] = {
    REGISTERED: "已登记",
    ASSIGNED: "已交办",
    RETURNED: "已退回",
    SIGNED: "已签收",
    VERIFIED: "已核查",
    RECTIFYING: "整改中",
    RECTIFIED: "已整改",
    ACCEPTED: "已验收",
    CLOSED: "已销号",
    DISMISSED: "已撤销",
}
STATES: Final = tuple(STATE_LABELS)
TERMINAL: Final = frozenset({CLOSED, DISMISSED})
OPEN: Final = frozenset(STATES) - TERMINAL
# States in which the deadline runs: past it, the problem is overdue. Once the
# unit has reported it rectified, the clock stops while the office checks.
RUNNING: Final = frozenset({REGISTERED, ASSIGNED, RETURNED, SIGNED, VERIFIED, RECTIFYING})
# States in which the responsible unit is working on it and may ask for more time.
UNIT_WORKING: Final = frozenset({ASSIGNED, SIGNED, VERIFIED, RECTIFYING})

# --------------------------------------------------------------------------- roles

OFFICE: Final = "office"  # 依法治市办
UNIT: Final = "unit"  # 责任单位
ROLE_LABELS: Final = {OFFICE: "市委依法治市办", UNIT: "责任单位"}

# --------------------------------------------------------------------------- actions

ASSIGN: Final = "assign"
SIGN: Final = "sign"
RETURN: Final = "return"
VERIFY: Final = "verify"
PLAN: Final = "plan"
RECTIFY_NOW: Final = "rectify_now"
COMPLETE: Final = "complete"
ACCEPT: Final = "accept"
REJECT: Final = "reject"
CLOSE: Final = "close"
DISMISS: Final = "dismiss"


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    role: str
    sources: frozenset[str]
    target: str
    # what the person must give: a note (reason, findings, result), a deadline, a unit
    needs_note: bool = False
    needs_deadline: bool = False
    needs_org: bool = False
    note_label: str = "说明"


TRANSITIONS: Final[dict[str, Transition]] = {
    t.action: t
    for t in (
        Transition(ASSIGN, "交办", OFFICE, frozenset({REGISTERED, RETURNED}), ASSIGNED, needs_deadline=True,
                   needs_org=True, note_label="交办意见"),
        Transition(SIGN, "签收", UNIT, frozenset({ASSIGNED}), SIGNED),
        Transition(RETURN, "退回", UNIT, frozenset({ASSIGNED}), RETURNED, needs_note=True,
                   note_label="退回理由"),
        Transition(VERIFY, "核查", UNIT, frozenset({SIGNED}), VERIFIED, needs_note=True,
                   note_label="核查情况"),
        Transition(PLAN, "制定整改方案", UNIT, frozenset({VERIFIED}), RECTIFYING, needs_note=True,
                   needs_deadline=True, note_label="整改方案"),
        Transition(RECTIFY_NOW, "立行立改", UNIT, frozenset({SIGNED, VERIFIED}), RECTIFIED, needs_note=True,
                   note_label="整改情况"),
        Transition(COMPLETE, "整改完成", UNIT, frozenset({RECTIFYING}), RECTIFIED, needs_note=True,
                   note_label="整改情况"),
        Transition(ACCEPT, "验收通过", OFFICE, frozenset({RECTIFIED}), ACCEPTED, note_label="验收意见"),
        Transition(REJECT, "验收不通过", OFFICE, frozenset({RECTIFIED}), RECTIFYING, needs_note=True,
                   note_label="验收意见"),
        Transition(CLOSE, "销号", OFFICE, frozenset({ACCEPTED}), CLOSED, note_label="销号说明"),
        Transition(DISMISS, "撤销", OFFICE, frozenset({REGISTERED, RETURNED}), DISMISSED, needs_note=True,
                   note_label="撤销理由"),
    )
}  # fmt: skip
ACTIONS: Final = tuple(TRANSITIONS)


class TransitionRefused(Exception):
    """A transition that may not happen; `kind` is "state" (out of order),
    "role" (not this party's step) or "unknown" (no such action)."""

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


def next_state(state: str, action: str, role: str) -> str:
    """The state after `role` does `action` on a problem in `state`, or TransitionRefused:
    another party's step is refused as such whatever the state; the party's own
    step out of order is refused naming the state."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused(f"没有「{action}」这一操作。", kind="unknown")
    if state not in STATE_LABELS:
        raise TransitionRefused(f"未知的状态「{state}」。", kind="state")
    if role != transition.role:
        raise TransitionRefused(
            f"「{transition.label}」由{ROLE_LABELS[transition.role]}办理。",
            kind="role",
        )
    if state not in transition.sources:
        allowed = "、".join(state_label(s) for s in STATES if s in transition.sources)
        raise TransitionRefused(
            f"该问题当前为「{state_label(state)}」，不能「{transition.label}」（只有{allowed}的问题可以{transition.label}）。",
            kind="state",
        )
    return transition.target


def allowed_actions(state: str, role: str) -> list[Transition]:
    """What `role` may do now, in the order of the flow."""
    return [t for t in TRANSITIONS.values() if state in t.sources and t.role == role]


def is_overdue(state: str, deadline: object, today: object) -> bool:
    """Past its deadline while the clock runs (dates compare as dates)."""
    return deadline is not None and state in RUNNING and deadline < today  # type: ignore[operator]
