"""Run as `python -m notices.tests.number_race WORKERS EACH`: migrates the database
named by the environment (a scratch SQLite file or PostgreSQL database), then
forks WORKERS processes that all start together and each take EACH numbers of
the same series through `number_reserve`, and prints the numbers as JSON.

Used by test_numbers: real parallel transactions, each on its own connection,
as concurrent requests would be (a TestCase cannot: its data never commits)."""

from __future__ import annotations

import json
import multiprocessing
import os
import sys


def _worker(barrier, queue, each: int, index: int) -> None:
    import django

    django.setup()
    from notices.numbers import number_reserve

    barrier.wait()
    taken = []
    try:
        for n in range(each):
            taken.append(
                number_reserve(
                    actor=None, purpose=f"并发取号 {index}-{n}", prefix="江依法治办", year=2024
                ).text
            )
    except Exception as exc:
        queue.put({"taken": taken, "error": f"{type(exc).__name__}: {exc}"})
        return
    queue.put({"taken": taken, "error": ""})


def main() -> None:
    workers, each = int(sys.argv[1]), int(sys.argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", "audit", verbosity=0)
    call_command("migrate", "notices", verbosity=0)
    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(workers)
    queue = context.Queue()
    processes = [context.Process(target=_worker, args=(barrier, queue, each, i)) for i in range(workers)]
    for process in processes:
        process.start()
    results = [queue.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    from notices.models import DocumentNumber

    print(
        json.dumps(
            {
                "taken": [t for r in results for t in r["taken"]],
                "errors": [r["error"] for r in results if r["error"]],
                "register": list(DocumentNumber.objects.order_by("number").values_list("number", flat=True)),
                "exit_codes": [p.exitcode for p in processes],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
