"""Redis as the cache, degrading to process memory while Redis is down (FallbackRedisCache).

Used whenever REDIS_URL is set. A Redis connection error or timeout does not
reach the request: the call is served from a LocMemCache instead, one warning
is logged when Redis goes away (not one per call) and one when it is back.
While it is down Redis is retried every RETRY_SECONDS, so a dead server costs
one short connect timeout (settings: socket_connect_timeout) per interval, not
per call.

Sessions (`cached_db` in production) are never served from the fallback: their
keys read as a miss and are not stored locally, so every app server reads the
session from the database, and a log-out on one server is not undone by a
stale copy in another's memory. Rate-limit counters (DRF throttles,
selections.ratelimit) keep counting, per process, until Redis is back; the
log-in address throttle counts in the database (django-axes) and never
depended on Redis.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("fazhi.cache")

RETRY_SECONDS = 5.0
SESSION_PREFIX = "django.contrib.sessions.cache"  # cache and cached_db session engines' key prefixes
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


class _Health:
    """Whether Redis at one location is down, shared by every thread of the process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down = False
        self.retry_at = 0.0


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


def _health_of(location: str) -> _Health:
    with _health_lock:
        return _health.setdefault(location, _Health())


class _ReusingClient(RedisCacheClient):
    """Django's client builds a new redis.Redis for every call, and with it
    the library's table of ~200 response callbacks (about a tenth of a
    millisecond each time, several times a request). A redis.Redis is
    thread-safe over its connection pool, so one per pool is kept."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class _RedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusingClient


class FallbackRedisCache(BaseCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self._location = server
        self._redis = _RedisCache(server, params)
        self._local = LocMemCache(f"fazhi-fallback:{server}", {**params, "OPTIONS": {}})
        self._health = _health_of(server)

    # ---- the switch -------------------------------------------------------
    def _call(self, name: str, local: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        health = self._health
        if health.down and time.monotonic() < health.retry_at:
            return local(*args, **kwargs)
        try:
            result = getattr(self._redis, name)(*args, **kwargs)
        except REDIS_DOWN as exc:
            with health.lock:
                if not health.down:
                    logger.warning(
                        "Redis 不可用（%s：%s）：缓存改用进程内存，会话改从数据库读取；每 %d 秒重试一次",
                        self._location,
                        exc,
                        RETRY_SECONDS,
                    )
                health.down = True
                health.retry_at = time.monotonic() + RETRY_SECONDS
            return local(*args, **kwargs)
        if health.down:
            with health.lock:
                if health.down:
                    logger.warning("Redis 已恢复（%s）：缓存与会话重新使用 Redis", self._location)
                health.down = False
        return result

    @staticmethod
    def _is_session(key: Any) -> bool:
        return str(key).startswith(SESSION_PREFIX)

    # ---- local stand-ins: sessions are never kept in process memory ---------
    def _local_get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return default if self._is_session(key) else self._local.get(key, default, version)

    def _local_set(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> None:
        if not self._is_session(key):
            self._local.set(key, value, timeout, version)

    def _local_add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        return False if self._is_session(key) else self._local.add(key, value, timeout, version)

    # ---- the cache API ------------------------------------------------------
    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", self._local_get, key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> None:  # type: ignore[override]
        self._call("set", self._local_set, key, value, timeout, version)

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:  # type: ignore[override]
        return bool(self._call("add", self._local_add, key, value, timeout, version))

    def touch(self, key: Any, timeout: Any = None, version: int | None = None) -> bool:  # type: ignore[override]
        return bool(self._call("touch", self._local.touch, key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("delete", self._local.delete, key, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("has_key", self._local.has_key, key, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return int(self._call("incr", self._local.incr, key, delta, version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        found = self._call("get_many", self._local.get_many, keys, version)
        return dict(found)

    def set_many(self, data: dict[Any, Any], timeout: Any = None, version: int | None = None) -> list[Any]:  # type: ignore[override]
        return list(self._call("set_many", self._local.set_many, data, timeout, version) or [])

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._call("delete_many", self._local.delete_many, keys, version)

    def clear(self) -> None:
        self._local.clear()
        self._call("clear", lambda: None)

    def close(self, **kwargs: Any) -> None:
        self._redis.close(**kwargs)
