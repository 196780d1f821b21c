#!/usr/bin/env bash
# Starts PostgreSQL and Redis when this machine has them installed but stopped
# (this kind of machine starts both before each session; this covers a restart).
set -u
up() { python3 "$(dirname "$0")/service_up.py" "$1" >/dev/null; }
if ! up postgres && command -v pg_ctlcluster >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >/dev/null 2>&1 || true
fi
if ! up redis && command -v redis-server >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null 2>&1 || true
fi
exit 0
