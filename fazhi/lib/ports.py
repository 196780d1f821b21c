"""A loopback port nothing listens on, for test servers and benchmarks."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port the system just handed out and released: free now, nothing listens there."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
