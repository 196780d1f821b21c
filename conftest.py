"""Suite-wide test settings: fast password hashing and tasks run inline."""

import pytest

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    # Before any test class's setUpTestData hashes a password: PBKDF2 at
    # production strength would cost seconds per class.
    import os
    from urllib.parse import urlsplit, urlunsplit

    from django.conf import settings

    settings.PASSWORD_HASHERS = FAST_HASHERS
    # Parallel workers share one Redis server: each gets its own database
    # (cache.clear() flushes a whole database), so one worker's clearing or
    # cached security policy never reaches another's tests.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker.removeprefix("gw") or 0) if worker.startswith("gw") else 0
    for cache_config in settings.CACHES.values():
        if cache_config["BACKEND"].endswith("RedisCache"):
            url = urlsplit(cache_config["LOCATION"])
            cache_config["LOCATION"] = urlunsplit(url._replace(path=f"/{1 + index}"))


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "files"
    # Each test anchors its own audit log: an anchor left by another test's
    # rolled-back entries would name entries this test's database never had.
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit-anchor.log"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache

    cache.clear()
