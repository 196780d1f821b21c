"""What production mode (FAZHI_PRODUCTION=1) refuses to start with.

Pure: it reads a mapping of environment variables and returns the problems in
Chinese, one line each, so the settings can refuse the whole configuration at
once (an operator fixes everything in one go) and the tests need no process.

Production mode means: PostgreSQL (SQLite only with FAZHI_ALLOW_SQLITE=1, for
a single-machine trial), Redis as cache and session store, debug off, a secret
key and an audit key set in the environment (never generated into the data
folder, where a backup or a copy of the folder would carry them), and the host
names the proxy forwards stated explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping

from fazhi.lib.env import TRUE

MIN_SECRET_LENGTH = 50
MIN_DISTINCT_CHARACTERS = 12
# Keys seen in tutorials, generated projects and our own docs: never accepted.
KNOWN_BAD_MARKERS = ("django-insecure", "changeme", "change-me", "secret", "example", "fazhi", "password")


def _on(environ: Mapping[str, str], name: str) -> bool:
    return environ.get(name, "").strip().lower() in TRUE


def secret_key_problem(key: str) -> str | None:
    """Why `key` is not good enough for production, or None."""
    if not key:
        return "未设置 FAZHI_SECRET_KEY（生产模式不会自动生成密钥；可用 openssl rand -base64 48 生成）"
    if len(key) < MIN_SECRET_LENGTH:
        return f"FAZHI_SECRET_KEY 太短（{len(key)} 个字符），至少需要 {MIN_SECRET_LENGTH} 个字符"
    if len(set(key)) < MIN_DISTINCT_CHARACTERS:
        return f"FAZHI_SECRET_KEY 重复字符过多（只有 {len(set(key))} 种字符），请用随机生成的密钥"
    lowered = key.lower()
    for marker in KNOWN_BAD_MARKERS:
        if marker in lowered:
            return f"FAZHI_SECRET_KEY 含有“{marker}”，像是示例或默认密钥，请用随机生成的密钥"
    return None


def _database_problem(environ: Mapping[str, str]) -> str | None:
    url = environ.get("DATABASE_URL", "").strip()
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return None
    if _on(environ, "FAZHI_ALLOW_SQLITE") and (not url or url.startswith("sqlite:")):
        return None
    if not url:
        return "未设置 DATABASE_URL：生产模式使用 PostgreSQL（如 postgres://fazhi_app@127.0.0.1:5432/fazhi）；单机试用 SQLite 须明确设置 FAZHI_ALLOW_SQLITE=1"
    return f"DATABASE_URL 不是 PostgreSQL（{url.split(':', 1)[0]}）；单机试用 SQLite 须明确设置 FAZHI_ALLOW_SQLITE=1"


def production_problems(environ: Mapping[str, str]) -> list[str]:
    """Every reason the configuration in `environ` must not run in production; empty when it may."""
    problems: list[str] = []
    if _on(environ, "FAZHI_DEBUG"):
        problems.append("生产模式不能开启调试（FAZHI_DEBUG 须为 0 或不设置）")
    key_problem = secret_key_problem(environ.get("FAZHI_SECRET_KEY", ""))
    if key_problem:
        problems.append(key_problem)
    if len(environ.get("FAZHI_AUDIT_KEY", "").strip()) < 32:
        problems.append(
            "未设置 FAZHI_AUDIT_KEY 或少于 32 个字符（审计日志的 HMAC 密钥须由环境提供并另行保管）"
        )
    db_problem = _database_problem(environ)
    if db_problem:
        problems.append(db_problem)
    if not environ.get("REDIS_URL", "").strip().startswith(("redis://", "rediss://", "unix://")):
        problems.append("未设置 REDIS_URL（生产模式用 Redis 做缓存和会话存储，如 redis://127.0.0.1:6379/0）")
    if not environ.get("FAZHI_ALLOWED_HOSTS", "").strip():
        problems.append("未设置 FAZHI_ALLOWED_HOSTS（对外访问的域名，逗号分隔）")
    return problems
