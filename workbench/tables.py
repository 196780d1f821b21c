"""Sorting and pagination for list pages: one query for the rows, one for the count."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE_CHOICES = (25, 50, 100)


def sorted_page(
    request: HttpRequest, qs: QuerySet[Any], *, allowed: tuple[str, ...], default: str, per_page: int = 25
) -> tuple[Page, str]:
    """Order `qs` by ?sort= (a name from `allowed`, '-' for descending) and
    return the requested page; unknown sort keys and page numbers fall back."""
    sort = request.GET.get("sort", default)
    if sort.lstrip("-") not in allowed:
        sort = default
    try:
        size = int(request.GET.get("per_page", per_page))
    except ValueError:
        size = per_page
    size = size if size in PER_PAGE_CHOICES else per_page
    ordered = qs.order_by(sort, "pk")
    return Paginator(ordered, size).get_page(request.GET.get("page")), sort
