#!/usr/bin/env bash
# Runs a command (the test suite) against PostgreSQL and Redis:
#   bash scripts/with-services.sh PG_URL REDIS_URL -- command [args...]
# The command gets DATABASE_URL and REDIS_URL. When a service cannot be reached:
# - under CI (CI=true or 1) this fails, exit 1, with a Chinese message: the PostgreSQL
#   suite is part of every CI run and must never pass by being skipped;
# - locally it says why and skips (PostgreSQL) or runs with the cache in memory (Redis).
# `make test` starts both first when they are installed but stopped (scripts/services.sh).
set -u
if [ $# -lt 4 ] || [ "$3" != "--" ]; then
  echo "用法：with-services.sh PG_URL REDIS_URL -- 命令 [参数…]" >&2
  exit 2
fi
pg_url=$1
redis_url=$2
shift 3
here=$(dirname "$0")
in_ci() { case "${CI:-}" in [Tt][Rr][Uu][Ee] | 1 | [Yy][Ee][Ss]) return 0 ;; *) return 1 ;; esac; }

if ! where=$(python3 "$here/service_up.py" postgres "$pg_url"); then
  if in_ci; then
    echo "错误：PostgreSQL 无法连接（$where）。CI 中 PostgreSQL 测试是必须的，不能跳过；请启动 PostgreSQL 后重试。" >&2
    exit 1
  fi
  echo "SKIPPED: PostgreSQL 未在 $where 运行，跳过 PostgreSQL 测试（CI=true 时此处会失败）"
  exit 0
fi
if ! where=$(python3 "$here/service_up.py" redis "$redis_url"); then
  if in_ci; then
    echo "错误：Redis 无法连接（$where）。CI 中缓存必须在 Redis 上测试；请启动 Redis 后重试。" >&2
    exit 1
  fi
  echo "注意：Redis 未在 $where 运行，本次缓存使用进程内存（CI=true 时此处会失败）"
  redis_url=""
fi
DATABASE_URL=$pg_url REDIS_URL=$redis_url exec "$@"
