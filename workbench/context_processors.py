from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from workbench import nav


def _is_active(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Navbar entries: a plain link, or a dropdown when a group has several items."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_entries": []}
    items: list[dict[str, Any]] = []
    for item in nav.items_for(user):
        url = item.url
        group = nav.GROUPS.get(item.url_name.split(":")[0], "")
        items.append(
            {"label": item.label, "url": url, "group": group, "active": _is_active(request.path, url)}
        )
    entries: list[dict[str, Any]] = []
    by_group: dict[str, dict[str, Any]] = {}
    for entry in items:
        group = str(entry["group"])
        if group and group in by_group:
            by_group[group]["children"].append(entry)
            by_group[group]["active"] |= entry["active"]
            continue
        node: dict[str, Any] = {
            "label": group or entry["label"],
            "url": entry["url"],
            "active": entry["active"],
            "children": [entry],
        }
        entries.append(node)
        if group:
            by_group[group] = node
    for node in entries:
        if len(node["children"]) == 1:
            node["label"], node["url"] = node["children"][0]["label"], node["children"][0]["url"]
    return {"nav_items": items, "nav_entries": entries}
