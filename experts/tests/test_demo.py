import io

from django.core.management import call_command
from django.test import TestCase

from accounts.models import User
from audit.models import AuditEntry
from experts.models import Assignment, AssignmentStatus, Draw, DrawStatus, Expert, ExpertStatus


class DemoTestCase(TestCase):
    def test_it_loads_the_pool_of_12_with_conflicts_and_verifiable_draws_once(self):
        from accounts import demo as accounts_demo
        from experts import demo
        from orgs import demo as orgs_demo

        orgs_demo.load()
        accounts_demo.load()
        demo.load()
        self.assertEqual(Expert.objects.count(), 12)
        self.assertTrue(all("演示用合成数据" in e.remarks for e in Expert.objects.all()))
        self.assertEqual(
            set(Expert.objects.values_list("user__username", flat=True)),
            {f"expert{i:02d}" for i in range(1, 13)},
        )
        self.assertEqual(User.objects.get(username="expert01").name, "陈志远")
        self.assertEqual(
            sorted(Expert.objects.values_list("status", flat=True)),
            sorted([ExpertStatus.ACTIVE] * 10 + [ExpertStatus.SUSPENDED, ExpertStatus.RETIRED]),
        )
        self.assertTrue(Expert.objects.filter(conflicts__org__code="440703").exists())
        self.assertEqual(
            sorted(Draw.objects.values_list("status", flat=True)),
            [DrawStatus.CANCELLED, DrawStatus.EXECUTED, DrawStatus.EXECUTED],
        )
        again = Draw.objects.get(replaces__isnull=False)
        self.assertEqual(again.replaces.status, DrawStatus.CANCELLED)
        self.assertTrue(
            Assignment.objects.filter(status=AssignmentStatus.DECLINED, replaced_by__isnull=False).exists()
        )
        self.assertTrue(Assignment.objects.filter(rating="excellent").exists())
        for draw in Draw.objects.filter(status=DrawStatus.EXECUTED):
            with self.subTest(draw.pk):
                out = io.StringIO()
                call_command("experts", "verify-draw", str(draw.pk), stdout=out)
                self.assertIn("校验通过", out.getvalue())
        counts = (Expert.objects.count(), Draw.objects.count(), AuditEntry.objects.count())
        demo.load()
        self.assertEqual((Expert.objects.count(), Draw.objects.count(), AuditEntry.objects.count()), counts)
