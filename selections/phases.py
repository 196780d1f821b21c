"""The phases of a 惠民实事 edition as a state machine (pure Python, no Django).

征集 → 资格审查 → 专家评审 → 公众投票 → 综合排名 → 公示 → 公布 → 跟踪: an edition only
moves forward, one phase at a time. What each move needs (every nomination
screened, every review submitted, …) is checked by the service that moves it."""

from __future__ import annotations

COLLECT = "collect"
SCREEN = "screen"
REVIEW = "review"
VOTE = "vote"
RANK = "rank"
PUBLICITY = "publicity"
PUBLISHED = "published"
TRACKING = "tracking"

ORDER: tuple[str, ...] = (COLLECT, SCREEN, REVIEW, VOTE, RANK, PUBLICITY, PUBLISHED, TRACKING)
LABELS: dict[str, str] = {
    COLLECT: "征集",
    SCREEN: "资格审查",
    REVIEW: "专家评审",
    VOTE: "公众投票",
    RANK: "综合排名",
    PUBLICITY: "公示",
    PUBLISHED: "公布",
    TRACKING: "跟踪",
}
# Once voting starts the rules (criteria weights, expert/public weights, shortlist size) are frozen.
RULES_FROZEN_FROM = VOTE


class TransitionRefused(Exception):
    """The move is not one the state machine allows; the message says why, in Chinese."""


def index(phase: str) -> int:
    try:
        return ORDER.index(phase)
    except ValueError:
        raise TransitionRefused(f"未知的阶段「{phase}」。") from None


def next_phase(phase: str) -> str | None:
    i = index(phase)
    return ORDER[i + 1] if i + 1 < len(ORDER) else None


def allowed(source: str, target: str) -> bool:
    return source in ORDER and target in ORDER and index(target) == index(source) + 1


def check(source: str, target: str) -> None:
    """Raise TransitionRefused unless `target` directly follows `source`."""
    i, j = index(source), index(target)
    if j == i + 1:
        return
    if j == i:
        raise TransitionRefused(f"评选已处于「{LABELS[source]}」阶段。")
    if j < i:
        raise TransitionRefused(f"评选不能从「{LABELS[source]}」退回「{LABELS[target]}」阶段。")
    raise TransitionRefused(
        f"评选不能从「{LABELS[source]}」直接进入「{LABELS[target]}」，须先进入「{LABELS[ORDER[i + 1]]}」阶段。"
    )


def rules_frozen(phase: str) -> bool:
    return index(phase) >= index(RULES_FROZEN_FROM)


def at_or_after(phase: str, other: str) -> bool:
    return index(phase) >= index(other)
