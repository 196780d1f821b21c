"""State machines of the accountability app as data, pure Python.

A transition not in the table is refused with a Chinese message naming the
current state, so a request out of order changes nothing.
"""

from __future__ import annotations

DRAFT, SUBMITTED, RETURNED = "draft", "submitted", "returned"
REPORT_LABELS = {DRAFT: "草稿", SUBMITTED: "已提交", RETURNED: "已退回"}
REPORT_EVENTS = {"edit": "修改", "submit": "提交", "return": "退回"}
REPORT_TRANSITIONS = {
    (DRAFT, "edit"): DRAFT,
    (RETURNED, "edit"): RETURNED,
    (DRAFT, "submit"): SUBMITTED,
    (RETURNED, "submit"): SUBMITTED,
    (SUBMITTED, "return"): RETURNED,
}

PROPOSED, CONFIRMED, DISMISSED, DONE = "proposed", "confirmed", "dismissed", "done"
ACTION_STATE_LABELS = {PROPOSED: "待确认", CONFIRMED: "已确认", DISMISSED: "已驳回", DONE: "已办结"}
ACTION_EVENTS = {"confirm": "确认", "dismiss": "驳回", "follow_up": "记录跟进", "complete": "办结"}
ACTION_TRANSITIONS = {
    (PROPOSED, "confirm"): CONFIRMED,
    (PROPOSED, "dismiss"): DISMISSED,
    (CONFIRMED, "follow_up"): CONFIRMED,
    (CONFIRMED, "complete"): DONE,
}


class TransitionRefused(ValueError):
    pass


def _next(
    table: dict[tuple[str, str], str], labels: dict[str, str], events: dict[str, str], state: str, event: str
) -> str:
    target = table.get((state, event))
    if target is None:
        raise TransitionRefused(f"当前状态为“{labels.get(state, state)}”，不能{events.get(event, event)}。")
    return target


def report_next(state: str, event: str) -> str:
    return _next(REPORT_TRANSITIONS, REPORT_LABELS, REPORT_EVENTS, state, event)


def action_next(state: str, event: str) -> str:
    return _next(ACTION_TRANSITIONS, ACTION_STATE_LABELS, ACTION_EVENTS, state, event)
