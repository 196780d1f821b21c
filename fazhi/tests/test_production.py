"""Production mode (FAZHI_PRODUCTION=1, `make serve-prod`, deploy/): what it refuses to
start with, and, against the real PostgreSQL and Redis, that it serves the application
through gunicorn with static files compressed under hashed, long-cached names."""

from __future__ import annotations

import configparser
import os
import re
from pathlib import Path
from tempfile import TemporaryDirectory

from django.conf import settings
from django.test import SimpleTestCase

from fazhi.lib.production import production_problems, secret_key_problem
from fazhi.tests.prodserver import (
    GOOD_KEY,
    ROOT,
    ProductionSite,
    fazhi,
    free_port,
    get,
    good_environ,
    services_missing,
    settings_database_url,
)


class ProductionProblemsTestCase(SimpleTestCase):
    def test_it_accepts_a_complete_configuration(self):
        self.assertEqual(production_problems(good_environ()), [])

    def test_it_refuses_debug(self):
        self.assertIn("调试", production_problems(good_environ(FAZHI_DEBUG="1"))[0])
        self.assertEqual(production_problems(good_environ(FAZHI_DEBUG="0")), [])

    def test_it_refuses_a_missing_short_repetitive_or_default_secret(self):
        for key, words in [
            ("<unset>", "未设置 FAZHI_SECRET_KEY"),
            ("x" * 20, "太短"),
            ("ab" * 30, "重复字符过多"),
            ("django-insecure-" + GOOD_KEY, "django-insecure"),
            (GOOD_KEY + "changeme", "changeme"),
        ]:
            with self.subTest(key=key[:20]):
                problems = production_problems(good_environ(FAZHI_SECRET_KEY=key))
                self.assertEqual(len(problems), 1, problems)
                self.assertIn(words, problems[0])
        self.assertIsNone(secret_key_problem(GOOD_KEY))

    def test_it_refuses_sqlite_unless_told_explicitly(self):
        for url in ("<unset>", "sqlite:////var/lib/fazhi/fazhi.sqlite3"):
            with self.subTest(url=url):
                problems = production_problems(good_environ(DATABASE_URL=url))
                self.assertEqual(len(problems), 1)
                self.assertIn("FAZHI_ALLOW_SQLITE=1", problems[0])
                self.assertEqual(
                    production_problems(good_environ(DATABASE_URL=url, FAZHI_ALLOW_SQLITE="1")), []
                )
        # the permission covers SQLite only, not another engine
        self.assertTrue(
            production_problems(good_environ(DATABASE_URL="mysql://x@h/db", FAZHI_ALLOW_SQLITE="1"))
        )

    def test_it_wants_redis_the_audit_key_and_the_host_names(self):
        problems = production_problems(
            good_environ(REDIS_URL="<unset>", FAZHI_AUDIT_KEY="short", FAZHI_ALLOWED_HOSTS="<unset>")
        )
        self.assertEqual(len(problems), 3)
        self.assertTrue(any("REDIS_URL" in p for p in problems))
        self.assertTrue(any("FAZHI_AUDIT_KEY" in p for p in problems))
        self.assertTrue(any("FAZHI_ALLOWED_HOSTS" in p for p in problems))


class ProductionRefusalTestCase(SimpleTestCase):
    """The settings refuse, in a real process, before anything is served or written."""

    def test_it_refuses_to_start_on_sqlite_with_a_short_key(self):
        with TemporaryDirectory() as data:
            result = fazhi(
                "check",
                environ=good_environ(DATABASE_URL="<unset>", FAZHI_SECRET_KEY="short-key"),
                data_dir=data,
            )
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertIn("生产模式拒绝启动", result.stderr)
            for words in ("FAZHI_SECRET_KEY 太短", "FAZHI_ALLOW_SQLITE=1"):
                self.assertIn(words, result.stderr)
            self.assertNotIn("Traceback", result.stderr)
            # no key or database file was generated into the data folder
            self.assertEqual(sorted(p.name for p in Path(data).iterdir() if p.name != "staticfiles"), [])

    def test_it_refuses_to_start_with_debug_on(self):
        with TemporaryDirectory() as data:
            result = fazhi("check", environ=good_environ(FAZHI_DEBUG="1"), data_dir=data)
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertIn("生产模式不能开启调试", result.stderr)

    def test_it_starts_on_sqlite_when_told_explicitly(self):
        with TemporaryDirectory() as data:
            result = fazhi(
                "check", environ=good_environ(DATABASE_URL="<unset>", FAZHI_ALLOW_SQLITE="1"), data_dir=data
            )
            self.assertEqual(result.returncode, 0, result.stderr)


