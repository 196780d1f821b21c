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


class DemoPanelDrawTestCase(TestCase):
    def test_it_forms_the_2023_panel_through_a_verifiable_pool_draw(self):
        import io
        import json

        from django.core.management import call_command

        from accounts import demo as accounts_demo
        from experts.models import Draw
        from orgs import demo as orgs_demo
        from selections import demo, panel

        orgs_demo.load()
        accounts_demo.load()
        demo.load()
        second = Edition.objects.get(ordinal=2)
        draw = panel.current_draw(second)
        self.assertIsNotNone(draw)
        assert draw is not None
        self.assertEqual((draw.purpose_code, draw.object_id, draw.size), ("selection", str(second.pk), 7))
        self.assertEqual(draw.executed_at.year, 2023)
        self.assertEqual(
            sorted(second.panel.values_list("user_id", flat=True)),
            sorted(a.expert.user_id for a in draw.assignments.filter(status="active")),
        )
        out = io.StringIO()
        call_command("experts", "draws", "--json", stdout=out)
        self.assertIn(draw.pk, [row["id"] for row in json.loads(out.getvalue())])
        out = io.StringIO()
        call_command("experts", "verify-draw", str(draw.pk), stdout=out)  # exits 0 (no SystemExit)
        self.assertIn("校验通过", out.getvalue())
        demo.load()
        self.assertEqual(Draw.objects.filter(purpose_code="selection").count(), 1)
