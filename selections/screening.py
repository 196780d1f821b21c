"""Suspicious-vote detection (pure Python, no Django).

A vote is marked doubtful, with every reason that applies; it is never dropped.
The office decides each doubtful vote (valid or invalid) with a recorded reason.

- ADDRESS_BURST: at least `address_burst` votes from one address within `window`;
- SUBNET_BURST: at least `subnet_burst` votes from one /24 (IPv4) or /64 (IPv6) within `window`;
- SAME_DEVICE: at least `device_voters` different voters with an identical device
  fingerprint on one day;
- NIGHT: cast between `night_start` and `night_end` local time (default 0:00–6:00).

`screen_all` applies the rules to a whole set of votes (sliding windows, so the
first votes of a burst are marked too); `reasons_at_cast` applies them to one new
vote from counts the database gives at once.
"""

from __future__ import annotations

import datetime
import ipaddress
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ADDRESS_BURST = "address_burst"
SUBNET_BURST = "subnet_burst"
SAME_DEVICE = "same_device"
NIGHT = "night"


@dataclass(frozen=True)
class Rules:
    window: datetime.timedelta = datetime.timedelta(minutes=10)
    address_burst: int = 5
    subnet_burst: int = 15
    device_voters: int = 3
    night_start: datetime.time = datetime.time(0, 0)
    night_end: datetime.time = datetime.time(6, 0)

    def message(self, code: str) -> str:
        minutes = int(self.window.total_seconds() // 60)
        return {
            ADDRESS_BURST: f"同一地址 {minutes} 分钟内投票 {self.address_burst} 次及以上",
            SUBNET_BURST: f"同一网段 {minutes} 分钟内投票 {self.subnet_burst} 次及以上",
            SAME_DEVICE: f"同一设备特征当天有 {self.device_voters} 个及以上不同投票人",
            NIGHT: f"投票时间在 {self.night_start:%H:%M}–{self.night_end:%H:%M} 之间",
        }.get(code, code)


DEFAULT_RULES = Rules()


@dataclass(frozen=True)
class VoteSignal:
    key: int
    at: datetime.datetime  # local time
    address: str
    fingerprint: str
    voter: str


def subnet(address: str) -> str:
    """The /24 of an IPv4 address or the /64 of an IPv6 one; the text itself if not an address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def at_night(at: datetime.datetime, rules: Rules = DEFAULT_RULES) -> bool:
    return rules.night_start <= at.time() < rules.night_end


def _bursts(votes: Sequence[VoteSignal], size: int, window: datetime.timedelta) -> set[int]:
    """Keys of the votes that lie in some window of length `window` holding `size` or more votes."""
    ordered = sorted(votes, key=lambda v: (v.at, v.key))
    marked: set[int] = set()
    start = 0
    for end, vote in enumerate(ordered):
        while vote.at - ordered[start].at > window:
            start += 1
        if end - start + 1 >= size:
            marked.update(v.key for v in ordered[start : end + 1])
    return marked


def screen_all(votes: Iterable[VoteSignal], rules: Rules = DEFAULT_RULES) -> dict[int, list[str]]:
    """Every vote's reasons (in a fixed order); a vote without reasons maps to []."""
    votes = list(votes)
    reasons: dict[int, list[str]] = {v.key: [] for v in votes}
    by_address: dict[str, list[VoteSignal]] = defaultdict(list)
    by_subnet: dict[str, list[VoteSignal]] = defaultdict(list)
    by_device: dict[tuple[str, datetime.date], list[VoteSignal]] = defaultdict(list)
    for v in votes:
        by_address[v.address].append(v)
        by_subnet[subnet(v.address)].append(v)
        if v.fingerprint:
            by_device[(v.fingerprint, v.at.date())].append(v)
    address_marked: set[int] = set()
    for group in by_address.values():
        address_marked |= _bursts(group, rules.address_burst, rules.window)
    subnet_marked: set[int] = set()
    for group in by_subnet.values():
        subnet_marked |= _bursts(group, rules.subnet_burst, rules.window)
    device_marked = {
        v.key
        for group in by_device.values()
        if len({v.voter for v in group}) >= rules.device_voters
        for v in group
    }
    for v in votes:
        if v.key in address_marked:
            reasons[v.key].append(ADDRESS_BURST)
        if v.key in subnet_marked:
            reasons[v.key].append(SUBNET_BURST)
        if v.key in device_marked:
            reasons[v.key].append(SAME_DEVICE)
        if at_night(v.at, rules):
            reasons[v.key].append(NIGHT)
    return reasons


def reasons_at_cast(
    at: datetime.datetime,
    *,
    same_address: int,
    same_subnet: int,
    device_voters: int,
    rules: Rules = DEFAULT_RULES,
) -> list[str]:
    """Reasons for a vote being cast now: counts include the vote itself
    (votes in the window from its address and subnet; distinct voters on its device today)."""
    reasons = []
    if same_address >= rules.address_burst:
        reasons.append(ADDRESS_BURST)
    if same_subnet >= rules.subnet_burst:
        reasons.append(SUBNET_BURST)
    if device_voters >= rules.device_voters:
        reasons.append(SAME_DEVICE)
    if at_night(at, rules):
        reasons.append(NIGHT)
    return reasons
