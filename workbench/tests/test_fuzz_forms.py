"""Every form, fuzzed: each page of the authorization matrix that takes a POST is posted
by one who may, with hostile values in every field its page shows (and every field its
matrix line sends): long, empty, full-width, emoji, HTML/JS, SQL-looking, huge numbers,
NUL bytes, impossible dates. No answer is a 5xx, and the `<script>` sent is never
rendered back unescaped, neither by the answer nor by the page it redirects to.

Bounded and repeatable: FUZZ_EXAMPLES examples per form (`FAZHI_FUZZ_EXAMPLES` to run
more locally), derandomized. Each post runs in a savepoint that is rolled back, so every
example meets the same world (workbench/tests/authz_world.py).
"""

from __future__ import annotations

import os
from html.parser import HTMLParser
from typing import Any

from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from fazhi.testing import BaseTestCase
from workbench.tests import authz_world
from workbench.tests.authz import DENIED, PERSONAS, Entry, Quiet
from workbench.tests.authz_matrix import MATRIX

FUZZ_EXAMPLES = int(os.environ.get("FAZHI_FUZZ_EXAMPLES", "3"))
SCRIPT = "<script>fuzzmark()</script>"
ESCAPED = "&lt;script&gt;fuzzmark()&lt;/script&gt;"
HOSTILE = [
    "",
    " ",
    "长" * 5000,
    "ＡＢＣ１２３，（全角）",
    "😀🇨🇳👨‍👩‍👧",
    SCRIPT,
    f'"><img src=x onerror=alert(1)>{SCRIPT}',
    "' OR '1'='1'; DROP TABLE orgs_org; --",
    "9" * 40,
    "-99999999999999999999.99",
    "1e309",
    "NaN",
    "0",
    "-1",
    "a\x00b",
    "2023-02-30",
    "9999-99-99",
    "2023-13-01T25:61",
    "../../etc/passwd",
]
SKIPPED_INPUTS = {"submit", "button", "file", "image", "reset"}


class FormFields(HTMLParser):
    """Names and first values of the fields of every form on a page that posts."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._in_post_form = False
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._in_post_form = a.get("method", "get").lower() == "post"
        elif not self._in_post_form or not a.get("name") or a["name"] == "csrfmiddlewaretoken":
            return
        elif tag == "input" and a.get("type", "text").lower() not in SKIPPED_INPUTS:
            self.fields.setdefault(a["name"], a.get("value", ""))
        elif tag == "textarea":
            self.fields.setdefault(a["name"], "")
        elif tag == "select":
            self._select = a["name"]
            self.fields.setdefault(a["name"], "")
        if tag == "option" and self._select and not self.fields[self._select]:
            self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_post_form = False
        elif tag == "select":
            self._select = None


def poster(entry: Entry) -> str | None:
    """One who may post the form (a page they may also read, if there is one)."""
    table = entry.tables["POST"]
    allowed = [n for n in PERSONAS if table[n] not in DENIED and not isinstance(table[n], Quiet)]
    readers = [n for n in allowed if entry.tables.get("GET", {}).get(n) == 200]
    candidates = readers or allowed
    return candidates[0] if candidates else None


class FormFuzzTestCase(BaseTestCase):
    world: Any
    files: dict[str, bytes]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.world = authz_world.build(cls)
        cls.files = authz_world.stored_files()

    def setUp(self) -> None:
        authz_world.restore_files(self.files)
        self.clients: dict[str, Client] = {}

    def client_as(self, name: str) -> Client:
        if name not in self.clients:
            self.clients[name] = Client()
            if name != "anonymous":
                self.clients[name].force_login(getattr(self, name))
        return self.clients[name]

    def forms(self) -> list[tuple[Entry, str, str, dict[str, str]]]:
        """(line, persona, url, the fields and their values as the page shows them)."""
        found = []
        for entry in MATRIX:
            if entry.is_api or "POST" not in entry.tables or (name := poster(entry)) is None:
                continue
            url = entry.url(self.world.own)
            fields: dict[str, str] = {}
            if entry.data:
                sent = entry.data(self.world.own)
                fields |= {
                    k: v for k, v in sent.items() if isinstance(v, str | int) and not isinstance(v, bool)
                }
            if entry.tables.get("GET", {}).get(name) == 200:
                parser = FormFields()
                parser.feed(self.client_as(name).get(url).content.decode())
                fields |= parser.fields
            if fields:
                found.append((entry, name, url, {k: str(v) for k, v in fields.items()}))
        return found

    def post(self, name: str, url: str, data: dict[str, str]) -> tuple[int, str]:
        client = self.client_as(name)
        cookies = client.cookies
        client.cookies = type(cookies)(cookies)  # a log-out or a new session must not outlive the post
        try:
            with transaction.atomic():
                response = client.post(url, data, follow=True)
                transaction.set_rollback(True)
        finally:
            client.cookies = cookies
        first = response.redirect_chain[0][1] if response.redirect_chain else response.status_code
        return max(first, response.status_code), response.content.decode(errors="replace")

    def test_it_answers_hostile_values_in_every_form_without_a_server_error_or_raw_script(self):
        forms = self.forms()
        self.assertGreater(len(forms), 60)
        failures: dict[str, str] = {}
        for entry, name, url, fields in forms:
            self._fuzz(entry, name, url, fields, failures)
        report = "\n".join(f"{key}: {detail}" for key, detail in sorted(failures.items()))
        self.assertFalse(failures, f"{len(failures)} forms failed:\n{report}")

    def _fuzz(
        self, entry: Entry, name: str, url: str, fields: dict[str, str], failures: dict[str, str]
    ) -> None:
        values = st.fixed_dictionaries(
            {
                field: st.sampled_from(HOSTILE) | st.just(shown) | st.text(max_size=30)
                for field, shown in fields.items()
            }
        )

        @hypothesis_settings(
            max_examples=FUZZ_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(data=values)
        def run(data: dict[str, str]) -> None:
            status, body = self.post(name, url, data)
            if status >= 500:
                failures.setdefault(f"{entry.route} as {name}", f"{status} for {data!r}"[:600])
            elif SCRIPT in body:
                failures.setdefault(f"{entry.route} as {name}", "renders <script> unescaped")

        run()

    def test_it_shows_a_stored_script_escaped_on_the_page_after_the_post(self):
        """The same `<script>` in every text field of every form: never raw in the answer or
        the page it leads to, and shown (escaped) back by enough forms that the check bites."""
        raw, escaped = [], []
        for entry, name, url, fields in self.forms():
            data = {
                field: (SCRIPT if not shown or not shown.isdigit() else shown)
                for field, shown in fields.items()
            }
            status, body = self.post(name, url, data)
            self.assertLess(status, 500, f"{entry.route} as {name}")
            if SCRIPT in body:
                raw.append(entry.route)
            if ESCAPED in body:
                escaped.append(entry.route)
        self.assertEqual(raw, [])
        self.assertGreater(len(escaped), 10, escaped)
