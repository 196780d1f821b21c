from django.test import TestCase

from audit.models import AuditEntry
from selections.models import Decision, Edition, Milestone, Screening, Vote


class DemoTestCase(TestCase):
    def test_it_loads_both_editions_in_every_state_once(self):
        from accounts import demo as accounts_demo
        from orgs import demo as orgs_demo
        from selections import demo, metrics

        orgs_demo.load()
        accounts_demo.load()
        demo.load()
        second = Edition.objects.get(ordinal=2)
        self.assertEqual((second.year, second.phase), (2023, "published"))
        nominations = second.nominations.all()
        self.assertEqual(nominations.count(), 34)
        self.assertEqual(
            nominations.filter(screening=Screening.INELIGIBLE).exclude(screening_reason="").count(), 8
        )
        self.assertEqual(nominations.filter(shortlisted=True).count(), 20)
        self.assertEqual(nominations.filter(selected=True).count(), 10)
        self.assertTrue(nominations.filter(disagreement=True).exists())
        self.assertTrue(all("演示数据" in n.description for n in nominations))
        self.assertEqual(second.panel.count(), 7)
        for member in second.panel.all():
            self.assertFalse(member.reviews.filter(nomination__org_id__in=member.conflicts()).exists())
        self.assertEqual(Vote.objects.filter(edition=second, decision=Decision.INVALID).count(), 6)
        self.assertEqual(
            Vote.objects.filter(edition=second, doubtful=True, decision=Decision.NONE).count(), 0
        )
        self.assertEqual(len([r for r in second.results["ranking"] if r["selected"]]), 10)
        first = Edition.objects.get(ordinal=1)
        self.assertEqual((first.phase, first.tracking_year, first.indicator_code), ("tracking", 2023, "5.8"))
        self.assertEqual(Milestone.objects.filter(project__edition=first, done_on__isnull=True).count(), 4)
        self.assertEqual(metrics.completion(2023).complete, 7)
        counts = (Vote.objects.count(), AuditEntry.objects.count())
        demo.load()
        self.assertEqual((Vote.objects.count(), AuditEntry.objects.count()), counts)
