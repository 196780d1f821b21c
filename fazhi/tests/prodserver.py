"""Production mode for tests and benchmarks: a database of its own on the suite's PostgreSQL
server, the suite's Redis (under a key prefix of its own), a data folder of its own, and
gunicorn app servers and task workers started as real processes from deploy/gunicorn.conf.py.

Used by fazhi/tests/test_production.py, fazhi/tests/test_scale_out.py and benchmarks/load.py.
"""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from fazhi.lib.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
GOOD_KEY = "q7Vb2Lk9Xw3Rt6Zp1Nc8Hj4Ms0Df5Ga-Ue_Yi+Oo/Kl2Pq9Wr3Ex7Ty1Ub6Sz4"
SKIP_REASON = "生产模式需要 PostgreSQL 和 Redis：在 PostgreSQL 测试套件（make test-postgres）中运行"


def good_environ(**changes: str) -> dict[str, str]:
    """A complete production configuration; a value "<unset>" removes that variable."""
    environ = {
        "FAZHI_PRODUCTION": "1",
        "FAZHI_SECRET_KEY": GOOD_KEY,
        "FAZHI_AUDIT_KEY": GOOD_KEY[::-1],
        "DATABASE_URL": "postgres://fazhi_app@127.0.0.1:5432/fazhi",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "FAZHI_ALLOWED_HOSTS": "fazhi.example.gov.cn",
    }
    environ.update(changes)
    return {k: v for k, v in environ.items() if v != "<unset>"}


def clean_environ(environ: dict[str, str], data_dir: str) -> dict[str, str]:
    """This process's environment without its fazhi settings, plus `environ`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FAZHI_") and k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(environ, FAZHI_DATA_DIR=data_dir)
    return env


def fazhi(
    *args: str, environ: dict[str, str], data_dir: str, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "fazhi"), *args],
        capture_output=True,
        text=True,
        env=clean_environ(environ, data_dir),
        timeout=timeout,
    )


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        conn.request("GET", parts.path, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.headers), response.read()
    finally:
        conn.close()


def services_missing(
    database_url: str | None, redis_url: str | None, *, why: str = SKIP_REASON
) -> str | None:
    """Why production mode cannot run here, or None when PostgreSQL and Redis answer."""
    if not database_url or not database_url.startswith(("postgres://", "postgresql://")):
        return why
    if not redis_url:
        return why
    for name, url, default_port in (("PostgreSQL", database_url, 5432), ("Redis", redis_url, 6379)):
        parts = urlsplit(url)
        try:
            socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), 2).close()
        except OSError:
            return f"{name} 无法连接（{parts.hostname}:{parts.port or default_port}）；{why}"
    return None


def settings_database_url() -> str | None:
    """The test suite's PostgreSQL URL, or None when the suite runs on SQLite."""
    from django.conf import settings

    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        return None
    return os.environ.get("DATABASE_URL")


class Browser:
    """One user agent: keeps its cookies (as a browser does, for any port of the same
    host) and talks to whichever app server `base` names."""

    def __init__(self, base: str, cookies: dict[str, str] | None = None) -> None:
        self.base = base
        self.cookies: dict[str, str] = dict(cookies or {})

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, *, timeout: float = 30
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(self.base)
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
        headers = {"Host": parts.netloc}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, dict(response.headers), content
        finally:
            conn.close()

    def get(self, path: str, *, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path, timeout=timeout)

    def post(
        self, path: str, form: dict[str, str], *, timeout: float = 30
    ) -> tuple[int, dict[str, str], bytes]:
        return self.request("POST", path, form, timeout=timeout)

    def log_in(self, username: str, password: str, *, timeout: float = 30) -> int:
        """Open the log-in page (for its CSRF cookie) and post the form; the status of the post."""
        self.get("/accounts/login/", timeout=timeout)
        status, _, _ = self.post(
            "/accounts/login/", {"username": username, "password": password}, timeout=timeout
        )
        return status


