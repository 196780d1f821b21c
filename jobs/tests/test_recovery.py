from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fazhi.testing import BaseTestCase
from jobs.models import Job, JobStatus, WorkerHeartbeat
from jobs.recovery import INTERRUPTED_MESSAGE, jobs_recover_interrupted


class InterruptedJobRecoveryTestCase(BaseTestCase):
    def running_job(self, *, worker_id: str, seen_ago: int) -> Job:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id, seen_at=timezone.now() - timedelta(seconds=seen_ago)
        )
        result = DBTaskResult.objects.create(
            status=TaskResultStatus.RUNNING,
            args_kwargs={"args": [], "kwargs": {}},
            task_path="jobs.tasks.import_users",
            backend_name="default",
            run_after=timezone.now(),
            worker_ids=[worker_id],
        )
        return Job.objects.create(
            owner=self.office,
            kind="users.import",
            title="导入用户",
            status=JobStatus.RUNNING,
            task_id=str(result.pk),
        )

    def test_it_fails_only_the_jobs_whose_worker_went_silent_and_the_owner_sees_why(self):
        dead = self.running_job(worker_id="dead", seen_ago=600)
        alive = self.running_job(worker_id="alive", seen_ago=1)
        self.assertEqual(jobs_recover_interrupted(), [dead])
        dead.refresh_from_db()
        alive.refresh_from_db()
        self.assertEqual((dead.status, dead.message), (JobStatus.FAILED, INTERRUPTED_MESSAGE))
        self.assertEqual(alive.status, JobStatus.RUNNING)
        self.assertEqual(DBTaskResult.objects.get(pk=dead.task_id).status, TaskResultStatus.FAILED)
        page = self.client_for(self.office).get(reverse("jobs:detail", args=[dead.pk]))
        self.assertContains(page, "任务执行中断")
        self.assertContains(page, "失败")
        self.assertEqual(
            self.client_for(self.stranger).get(reverse("jobs:detail", args=[dead.pk])).status_code, 404
        )
        self.assertEqual(jobs_recover_interrupted(), [])
