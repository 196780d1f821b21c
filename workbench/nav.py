"""The navigation and the to-do list are assembled from what each module
registers in its AppConfig.ready(); a module that is not built shows nothing."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import get_script_prefix, reverse

from fazhi.lib.memo import per_user

Predicate = Callable[[Any], bool]


def _everyone(user: Any) -> bool:
    return bool(user.is_authenticated)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 50
    visible: Predicate = _everyone
    # url names whose pages belong under this item (for highlighting)
    prefixes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def url(self) -> str:
        return _reverse(self.url_name, get_script_prefix())


@dataclass(frozen=True)
class Todo:
    title: str
    url: str
    module: str
    due: Any = None  # date or datetime
    detail: str = ""
    urgent: bool = False


TodoProvider = Callable[[Any], Iterable[Todo]]

_items: list[NavItem] = []
_todo_providers: list[TodoProvider] = []


def register(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _items):
        _items.append(item)


def register_todos(provider: TodoProvider) -> None:
    if provider not in _todo_providers:
        _todo_providers.append(provider)


# Items of these URL namespaces share one dropdown in the navbar, so the bar
# stays on one line on a laptop however many modules a role sees.
GROUPS = {
    "assessments": "法治建设考评",
    "notices": "通知公告",
    "orgs": "系统管理",
    "accounts": "系统管理",
    "attachments": "我的",
    "jobs": "我的",
    "experts": "专家库",
    "accountability": "述评督考责",
}


@functools.lru_cache(maxsize=256)
def _reverse(url_name: str, script_prefix: str) -> str:
    """A nav item's address: the same for every request under one script prefix."""
    return reverse(url_name)


@per_user
def items_for(user: Any) -> list[NavItem]:
    return sorted((i for i in _items if i.visible(user)), key=lambda i: i.order)


def todos_for(user: Any) -> list[Todo]:
    todos = [todo for provider in _todo_providers for todo in provider(user)]
    return sorted(todos, key=lambda t: (not t.urgent, t.due is None, str(t.due or "")))
