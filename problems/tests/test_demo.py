from django.test import TestCase
from django.utils import timezone

from audit.models import AuditEntry
from problems import selectors, workflow
from problems.models import ExtensionRequest, Problem, SpecialCampaign


class DemoTestCase(TestCase):
    def test_it_loads_the_road_traffic_campaign_with_clues_in_every_state_once(self):
        from accounts import demo as accounts_demo
        from orgs import demo as orgs_demo
        from problems import demo

        orgs_demo.load()
        accounts_demo.load()
        demo.load()
        campaign = SpecialCampaign.objects.get(name="道路交通安全和运输执法领域突出问题专项整治")
        self.assertEqual(campaign.categories, ["逐利执法", "执法不规范", "执法方式简单僵化"])
        clues = Problem.objects.filter(campaign=campaign)
        self.assertEqual(clues.count(), 40)
        self.assertEqual(set(clues.values_list("state", flat=True)), set(workflow.STATES))
        self.assertEqual(clues.values("org").distinct().count(), 9)  # 7 counties, 公安局, 交通运输局
        self.assertEqual(clues.filter(supervised=True).count(), 1)
        self.assertTrue(clues.filter(rectify_mode="immediate").exists())
        self.assertTrue(clues.filter(events__action="reject").exists())
        self.assertIsNotNone(clues.get(state="dismissed", duplicate_of__isnull=False).duplicate_of)
        self.assertEqual(ExtensionRequest.objects.filter(status="granted").count(), 1)
        today = timezone.localdate()
        self.assertGreaterEqual(selectors.overdue_problems(today=today).count(), 5)
        self.assertTrue(clues.filter(state__in=workflow.RUNNING, deadline__gte=today).exists())
        self.assertGreaterEqual(campaign.measures.count(), 5)
        counts = (Problem.objects.count(), AuditEntry.objects.count())
        demo.load()
        self.assertEqual((Problem.objects.count(), AuditEntry.objects.count()), counts)
