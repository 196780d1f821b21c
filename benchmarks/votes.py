"""The public vote under concurrent load: 2,000 votes from 50 threads (60 s at most).

Starts gunicorn (as `make run` does) on a free loopback port over a fresh data dir
with an edition in 公众投票, and sends the votes from this second process to
POST /api/v1/selections/public/editions/<id>/votes/ with one-time codes: 1,800
fresh codes and 200 replays of codes already sent, shuffled, so replays race the
first use. The baseline is a bare Django view doing one insert into the same
table (no middleware, no URL resolving, no checks), under the same load, served
by the same gunicorn set-up in the same run.

`lost` is votes accepted (201) minus votes stored, `doubled` stored votes beyond
one per code; both must be 0. `errors` counts answers that are neither an
acceptance nor the refusal a replay must get (5xx, 429, dropped connections).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from common import emit, setup_django

from fazhi.lib.ports import free_port

VOTES = 2000
REPLAYS = 200
THREADS = 50
TIME_LIMIT_S = 60
ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent

_bare_ready = False


def bare_app(environ, start_response):
    """The baseline server: a plain Django function view called straight from WSGI."""
    global _bare_ready
    if not _bare_ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
        import django

        django.setup()
        _bare_ready = True
    from django.core.handlers.wsgi import WSGIRequest

    response = bare_vote(WSGIRequest(environ))
    start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
    return [response.content]


def bare_vote(request):
    from django.db import IntegrityError
    from django.http import JsonResponse
    from django.utils import timezone

    from selections.models import Vote

    data = json.loads(request.body)
    now = timezone.now()
    try:
        Vote.objects.create(
            edition_id=data["edition"],
            nomination_id=data["nomination"],
            voter_key="bare:" + data["code"],
            method="code",
            day=timezone.localdate(now),
            cast_at=now,
        )
    except IntegrityError:
        return JsonResponse({"error": "duplicate"}, status=400)
    return JsonResponse({"ok": True}, status=201)


def prepare() -> tuple[int, int, int, list[str]]:
    """An edition in 公众投票 with a shortlist, two editions' worth of ids, and the codes."""
    from decimal import Decimal

    from accounts import demo as accounts_demo
    from accounts.models import User
    from orgs import demo as orgs_demo
    from selections import services
    from selections.models import Edition, Phase, Review

    orgs_demo.load()
    accounts_demo.load()
    office = User.objects.get(username="office")

    def edition(ordinal: int) -> Edition:
        e = services.edition_create(actor=office, year=2023, ordinal=ordinal, name=f"基准测试第{ordinal}届")
        made = [
            services.nomination_submit(
                actor=None,
                edition=e,
                title=f"项目{i}",
                nominating_unit="市民",
                description="d",
                beneficiaries="b",
                timeline="t",
            )[0]
            for i in range(5)
        ]
        e = services.edition_advance(actor=office, edition=e, to_phase=Phase.SCREEN)
        for n in made:
            services.nomination_screen(actor=office, nomination=n, eligible=True, reason="符合")
        services.panel_assign(
            actor=office, edition=e, members=[(User.objects.get(username="expert01"), None, [])]
        )
        e = services.edition_advance(actor=office, edition=e, to_phase=Phase.REVIEW)
        for r in Review.objects.filter(nomination__edition=e):
            services.review_save(
                actor=r.member.user,
                review=r,
                scores={c: Decimal(8) for c in r.scores()},
                comment="",
                submit=True,
            )
        return services.edition_advance(actor=office, edition=e, to_phase=Phase.VOTE)

    project, bare = edition(1), edition(2)
    nomination = project.nominations.order_by("number")[0].pk
    codes = services.vote_codes_generate(actor=office, edition=project, count=VOTES - REPLAYS)
    return project.pk, bare.pk, nomination, codes


def post(port: int, path: str, body: dict) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        conn.close()


def load(port: int, path: str, bodies: list[dict]) -> tuple[float, dict[int, int]]:
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    queue = list(enumerate(bodies))
    deadline = time.perf_counter() + TIME_LIMIT_S

    def worker() -> None:
        while time.perf_counter() < deadline:
            with lock:
                if not queue:
                    return
                _, body = queue.pop()
            status = post(port, path, body)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, statuses


def serve(app: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "8",
            "--log-level",
            "warning",
            "--chdir",
            str(HERE),
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(150):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.1)
    server.terminate()
    raise SystemExit(f"gunicorn ({app}) did not start")


def main() -> None:
    data_dir = setup_django()
    project_edition, bare_edition, nomination, codes = prepare()
    rng = random.Random(7)
    replays = rng.sample(codes, REPLAYS)
    project_bodies = [{"nomination": nomination, "code": c} for c in codes + replays]
    rng.shuffle(project_bodies)
    bare_bodies = [{"edition": bare_edition, "nomination": 0, "code": b["code"]} for b in project_bodies]
    from selections.models import Edition, Vote

    bare_nomination = Edition.objects.get(pk=bare_edition).nominations.order_by("number")[0].pk
    for body in bare_bodies:
        body["nomination"] = bare_nomination
    env = {
        **os.environ,
        "FAZHI_DATA_DIR": data_dir,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{HERE}",
        "FAZHI_PUBLIC_VOTES_PER_HOUR": "1000000",  # the bench measures the vote, not the per-address limit
    }
    port = free_port()
    server = serve("fazhi.wsgi:application", port, env)
    try:
        post(port, "/api/v1/selections/public/editions/0/votes/", {})  # warm-up (404)
        project_s, project_status = load(
            port, f"/api/v1/selections/public/editions/{project_edition}/votes/", project_bodies
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    port = free_port()
    server = serve("votes:bare_app", port, env)
    try:
        post(port, "/", {"edition": bare_edition, "nomination": bare_nomination, "code": "warm-up"})
        baseline_s, bare_status = load(port, "/", bare_bodies)
    finally:
        server.terminate()
        server.wait(timeout=10)
    stored = Vote.objects.filter(edition_id=project_edition).count()
    distinct = Vote.objects.filter(edition_id=project_edition).values("voter_key").distinct().count()
    bare_stored = Vote.objects.filter(edition_id=bare_edition).exclude(voter_key="bare:warm-up").count()
    accepted = project_status.get(201, 0)
    emit(
        "votes",
        project_s,
        baseline_s,
        requests=len(project_bodies),
        threads=THREADS,
        accepted=accepted,
        stored=stored,
        lost=accepted - stored,
        doubled=stored - distinct,
        refused_replays=project_status.get(400, 0),
        errors=sum(n for s, n in project_status.items() if s not in (201, 400)),
        statuses={str(k): v for k, v in sorted(project_status.items())},
        doubtful=Vote.objects.filter(edition_id=project_edition, doubtful=True).count(),
        votes_per_s=round(len(project_bodies) / project_s, 1),
        baseline="a bare Django view doing one insert into the same table, same load, same server set-up",
        baseline_accepted=bare_status.get(201, 0),
        baseline_lost=bare_status.get(201, 0) - bare_stored,
        baseline_errors=sum(n for s, n in bare_status.items() if s not in (201, 400)),
    )


if __name__ == "__main__":
    main()
