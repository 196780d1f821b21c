"""The client's address behind trusted reverse proxies.

X-Forwarded-For is written by whoever sent the request, so it is believed only
as far as trusted proxies vouch for it: when the direct peer (REMOTE_ADDR) is a
trusted proxy, the header is read from the right (each proxy appends the
address it received the request from) and the first address that is not itself
a trusted proxy is the client. An untrusted peer's header is ignored, so a
client cannot choose the address the audit log and the lock-out see.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(items: Iterable[str], *, name: str = "FAZHI_TRUSTED_PROXIES") -> tuple[Network, ...]:
    """IPs and CIDRs ("10.0.0.1", "10.0.0.0/8", "::1"); ValueError naming `name` on a bad one."""
    networks = []
    for item in items:
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"{name} 中的“{item}”不是有效的 IP 地址或网段（如 10.0.0.1 或 10.0.0.0/8）"
            ) from None
    return tuple(networks)


@lru_cache(maxsize=16)
def _networks(items: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(items)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_address(remote_addr: str, forwarded_for: str, trusted_proxies: Iterable[str]) -> str:
    """The address to record for a request that arrived from `remote_addr`
    carrying `forwarded_for` (the X-Forwarded-For header, possibly empty)."""
    networks = _networks(tuple(trusted_proxies))
    peer = _address(remote_addr)
    if not networks or peer is None or not _trusted(peer, networks) or not forwarded_for.strip():
        return remote_addr
    hops = [hop.strip() for hop in forwarded_for.split(",")]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Not written by a proxy we trust (they write plain addresses):
            # nothing to its left can be believed either.
            return remote_addr
        if not _trusted(address, networks):
            return str(address)
    # Every hop is a trusted proxy: the request started inside the proxy tier.
    first = _address(hops[0])
    return str(first) if first is not None else remote_addr
