#!/usr/bin/env bash
# Production mode on this machine (`make serve-prod`): gunicorn with PostgreSQL and Redis,
# the task worker and the reminders as their own processes, static files collected under
# hashed names and served compressed. Configuration comes only from the environment;
# DATABASE_URL and REDIS_URL default to the local services, nothing else does: the keys
# must be given, and the settings refuse to start with debug on, a short or default key,
# or SQLite (fazhi/lib/production.py).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export FAZHI_PRODUCTION=1
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/fazhi}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export FAZHI_DATA_DIR="${FAZHI_DATA_DIR:-$PWD/data-prod}"
export FAZHI_BIND="${FAZHI_BIND:-127.0.0.1:8000}"

if ! out=$($BIN/fazhi check --deploy 2>&1); then
  echo "$out" | grep -v '^Traceback\|^  File\|^    ' >&2
  echo "" >&2
  echo "示例（请生成自己的密钥）：" >&2
  echo "  export FAZHI_SECRET_KEY=\$(openssl rand -base64 48) FAZHI_AUDIT_KEY=\$(openssl rand -base64 48)" >&2
  echo "  export FAZHI_ALLOWED_HOSTS=127.0.0.1,localhost" >&2
  echo "  make serve-prod" >&2
  exit 2
fi
python3 scripts/service_up.py postgres "$DATABASE_URL" >/dev/null || { echo "PostgreSQL 无法连接：$DATABASE_URL" >&2; exit 2; }
python3 scripts/service_up.py redis "$REDIS_URL" >/dev/null || { echo "Redis 无法连接：$REDIS_URL" >&2; exit 2; }
# The database itself is created on first use when the role may (a real server has it already).
$BIN/python - "$DATABASE_URL" <<'PY' || true
import sys
from urllib.parse import urlsplit

import psycopg

url = urlsplit(sys.argv[1])
name = url.path.lstrip("/")
admin = url._replace(path="/postgres").geturl()
with psycopg.connect(admin, autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
        print(f"已创建数据库 {name}")
PY
$BIN/fazhi migrate --noinput -v0
$BIN/fazhi collectstatic --noinput -v0
echo "生产模式：http://$FAZHI_BIND/  （PostgreSQL、Redis、后台任务进程、提醒进程；Ctrl+C 停止）"
trap 'kill 0' EXIT INT TERM
$BIN/fazhi db_worker --interval 1 >"$FAZHI_DATA_DIR/worker.log" 2>&1 &
$BIN/fazhi reminders run --interval 300 >"$FAZHI_DATA_DIR/reminders.log" 2>&1 &
$BIN/gunicorn fazhi.wsgi:application --config deploy/gunicorn.conf.py
