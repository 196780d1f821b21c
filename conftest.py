"""Suite-wide test settings: fast password hashing and tasks run inline."""

import pytest

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    # Before any test class's setUpTestData hashes a password: PBKDF2 at
    # production strength would cost seconds per class.
    import os

    from django.conf import settings

    settings.PASSWORD_HASHERS = FAST_HASHERS
    # Parallel workers share one Redis: give each its own key space, or one
    # worker's cached security policy would be read by another's tests.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{worker}"} for name, config in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache

    cache.clear()
