from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks import task

from fazhi.testing import BaseTestCase
from jobs.models import Job, JobStatus
from jobs.services import JobFailed, job_progress, job_start, job_succeeded, job_task


@task()
@job_task
def counting(job: Job) -> None:
    total = job.params["total"]
    for i in range(total):
        job_progress(job.pk, i + 1, total, f"第 {i + 1} 项")
    if job.params.get("fail"):
        raise JobFailed(
            "数据有误", result={"errors": [{"row": 2, "column": "A", "header": "x", "message": "坏"}]}
        )
    if job.params.get("crash"):
        raise RuntimeError("boom")
    job_succeeded(job.pk, "全部完成", result={"n": total})


class JobLifecycleTestCase(BaseTestCase):
    def test_it_runs_a_job_to_success_with_progress(self):
        job = job_start(
            actor=self.office, kind="test.counting", title="计数", task=counting, params={"total": 7}
        )
        self.assertEqual(job.status, JobStatus.SUCCEEDED)
        self.assertEqual((job.progress_current, job.progress_total, job.percent), (7, 7, 100))
        self.assertEqual(job.result, {"n": 7})
        self.assertIsNotNone(job.finished_at)
        self.assertTrue(job.task_id)

    def test_it_ends_a_job_as_failed_with_the_message_given(self):
        job = job_start(
            actor=self.office,
            kind="test.counting",
            title="计数",
            task=counting,
            params={"total": 2, "fail": True},
        )
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertEqual(job.message, "数据有误")
        self.assertEqual(job.result["errors"][0]["row"], 2)

    def test_it_fails_a_crashing_job_with_a_chinese_message_not_a_traceback(self):
        with self.assertLogs("jobs.services", level="ERROR"):
            job = job_start(
                actor=self.office,
                kind="test.counting",
                title="计数",
                task=counting,
                params={"total": 1, "crash": True},
            )
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertIn("系统错误", job.message)
        self.assertNotIn("boom", job.message)

    def test_it_rounds_the_progress_bar_to_a_css_step(self):
        job = Job(
            owner=self.office,
            kind="k",
            title="t",
            progress_current=37,
            progress_total=100,
            status=JobStatus.RUNNING,
        )
        self.assertEqual((job.percent, job.percent_step), (37, 35))


class JobPagesTestCase(BaseTestCase):
    def setUp(self):
        # A queue that never runs anything: the job stays queued, as before a worker picks it up.
        dummy = override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
        dummy.enable()
        self.addCleanup(dummy.disable)
        self.job = job_start(
            actor=self.office, kind="test.counting", title="计数任务", task=counting, params={"total": 3}
        )

    def test_it_polls_while_the_job_is_not_done(self):
        self.assertEqual(self.job.status, JobStatus.QUEUED)
        response = self.client_for(self.office).get(
            reverse("jobs:detail", args=[self.job.pk]), HTTP_HX_REQUEST="true"
        )
        self.assertContains(response, 'hx-trigger="every 1s"')
        self.assertNotContains(response, "<html")
        self.assertNotContains(response, 'style="')
        job_progress(self.job.pk, 2, 3, "处理中")
        response = self.client_for(self.office).get(
            reverse("jobs:detail", args=[self.job.pk]), HTTP_HX_REQUEST="true"
        )
        self.assertContains(response, "pct-65")
        self.assertContains(response, 'aria-valuenow="66"')
        self.assertContains(response, "处理中")

    def test_it_stops_polling_when_the_job_is_done(self):
        job_succeeded(self.job.pk, "全部完成")
        response = self.client_for(self.office).get(reverse("jobs:detail", args=[self.job.pk]))
        self.assertContains(response, "全部完成")
        self.assertNotContains(response, "hx-trigger")
        self.assertContains(response, "pct-100")

    def test_it_shows_a_job_only_to_its_owner(self):
        for name, user in self.personas.items():
            with self.subTest(persona=name):
                response = self.client_for(user).get(reverse("jobs:detail", args=[self.job.pk]))
                self.assertEqual(response.status_code, 200 if name == "office" else 404)

    def test_it_lists_my_jobs_only(self):
        job_start(
            actor=self.county, kind="test.counting", title="别人的任务", task=counting, params={"total": 1}
        )
        response = self.client_for(self.office).get(reverse("jobs:list"))
        self.assertContains(response, "计数任务")
        self.assertNotContains(response, "别人的任务")
        response = self.client_for(self.stranger).get(reverse("jobs:list"))
        self.assertNotContains(response, "计数任务")

    def test_it_lists_jobs_with_constant_queries(self):
        client = self.client_for(self.office)
        client.get(reverse("jobs:list"))
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("jobs:list"))
        for i in range(10):
            job_start(
                actor=self.office, kind="test.counting", title=f"任务{i}", task=counting, params={"total": 1}
            )
        with self.assertNumQueries(len(few)):
            client.get(reverse("jobs:list"))
        self.assertEqual(len([q for q in few.captured_queries if "jobs_job" in q["sql"]]), 2)

    def test_it_puts_running_jobs_on_the_home_page(self):
        response = self.client_for(self.office).get(reverse("workbench:home"))
        self.assertContains(response, "后台任务进行中：计数任务")
        response = self.client_for(self.county).get(reverse("workbench:home"))
        self.assertNotContains(response, "计数任务")
