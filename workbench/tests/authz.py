"""The machinery of the authorization matrix (the matrix itself is authz_matrix.py).

- `routes(urlconf)` walks Django's URL resolver (every app, recursively) and the DRF
  router under /api/v1, and names each route the way the matrix does: a page by its
  URL name ("assessments:score_detail"), an API route by its path pattern
  ("/api/v1/assessments/scores/{pk}/"), so moving a view to another module changes
  nothing here.
- `coverage_problems(matrix, exempt, urlconf)` lists every route (and every API method) with no
  matrix entry and no exemption, every page whose code reads POST with no POST
  expectations, and every entry naming a route that does not exist.
- `MatrixRunner` requests each entry as every persona and checks the status; a
  persona that is refused must also have written nothing to the database. Each
  request runs in a savepoint that is rolled back, so an allowed write (the office
  deleting a framework) leaves the next request the same objects.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

API_PREFIX = "/api/v1/"
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
API_METHODS = ("GET", *WRITE_METHODS)

# The personas of fazhi.testing.BaseTestCase, the two 审核 the matrix adds (the
# 经办 of BaseTestCase may not approve: the two-person rule), and a visitor who
# has not logged in.
PERSONAS = (
    "office",
    "county",
    "stranger",
    "assessor",
    "assessor_b",
    "reviewer",
    "reviewer_b",
    "sysadmin",
    "secadmin",
    "auditadmin",
    "expert",
    "anonymous",
)
BUSINESS = frozenset(
    {"office", "county", "stranger", "assessor", "assessor_b", "reviewer", "reviewer_b", "expert"}
)
ADMINS = frozenset({"sysadmin", "secadmin", "auditadmin"})
EVERYONE = BUSINESS | ADMINS

# An object "of the other side" is the mirror image of the one a row names: the
# stranger's instead of the county's, 市公安局's instead of 市司法局's. A mirrored
# row is requested again on it by these personas with their counterparts' rows.
MIRROR = {
    "county": "stranger",
    "stranger": "county",
    "assessor": "assessor_b",
    "assessor_b": "assessor",
    "reviewer": "reviewer_b",
    "reviewer_b": "reviewer",
}

LOGIN = 302_000  # a page sends the anonymous visitor to the log-in page (an API answers 401)
DENIED = frozenset({401, 403, 404, 405, LOGIN})


class Quiet(int):
    """An expected status that is a refusal even though it is not an error code
    (a redirect with a message): the request must write nothing either."""


def quiet(status: int) -> Quiet:
    return Quiet(status)


def expect(
    ok: Iterable[str] = (), *, status: int = 200, denied: int = 404, anonymous: int = LOGIN, **others: int
) -> dict[str, int]:
    """Status per persona: `status` for those in `ok`, `denied` for the others,
    overrides by name; the anonymous visitor is sent to log in unless told."""
    ok = set(ok)
    unknown = (ok | set(others)) - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas {sorted(unknown)}")
    table = {name: (status if name in ok else denied) for name in PERSONAS}
    table["anonymous"] = anonymous
    table.update(others)
    return table


Args = Callable[[Any], Any]
Data = Callable[[Any], Any] | None


@dataclass(frozen=True)
class Entry:
    """One line of the matrix: a route, how to build its URL from a side of the
    world (`args`: a list for a page's reverse(), a dict for an API pattern) and
    the expected status per persona for each method requested."""

    route: str
    args: Args | None = None
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    data: Data = None
    mirror: bool = False
    note: str = ""

    @property
    def is_api(self) -> bool:
        return self.route.startswith(API_PREFIX)

    def url(self, side: Any) -> str:
        args = self.args(side) if self.args else None
        if self.is_api:
            return self.route.format(**(args or {}))
        return reverse(self.route, args=args)


def page(
    route: str,
    args: Args | None = None,
    *,
    get: dict | None = None,
    post: dict | None = None,
    both: dict | None = None,
    **kw: Any,
) -> Entry:
    """A page: GET expectations, and POST ones when its code handles POST (`both` when alike)."""
    tables = {"GET": both or get, "POST": both or post}
    return Entry(route, args, {m: t for m, t in tables.items() if t is not None}, **kw)


def action(route: str, args: Args | None = None, *, post: dict, **kw: Any) -> Entry:
    """A page that acts on POST only: GET is 405 for anyone logged in."""
    return Entry(route, args, {"GET": expect(denied=405), "POST": post}, **kw)


def api(
    route: str, args: Args | None = None, *, data: Data = None, mirror: bool = False, **tables: dict
) -> Entry:
    """An API route, with a table per method: get=…, post=…, put=…, patch=…, delete=…."""
    return Entry(route, args, {m.upper(): t for m, t in tables.items()}, data=data, mirror=mirror)


# --------------------------------------------------------------------------- the walker


@dataclass(frozen=True)
class Route:
    key: str  # the URL name of a page, the path pattern of an API route
    path: str  # the path pattern, for messages
    methods: frozenset[str]  # the methods the matrix must have for this route
    callback: Any


_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def pattern_text(pattern: str) -> str:
    """`^orgs/(?P<pk>[^/.]+)/$` and `orgs/<int:pk>/` both read `orgs/{pk}/`."""
    text = pattern.lstrip("^").rstrip("$")
    text = _NAMED_GROUP.sub(lambda m: "{" + m.group(1) + "}", text)
    text = _CONVERTER.sub(lambda m: "{" + m.group(1) + "}", text)
    return text.replace("\\.", ".")


def _is_format_suffix(pattern: str) -> bool:
    return "(?P<format>" in pattern or "<drf_format_suffix:format>" in pattern


def _api_methods(callback: Any) -> frozenset[str]:
    actions = getattr(callback, "actions", None)
    if actions:
        return frozenset(m.upper() for m in actions if m.upper() in API_METHODS)  # HEAD follows GET
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        return frozenset(m for m in API_METHODS if hasattr(view_class, m.lower()))
    return frozenset({"GET"})


def reads_post(callback: Any) -> bool:
    """Whether a page's own code handles POST (require_POST, request.POST, a form bound
    on POST); such a page needs POST expectations in the matrix."""
    view = inspect.unwrap(callback)
    try:
        return "POST" in inspect.getsource(view)
    except (OSError, TypeError):
        return True


def _walk(patterns: Iterable[Any], prefix: str, namespace: str) -> Iterator[tuple[str, bool, str, Any]]:
    """(path pattern, is a format-suffix variant, URL name, view) of every route."""
    for p in patterns:
        raw = str(p.pattern)
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace or ""]))
            yield from _walk(p.url_patterns, prefix + pattern_text(raw), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            yield prefix + pattern_text(raw), _is_format_suffix(raw), name, p.callback


def routes(urlconf: str | None = None) -> list[Route]:
    """Every route of the project, once; format-suffix variants of an API route
    (`.json`) are the same view with the same checks and fold into it."""
    found: dict[str, Route] = {}
    suffixed: list[tuple[str, Any]] = []
    for path, is_suffix, name, callback in _walk(get_resolver(urlconf).url_patterns, "/", ""):
        if is_suffix:
            suffixed.append((path, callback))
            continue
        if path.startswith(API_PREFIX):
            key, methods = path, _api_methods(callback)
        else:
            key = name or path
            methods = frozenset({"GET", "POST"} if reads_post(callback) else {"GET"})
        if key in found:  # two paths, one name: each must be covered, so key by path
            key = path
        found[key] = Route(key, path, methods, callback)
    callbacks = {id(r.callback) for r in found.values()}
    for path, callback in suffixed:
        if id(callback) not in callbacks:
            found[path] = Route(path, path, _api_methods(callback), callback)
    return list(found.values())


def coverage_problems(
    matrix: Iterable[Entry], exempt: dict[str, str], urlconf: str | None = None
) -> list[str]:
    """What keeps the matrix from covering every route, one line each, naming the route."""
    by_route: dict[str, set[str]] = {}
    for entry in matrix:
        by_route.setdefault(entry.route, set()).update(entry.tables)
    problems = []
    known = set()
    for route in routes(urlconf):
        known.add(route.key)
        if route.key in exempt:
            continue
        methods = by_route.get(route.key)
        if methods is None:
            problems.append(f"{route.key} ({route.path}): no entry in the authorization matrix")
            continue
        for method in sorted(route.methods - methods):
            problems.append(
                f"{route.key} ({route.path}): no {method} expectations in the authorization matrix"
            )
    for key in sorted((set(by_route) | set(exempt)) - known):
        problems.append(f"{key}: in the authorization matrix but not a route")
    return problems


# --------------------------------------------------------------------------- the runner

_WRITE_SQL = re.compile(
    r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+[\"`]?(\w+)", re.IGNORECASE
)
# A request may refresh its own session (idle timeout stamp) without writing anything else.
_BOOKKEEPING = {"django_session"}


def writes(queries: Iterable[dict[str, Any]]) -> list[str]:
    """The tables a request wrote to ("INSERT audit_auditentry"), each once."""
    tables = set()
    for query in queries:
        match = _WRITE_SQL.match(query["sql"])
        if match and match.group(2).lower() not in _BOOKKEEPING:
            tables.add(f"{match.group(1).split()[0].upper()} {match.group(2)}")
    return sorted(tables)


@dataclass
class MatrixRunner:
    clients: dict[str, Client]
    login_url: str
    failures: list[str] = field(default_factory=list)
    requests: int = 0
    # What each GET wrote, per URL and persona (an export records its audit entry).
    _read: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def run(self, entry: Entry, own: Any, other: Any) -> None:
        for method, table in entry.tables.items():
            self._check(entry, method, own, table, PERSONAS)
            if entry.mirror:
                mirrored = {name: table[MIRROR[name]] for name in MIRROR}
                self._check(entry, method, other, mirrored, tuple(MIRROR), label=" (the other side's object)")
        if not entry.is_api and "POST" not in entry.tables:
            self._post_to_a_page(entry, own)

    def _check(
        self,
        entry: Entry,
        method: str,
        side: Any,
        table: dict[str, int],
        personas: Iterable[str],
        label: str = "",
    ) -> None:
        url = entry.url(side)
        data = entry.data(side) if entry.data and method != "GET" else None
        for name in personas:
            expected = table[name]
            status, written = self.request(name, method, url, data, entry.is_api)
            if method == "GET":
                self._read[(url, name)] = written
            if entry.data and method != "GET":
                data = entry.data(side)  # a fresh body (an uploaded file is read once)
            if expected == LOGIN and entry.is_api:
                expected = 401
            where = f"{entry.route} {method} {url}{label}{f' [{entry.note}]' if entry.note else ''} as {name}"
            if status != expected:
                self.failures.append(f"{where}: expected {_show(expected)}, got {_show(status)}")
            elif (expected in DENIED or isinstance(expected, Quiet)) and written:
                self.failures.append(f"{where}: refused ({_show(status)}) but wrote {', '.join(written)}")

    def _post_to_a_page(self, entry: Entry, side: Any) -> None:
        """A page with no POST line must answer a POST as it answers a GET, or refuse it:
        one who may read it posts, and it may write nothing a GET does not (an export
        records its audit entry either way). A page that acts on POST needs a POST line."""
        readers = [name for name in PERSONAS if entry.tables["GET"][name] in (200, 302)]
        if not readers:
            return
        url = entry.url(side)
        status, written = self.request(readers[0], "POST", url, None, is_api=False)
        if set(written) - set(self._read.get((url, readers[0]), [])) or status >= 500:
            self.failures.append(
                f"{entry.route} POST {url} as {readers[0]}: answered {status} and wrote {', '.join(written)};"
                " a page that acts on POST needs a POST line in the matrix"
            )

    def request(self, name: str, method: str, url: str, data: Any, is_api: bool) -> tuple[int, list[str]]:
        client = self.clients[name]
        cookies = client.cookies
        client.cookies = type(cookies)(cookies)  # a log-out or a new session id must not outlive the request
        kwargs: dict[str, Any] = {}
        if data is not None:
            if is_api and not (method == "POST" and _has_file(data)):
                kwargs = {"data": json.dumps(data), "content_type": "application/json"}
            else:
                kwargs = {"data": data}
        self.requests += 1
        # The log is a deque of 9,000 and the context slices it by position: once
        # full, every capture would look empty and every write would go unseen.
        connection.queries_log.clear()
        try:
            with transaction.atomic():
                with CaptureQueriesContext(connection) as queries:
                    response = getattr(client, method.lower())(url, **kwargs)
                transaction.set_rollback(True)
        finally:
            client.cookies = cookies
        status = response.status_code
        if status == 302 and response["Location"].startswith(self.login_url):
            status = LOGIN
        return status, writes(queries.captured_queries)


def _has_file(data: Any) -> bool:
    return isinstance(data, dict) and any(hasattr(v, "read") for v in data.values())


def _show(status: int) -> str:
    text = "302 to the log-in page" if status == LOGIN else str(int(status))
    return text + (" with nothing written" if isinstance(status, Quiet) else "")