class DeployFilesTestCase(SimpleTestCase):
    def test_the_units_run_the_project_commands_from_the_environment_file(self):
        commands = {}
        for name in ("fazhi-web", "fazhi-worker", "fazhi-reminders", "fazhi-backup"):
            unit = configparser.ConfigParser(strict=False, interpolation=None)
            unit.optionxform = str  # type: ignore[assignment,method-assign]
            unit.read(ROOT / "deploy" / f"{name}.service")
            service = unit["Service"]
            self.assertEqual(service["EnvironmentFile"], "/etc/fazhi/fazhi.env")
            self.assertEqual(service["User"], "fazhi")
            if name != "fazhi-backup":  # started by its timer
                self.assertEqual(unit["Install"]["WantedBy"], "multi-user.target")
            commands[name] = service["ExecStart"].split()
        self.assertEqual(commands["fazhi-web"][-1], "/opt/fazhi/deploy/gunicorn.conf.py")
        self.assertEqual(commands["fazhi-worker"][1:], ["db_worker", "--interval", "1"])
        self.assertEqual(commands["fazhi-reminders"][1:3], ["reminders", "run"])
        self.assertEqual(commands["fazhi-backup"][1:4], ["backup", "scheduled", "--dir"])
        timer = configparser.ConfigParser(interpolation=None)
        timer.read(ROOT / "deploy" / "fazhi-backup.timer")
        self.assertEqual(timer["Timer"]["OnCalendar"], "*-*-* 02:30:00")
        self.assertEqual(timer["Install"]["WantedBy"], "timers.target")

    def test_the_proxy_limits_the_body_as_the_application_does_and_replaces_the_client_address(self):
        conf = (ROOT / "deploy" / "nginx-fazhi.conf").read_text()
        body = re.search(r"client_max_body_size (\d+)m;", conf)
        assert body is not None
        self.assertEqual(int(body.group(1)), settings.UPLOAD_MAX_MB + 1)
        self.assertIn("proxy_set_header X-Forwarded-For $remote_addr;", conf)
        self.assertIn("proxy_set_header X-Forwarded-Proto $scheme;", conf)
        self.assertIn("ssl_protocols TLSv1.2 TLSv1.3;", conf)

    def test_the_example_environment_is_refused_until_its_secrets_are_filled_in(self):
        environ = {}
        for line in (ROOT / "deploy" / "fazhi.env.example").read_text().splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.partition("=")
                environ[name] = value
        self.assertEqual(
            [p.split("（")[0] for p in production_problems(environ)],
            ["未设置 FAZHI_SECRET_KEY", "未设置 FAZHI_AUDIT_KEY 或少于 32 个字符"],
        )
        environ.update(FAZHI_SECRET_KEY=GOOD_KEY, FAZHI_AUDIT_KEY=GOOD_KEY)
        self.assertEqual(production_problems(environ), [])


class ServicesMissingTestCase(SimpleTestCase):
    def test_it_says_why_production_mode_cannot_run_here(self):
        redis = "redis://127.0.0.1:6379/1"
        self.assertIn("PostgreSQL 测试套件", services_missing("sqlite:///x.sqlite3", redis) or "")
        self.assertIn("PostgreSQL 测试套件", services_missing("postgres://p@127.0.0.1/x", None) or "")
        closed = f"postgres://p@127.0.0.1:{free_port()}/x"
        self.assertIn("PostgreSQL 无法连接", services_missing(closed, redis, why="已跳过") or "")


class ServeProductionTestCase(SimpleTestCase):
    """gunicorn with deploy/gunicorn.conf.py on a database of its own, on the PostgreSQL
    server and the Redis of the suite. Runs in the PostgreSQL suite (`make test-postgres`)."""

    def setUp(self) -> None:
        if reason := services_missing(settings_database_url(), os.environ.get("REDIS_URL")):
            self.skipTest(reason)
        self.site = ProductionSite(database_url=os.environ["DATABASE_URL"], redis_url=os.environ["REDIS_URL"])
        self.addCleanup(self.site.close)

    def test_it_serves_pages_and_hashed_compressed_static_files(self):
        self.site.prepare()
        base = self.site.start_web()
        status, headers, page = get(base + "/accounts/login/")
        self.assertEqual(status, 200)
        self.assertIn("no-store", headers["Cache-Control"])
        css = re.search(rb'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', page)
        assert css is not None, "the page links the hashed name"
        status, headers, body = get(base + css.group(1).decode(), **{"Accept-Encoding": "gzip"})
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Encoding"], "gzip")
        self.assertIn("immutable", headers["Cache-Control"])
        self.assertIn("max-age=315360000", headers["Cache-Control"])
