"""Exit 0 when the named local service answers: postgres (5432) or redis (6379),
or the host and port of a URL given after the name. On failure, print host:port."""

import socket
import sys
from urllib.parse import urlsplit

PORTS = {"postgres": 5432, "redis": 6379}

name = sys.argv[1]
host, port = "127.0.0.1", PORTS[name]
if len(sys.argv) > 2 and sys.argv[2]:
    url = urlsplit(sys.argv[2])
    host, port = url.hostname or host, url.port or port
try:
    with socket.create_connection((host, port), timeout=2):
        sys.exit(0)
except OSError:
    print(f"{host}:{port}")
    sys.exit(1)