class ProductionSite:
    """A production-mode installation on the suite's services: a fresh database, a data
    folder and a Redis key prefix of its own; app servers and workers started on demand and
    all stopped, the database dropped and the folder removed by close()."""

    def __init__(self, *, database_url: str, redis_url: str, name: str = "fazhi_prod") -> None:
        import psycopg

        url = urlsplit(database_url)
        self.db_name = f"{name}_{secrets.token_hex(4)}"
        self._admin_url = url._replace(path="/postgres").geturl()
        with psycopg.connect(self._admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.db_name}"')
        self.data_dir = tempfile.mkdtemp(prefix=f"{self.db_name}-")
        self.environ = good_environ(
            DATABASE_URL=url._replace(path=f"/{self.db_name}").geturl(),
            REDIS_URL=redis_url,
            FAZHI_CACHE_PREFIX=self.db_name,
            FAZHI_ALLOWED_HOSTS="127.0.0.1",
        )
        self.processes: list[subprocess.Popen[bytes]] = []
        self.logs: dict[int, Path] = {}

    def run(self, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
        return fazhi(*args, environ=self.environ, data_dir=self.data_dir, timeout=timeout)

    def prepare(self, *, demo: bool = False, timeout: int = 300) -> None:
        """migrate (and load the demo data) while collectstatic runs beside it: they share
        nothing, and together they are most of a test's time. Raises with the output on failure."""
        env = clean_environ(self.environ, self.data_dir)
        fazhi_cmd = str(BIN / "fazhi")
        database = ["migrate --noinput -v0"] + (["demo load"] if demo else [])
        chains = {
            "collectstatic": [[fazhi_cmd, "collectstatic", "--noinput", "-v0"]],
            "database": [[fazhi_cmd, *step.split()] for step in database],
        }

        def run_chain(steps: list[list[str]]) -> subprocess.CompletedProcess[str]:
            for argv in steps:
                done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)
                if done.returncode != 0:
                    return done
            return done

        with ThreadPoolExecutor(max_workers=2) as pool:
            results = dict(zip(chains, pool.map(run_chain, chains.values()), strict=True))
        for name, done in results.items():
            if done.returncode != 0:
                raise RuntimeError(f"{name} ({' '.join(done.args[1:])}): {done.stderr[-3000:]}")

    def _spawn(self, argv: list[str], **extra: str) -> subprocess.Popen[bytes]:
        # A log file rather than a pipe: a pipe nobody reads would block a busy server.
        log = Path(self.data_dir) / f"process-{len(self.processes)}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                argv,
                cwd=ROOT,
                env={**clean_environ(self.environ, self.data_dir), **extra},
                stdout=subprocess.DEVNULL,
                stderr=out,
                start_new_session=True,
            )
        self.processes.append(process)
        self.logs[process.pid] = log
        return process

    def log_tail(self, process: subprocess.Popen[bytes], size: int = 3000) -> str:
        return self.logs[process.pid].read_text(errors="replace")[-size:]

    def start_web(self, *, workers: int = 2, threads: int = 4, timeout: float = 60) -> str:
        """Start a gunicorn app server with deploy/gunicorn.conf.py; its base URL once it answers."""
        port = free_port()
        server = self._spawn(
            [
                str(BIN / "gunicorn"),
                "fazhi.wsgi:application",
                "--config",
                str(ROOT / "deploy/gunicorn.conf.py"),
            ],
            FAZHI_BIND=f"127.0.0.1:{port}",
            FAZHI_WEB_WORKERS=str(workers),
            FAZHI_WEB_THREADS=str(threads),
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while True:
            try:
                get(base + "/accounts/login/")
                return base
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer: {self.log_tail(server)}") from None
                time.sleep(0.3)

    def start_worker(self) -> subprocess.Popen[bytes]:
        """The task worker (`fazhi db_worker`), as deploy/fazhi-worker.service runs it."""
        return self._spawn([str(BIN / "fazhi"), "db_worker", "--interval", "1"])

    def close(self) -> None:
        import psycopg

        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        with psycopg.connect(self._admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        shutil.rmtree(self.data_dir, ignore_errors=True)
