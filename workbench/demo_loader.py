"""Loads the Jiangmen demo data, module by module, idempotently.

Each app may have a `demo.py` with `load(*, stdout)`; they run in INSTALLED_APPS
order (orgs before accounts before the modules that use both)."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.db import transaction

from fazhi.lib.writer import Writer

FIRST = ["orgs", "accounts"]


def demo_modules() -> list[str]:
    names = [c.name for c in apps.get_app_configs() if "." not in c.name]
    ordered = FIRST + [n for n in names if n not in FIRST]
    found = []
    for name in ordered:
        try:
            import_module(f"{name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.demo":
                raise
            continue
        found.append(name)
    return found


def load_all(*, stdout: Writer | None = None) -> list[str]:
    loaded = []
    for name in demo_modules():
        with transaction.atomic():
            import_module(f"{name}.demo").load(stdout=stdout)
        loaded.append(name)
    return loaded
