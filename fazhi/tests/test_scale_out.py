"""Scale-out, shown (#13 item 2): two gunicorn app servers on two ports in production mode
against one PostgreSQL database and one Redis, with one task worker. What one server does,
the other sees: the log-in session, a background job's result, a score's version.

Runs in the PostgreSQL suite (`make test-postgres`); skips with the reason on SQLite.
The demo data is loaded once for the class (about a minute on 2 cores, beside collectstatic)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import unittest

from django.test import SimpleTestCase

from accounts.demo import DEMO_PASSWORD
from fazhi.tests.prodserver import Browser, ProductionSite, services_missing, settings_database_url


class ScaleOutTestCase(SimpleTestCase):
    site: ProductionSite
    one: str
    two: str
    worker: subprocess.Popen[bytes]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        if reason := services_missing(settings_database_url(), os.environ.get("REDIS_URL")):
            raise unittest.SkipTest(reason)
        cls.site = ProductionSite(
            database_url=os.environ["DATABASE_URL"], redis_url=os.environ["REDIS_URL"], name="fazhi_scale"
        )
        cls.addClassCleanup(cls.site.close)
        cls.site.prepare(demo=True)
        cls.one = cls.site.start_web(workers=1, threads=4)
        cls.two = cls.site.start_web(workers=1, threads=4)
        cls.worker = cls.site.start_worker()

    def logged_in(self, username: str) -> tuple[Browser, Browser]:
        """The same user agent on server one (where it logs in) and on server two (same cookies)."""
        on_one = Browser(self.one)
        self.assertEqual(on_one.log_in(username, DEMO_PASSWORD), 302)
        self.assertIn("sessionid", on_one.cookies)
        return on_one, Browser(self.two, on_one.cookies)

    def test_it_keeps_the_session_logged_in_on_one_server_on_the_other(self):
        on_one, on_two = self.logged_in("office")
        status, _, page = on_two.get("/")
        self.assertEqual(status, 200)
        self.assertIn("依法治市办经办人", page.decode())
        # and logging out on server two ends the session on server one too
        self.assertEqual(on_two.post("/accounts/logout/", {})[0], 302)
        status, headers, _ = Browser(self.one, {**on_one.cookies}).get("/")
        self.assertEqual(status, 302)
        self.assertIn("/accounts/login/", headers["Location"])

    def test_it_runs_a_job_started_on_one_server_and_shows_it_done_on_the_other(self):
        on_one, on_two = self.logged_in("office")
        status, _, page = on_one.get("/provincial/frameworks/")
        self.assertEqual(status, 200)
        framework = re.search(r'href="/provincial/frameworks/(\d+)/"', page.decode())
        assert framework is not None, "the demo data has a 迎检 framework"
        status, headers, _ = on_one.post(f"/provincial/frameworks/{framework.group(1)}/package/", {})
        self.assertEqual(status, 302)
        job_url = headers["Location"]
        self.assertRegex(job_url, r"^/jobs/[0-9a-f-]{36}/$")
        deadline = time.monotonic() + 60
        while True:
            status, _, page = on_two.get(job_url)
            self.assertEqual(status, 200)
            text = page.decode()
            if "已完成" in text or "失败" in text or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        self.assertIn("已完成", text, self.site.log_tail(self.worker))
        status, headers, body = on_two.get(job_url + "result/")
        self.assertEqual(status, 200)
        self.assertEqual(body[:2], b"PK", "the evidence package is a zip file")

    def test_it_refuses_the_second_of_two_edits_of_the_same_score_through_two_servers(self):
        on_one, on_two = self.logged_in("assessor_szfb")
        status, _, body = on_one.get("/api/v1/assessments/scores/?limit=200")
        self.assertEqual(status, 200)
        score = next(s for s in json.loads(body)["results"] if s["status"] == "draft")
        url = f"/api/v1/assessments/scores/{score['id']}/"
        first = {"version": str(score["version"]), "base": str(score["max_score"]), "reason": "服务器一"}
        second = {"version": str(score["version"]), "base": "0", "reason": "服务器二"}
        status, _, body = on_one.request("PUT", url, first)
        self.assertEqual(status, 200, body.decode())
        status, _, body = on_two.request("PUT", url, second)
        self.assertEqual(status, 409, body.decode())
        self.assertEqual(json.loads(body)["error"]["code"], "conflict")
        # the first edit stands, read back through server two
        status, _, body = on_two.get(url)
        saved = json.loads(body)
        self.assertEqual((saved["version"], saved["reason"]), (score["version"] + 1, "服务器一"))
