"""Where a problem's source object can be seen. Each module registers a function
for its own models (`register("accountability.finding", fn)`, fn(object id) -> URL
or None), so the tracker links to a 督察 finding or a 考评 score without knowing
those apps. The link is only shown; the target page checks access itself."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import NoReverseMatch, reverse

from problems.models import Problem

UrlFor = Callable[[str], str | None]
_url_for: dict[str, UrlFor] = {}


def register(model_label: str, fn: UrlFor) -> None:
    """`model_label` as "app_label.modelname" (lower case)."""
    _url_for[model_label] = fn


def source_url(problem: Problem) -> str | None:
    if problem.source_type_id is None or not problem.source_id:
        return None
    content_type = problem.source_type
    fn = _url_for.get(f"{content_type.app_label}.{content_type.model}") if content_type else None
    try:
        return fn(problem.source_id) if fn else None
    except NoReverseMatch:
        return None


def _score_url(pk: str) -> str | None:
    return reverse("assessments:score_drilldown", args=[int(pk)]) if pk.isdigit() else None


register("assessments.score", _score_url)
