"""`fazhi db_worker`: django_tasks_db's worker, plus a heartbeat and the recovery of interrupted jobs.

On start, and then every heartbeat, the worker fails the jobs whose worker died
(jobs/recovery.py); a background thread keeps this worker's own heartbeat fresh
while it runs a long task."""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from django.conf import settings
from django.db import connection
from django_tasks_db.management.commands import db_worker

from jobs.models import WorkerHeartbeat
from jobs.recovery import heartbeat, jobs_recover_interrupted

logger = logging.getLogger("jobs.worker")


class Worker(db_worker.Worker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._stopped = threading.Event()

    def beat(self) -> None:
        try:
            heartbeat(worker_id=self.worker_id, host=socket.gethostname(), pid=os.getpid())
            jobs_recover_interrupted()
        except Exception:  # a locked or briefly unreachable database: try again next beat
            logger.exception("worker %s: heartbeat or recovery failed", self.worker_id)
        finally:
            connection.close()

    def _beat_forever(self) -> None:
        while not self._stopped.wait(settings.WORKER_HEARTBEAT_SECONDS):
            self.beat()

    def run(self) -> None:
        self.beat()
        beats = threading.Thread(target=self._beat_forever, name="fazhi-worker-heartbeat", daemon=True)
        beats.start()
        try:
            super().run()
        finally:
            self._stopped.set()
            beats.join(timeout=5)
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()


class Command(db_worker.Command):
    help = (
        "运行后台任务进程（django_tasks_db 的 db_worker），并定期写心跳；"
        "执行中的任务若其进程已停止，则标记为失败（任务执行中断）。"
    )

    def handle(self, **options: Any) -> None:
        original = db_worker.Worker
        db_worker.Worker = Worker  # type: ignore[misc]
        try:
            super().handle(**options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
