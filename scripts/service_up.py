"""Exit 0 when the named local service answers (postgres on 5432, redis on 6379)."""

import socket
import sys

PORTS = {"postgres": 5432, "redis": 6379}

name = sys.argv[1]
try:
    with socket.create_connection(("127.0.0.1", PORTS[name]), timeout=2):
        sys.exit(0)
except OSError:
    sys.exit(1)
