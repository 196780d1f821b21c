"""Redis down: the cache falls back to process memory and sessions to the database, with one warning.

A Redis URL at a closed port fails fast (small connect timeout); the real Redis
(and a private redis-server started, killed and restarted here) shows the
wrapper uses Redis when it is there and says once when it comes back."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from typing import Any

import redis
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from fazhi import cache as fallback
from fazhi.lib.ports import free_port
from fazhi.testing import PASSWORD, BaseTestCase
from selections import ratelimit

OPTIONS = {"socket_connect_timeout": 0.2, "socket_timeout": 0.5}


def redis_at(url: str) -> Any:
    return override_settings(
        CACHES={
            "default": {"BACKEND": "fazhi.cache.FallbackRedisCache", "LOCATION": url, "OPTIONS": OPTIONS}
        },
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
    )


class RedisDownTestCase(BaseTestCase):
    def setUp(self) -> None:
        fallback._health.clear()
        self.url = f"redis://127.0.0.1:{free_port()}/0"

    def test_it_serves_the_cache_from_memory_with_one_warning_and_fails_fast(self):
        with redis_at(self.url), self.assertLogs("fazhi.cache", "WARNING") as logs:
            started = time.monotonic()
            cache.set("k", "v", 60)
            for _ in range(50):
                self.assertEqual(cache.get("k"), "v")
            self.assertTrue(cache.add("n", 1, 60))
            self.assertEqual(cache.incr("n"), 2)
            self.assertLess(time.monotonic() - started, 3)
        self.assertEqual(len(logs.records), 1)
        self.assertIn("Redis 不可用", logs.output[0])

    def test_it_keeps_the_user_logged_in_from_the_database_session(self):
        with redis_at(self.url), self.assertLogs("fazhi.cache", "WARNING"):
            client = Client()
            response = client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
            self.assertEqual(response.status_code, 302, response.content[:300])
            key = client.cookies[settings.SESSION_COOKIE_NAME].value
            self.assertTrue(Session.objects.filter(session_key=key).exists())
            self.assertEqual(client.get(reverse("workbench:home")).status_code, 200)
            # A log-out on another server (the database row gone) is not undone by a local copy.
            Session.objects.filter(session_key=key).delete()
            self.assertEqual(client.get(reverse("workbench:home")).status_code, 302)

    def test_it_keeps_counting_rate_limits(self):
        with redis_at(self.url), self.assertLogs("fazhi.cache", "WARNING"):
            ident = uuid.uuid4().hex
            self.assertEqual(
                [ratelimit.hit("vote", ident, limit=3) for _ in range(5)], [True] * 3 + [False] * 2
            )

    def test_it_keeps_the_api_throttle_counting(self):
        api_rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "3/min"}
        framework = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": api_rates}
        with redis_at(self.url), override_settings(REST_FRAMEWORK=framework), self.assertLogs("fazhi.cache"):
            client = APIClient()
            client.force_authenticate(self.county)
            codes = [client.get("/api/v1/users/me/").status_code for _ in range(4)]
        self.assertEqual(codes, [200, 200, 200, 429])


class RedisUpTestCase(BaseTestCase):
    def setUp(self) -> None:
        fallback._health.clear()

    def test_it_uses_the_real_redis_when_it_is_up(self):
        url = settings.CACHES["default"]["LOCATION"] if settings.REDIS_URL else "redis://127.0.0.1:6379/9"
        key = f"fazhi-test-{uuid.uuid4().hex}"
        with redis_at(url), self.assertNoLogs("fazhi.cache", "WARNING"):
            cache.set(key, "在", 30)
            self.assertEqual(cache.get(key), "在")
            raw = redis.Redis.from_url(url)
            self.assertTrue(any(k.decode().endswith(key) for k in raw.scan_iter(f"*{key}")))
            cache.delete(key)
            raw.close()

    def test_it_keeps_one_redis_client_per_pool(self):
        url = settings.CACHES["default"]["LOCATION"] if settings.REDIS_URL else "redis://127.0.0.1:6379/9"
        with redis_at(url):
            client = cache._redis._cache  # type: ignore[attr-defined]
            first = client.get_client("k")
            self.assertIs(client.get_client("k", write=True), first)
            cache.set(f"fazhi-test-{uuid.uuid4().hex}", 1, 5)
            self.assertIs(client.get_client("k"), first)

    def test_it_falls_back_when_redis_dies_and_says_once_when_it_is_back(self):
        server = shutil.which("redis-server")
        self.assertIsNotNone(server, "redis-server is needed for this test")
        port = free_port()
        command = [
            str(server),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]

        def start() -> subprocess.Popen[bytes]:
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    redis.Redis(port=port, socket_connect_timeout=0.2).ping()
                    return process
                except redis.ConnectionError:
                    time.sleep(0.05)
            raise AssertionError("redis-server did not start")

        process = start()
        try:
            with redis_at(f"redis://127.0.0.1:{port}/0"), self.assertLogs("fazhi.cache", "WARNING") as logs:
                cache.set("k", "redis", 60)
                process.kill()
                process.wait(10)
                self.assertIsNone(cache.get("k"))  # the local stand-in never had it
                cache.set("k", "local", 60)
                self.assertEqual(cache.get("k"), "local")
                process = start()
                fallback._health_of(f"redis://127.0.0.1:{port}/0").retry_at = 0  # no wait for the retry
                cache.set("k", "redis again", 60)
                self.assertEqual(cache.get("k"), "redis again")
        finally:
            process.kill()
            process.wait(10)
        self.assertEqual(len(logs.records), 2, logs.output)
        self.assertIn("Redis 不可用", logs.output[0])
        self.assertIn("Redis 已恢复", logs.output[1])
