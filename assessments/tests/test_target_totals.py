"""The per-target score totals kept by the database's triggers (`TargetTotal`,
migration 0010): every way a score is written keeps them equal to the scores,
the ranking reads them, drift is found and rebuilt. Runs on SQLite and, in the
PostgreSQL run of the suite, on PostgreSQL's statement triggers."""

from __future__ import annotations

import importlib
import io
from decimal import Decimal as D

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from assessments.models import Indicator, Publication, Score, ScoreStatus, TargetTotal
from assessments.selectors import results
from assessments.services import publication as publication_services
from assessments.services.totals import totals_rebuild
from assessments.tests.fixtures import ResultsTestCase, make_campaign
from audit.models import AuditEntry
from fazhi.testing import BaseTestCase


def kept(campaign, target) -> tuple[int, int, int] | None:
    row = TargetTotal.objects.filter(campaign=campaign, target=target).first()
    return None if row is None else (row.points, row.scored, row.vetoes)


class TargetTotalsTestCase(ResultsTestCase):
    def assertNoDrift(self) -> None:
        self.assertEqual(results.totals_drift(), [])

    def test_the_approved_scores_are_totalled_as_they_are_made(self):
        # 蓬江 A1 38 + A2 30 + B1 27 + B2 3; 江海 40 + 24 + 24
        self.assertEqual(kept(self.campaign, self.county_org), (9800, 4, 0))
        self.assertEqual(kept(self.campaign, self.stranger_org), (8800, 3, 0))
        self.assertNoDrift()

    def test_a_saved_score_moves_its_total(self):
        score = self.score_of(self.county_org, "A1")
        score.score = D("36.5")
        score.save()
        self.assertEqual(kept(self.campaign, self.county_org), (9650, 4, 0))
        score.veto = True
        score.save()
        self.assertEqual(kept(self.campaign, self.county_org), (9650, 4, 1))
        score.score = None  # an approved score without points counts, adds nothing
        score.save()
        self.assertEqual(kept(self.campaign, self.county_org), (6000, 4, 1))
        self.assertNoDrift()

    def test_only_approved_scores_count(self):
        Score.objects.filter(campaign=self.campaign, target=self.county_org, indicator__code="A2").update(
            status=ScoreStatus.SUBMITTED
        )
        self.assertEqual(kept(self.campaign, self.county_org), (6800, 3, 0))
        # editing a score that does not count changes nothing
        Score.objects.filter(campaign=self.campaign, target=self.county_org, indicator__code="A2").update(
            score=D("1")
        )
        self.assertEqual(kept(self.campaign, self.county_org), (6800, 3, 0))
        Score.objects.filter(campaign=self.campaign, target=self.county_org, indicator__code="A2").update(
            status=ScoreStatus.APPROVED
        )
        self.assertEqual(kept(self.campaign, self.county_org), (6900, 4, 0))
        self.assertNoDrift()

    def test_a_bulk_update_over_every_target_is_added_up_per_target(self):
        Score.objects.filter(campaign=self.campaign).update(status=ScoreStatus.DRAFT)
        self.assertIsNone(kept(self.campaign, self.county_org))  # a total down to no score is deleted
        self.assertEqual(TargetTotal.objects.count(), 0)
        Score.objects.filter(campaign=self.campaign).update(status=ScoreStatus.APPROVED, veto=True)
        self.assertEqual(kept(self.campaign, self.county_org), (9800, 4, 4))
        self.assertEqual(kept(self.campaign, self.stranger_org), (8800, 3, 3))
        self.assertNoDrift()

    def test_a_score_moved_to_another_target_moves_its_points(self):
        Score.objects.filter(campaign=self.campaign, target=self.county_org, indicator__code="B2").update(
            target=self.stranger_org
        )
        self.assertEqual(kept(self.campaign, self.county_org), (9500, 3, 0))
        self.assertEqual(kept(self.campaign, self.stranger_org), (9100, 4, 0))
        self.assertNoDrift()

    def test_deleted_and_bulk_inserted_scores(self):
        a1 = self.score_of(self.stranger_org, "A1")
        a1.delete()
        self.assertEqual(kept(self.campaign, self.stranger_org), (4800, 2, 0))
        Score.objects.filter(campaign=self.campaign, target=self.stranger_org).delete()
        self.assertIsNone(kept(self.campaign, self.stranger_org))
        b2 = Indicator.objects.get(section__framework=self.campaign.framework, code="B2")
        a1.pk = None
        Score.objects.bulk_create(
            [
                a1,
                Score(
                    campaign=self.campaign,
                    target=self.stranger_org,
                    indicator=b2,
                    score=D("2.25"),
                    status=ScoreStatus.APPROVED,
                ),
            ]
        )
        self.assertEqual(kept(self.campaign, self.stranger_org), (4225, 2, 0))
        self.assertNoDrift()

    def test_raw_sql_is_seen_too(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE assessments_score SET score = score - 1 WHERE campaign_id = %s", [self.campaign.pk]
            )
        self.assertEqual(kept(self.campaign, self.county_org), (9400, 4, 0))
        self.assertEqual(kept(self.campaign, self.stranger_org), (8500, 3, 0))
        self.assertNoDrift()

    def test_the_migration_totals_the_scores_already_there(self):
        # what an upgrade of a system with scores runs once (the triggers only see later writes)
        migration = importlib.import_module("assessments.migrations.0010_target_totals")
        Score.objects.filter(campaign=self.campaign, target=self.county_org, indicator__code="A1").update(
            veto=True
        )
        expected = {(r.target_id, r.points, r.scored, r.vetoes) for r in TargetTotal.objects.all()}
        self.assertEqual(len(expected), 2)
        TargetTotal.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(migration.BACKFILL[connection.vendor])
        self.assertEqual(
            {(r.target_id, r.points, r.scored, r.vetoes) for r in TargetTotal.objects.all()}, expected
        )
        self.assertNoDrift()

    def test_deleting_the_campaign_leaves_no_total(self):
        self.campaign.delete()
        self.assertEqual(TargetTotal.objects.count(), 0)

    def test_the_ranking_reads_the_totals(self):
        ranking = results.campaign_ranking(self.campaign)
        self.assertEqual([(r.code, r.indicator_total, r.bonus) for r in ranking][0][1:], (D("95"), D("3")))
        # a total that says otherwise is what the ranking shows: it reads the totals, not the scores
        TargetTotal.objects.filter(campaign=self.campaign, target=self.county_org).update(points=5000)
        ranking = results.campaign_ranking(self.campaign)
        self.assertEqual(ranking[0].code, self.stranger_org.code)
        self.assertEqual(len(results.totals_drift(self.campaign.pk)), 1)

    def test_a_result_is_not_published_from_totals_that_disagree_with_the_scores(self):
        TargetTotal.objects.filter(campaign=self.campaign, target=self.county_org).update(points=9999)
        blockers = publication_services.publish_blockers(self.campaign)
        self.assertEqual(len(blockers), 1)
        self.assertIn("1 个被考评单位的评分合计与评分不一致，结果不能公布", blockers[0])
        with self.assertRaises(ValidationError):
            publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        self.assertFalse(Publication.objects.filter(campaign=self.campaign).exists())
        totals_rebuild()
        self.assertEqual(publication_services.publish_blockers(self.campaign), [])
        publication = publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        ranked = {row["code"]: row["indicator_total"] for row in publication.snapshot["ranking"]}
        self.assertEqual(ranked[self.county_org.code], "95.00")

    def test_drift_is_reported_and_rebuilt_with_an_audit_entry(self):
        TargetTotal.objects.filter(campaign=self.campaign, target=self.county_org).update(points=1)
        TargetTotal.objects.filter(campaign=self.campaign, target=self.stranger_org).delete()
        drift = results.totals_drift()
        self.assertEqual(
            {(t, k, a) for _, t, k, a in drift},
            {(self.county_org.pk, (1, 4, 0), (9800, 4, 0)), (self.stranger_org.pk, None, (8800, 3, 0))},
        )
        err = io.StringIO()
        with self.assertRaises(SystemExit) as exit_:
            call_command("campaign", "totals", stderr=err)
        self.assertEqual(exit_.exception.code, 1)
        self.assertIn("评分合计与评分不一致：2 个被考评单位", err.getvalue())
        out = io.StringIO()
        call_command("campaign", "totals", "--rebuild", stdout=out)
        self.assertIn("2 个被考评单位的合计有误，已更正", out.getvalue())
        self.assertEqual(results.totals_drift(), [])
        entry = AuditEntry.objects.filter(action="assessments.totals.rebuilt").get()
        self.assertEqual(entry.data["wrong"], 2)
        self.assertEqual(totals_rebuild(), 0)  # nothing wrong: nothing done, nothing recorded
        self.assertEqual(AuditEntry.objects.filter(action="assessments.totals.rebuilt").count(), 1)
        out = io.StringIO()
        call_command("campaign", "totals", "--json", stdout=out)
        self.assertEqual(out.getvalue().strip(), '{"ok": true, "wrong": 0, "rebuilt": 0, "examples": []}')


_OPS = st.lists(
    st.tuples(
        st.sampled_from(["save", "status", "update_all", "delete", "create", "veto", "move"]),
        st.integers(min_value=0, max_value=7),  # which score (target × indicator)
        st.sampled_from([ScoreStatus.DRAFT, ScoreStatus.SUBMITTED, ScoreStatus.APPROVED]),
        st.one_of(st.none(), st.decimals(min_value=0, max_value=40, places=2)),
    ),
    max_size=12,
)


class TotalsPropertyTestCase(HypothesisTestCase, BaseTestCase):
    """Any sequence of writes leaves every total equal to its scores."""

    @given(ops=_OPS)
    @settings(max_examples=40, deadline=None)
    def test_any_writes_keep_the_totals(self, ops):
        campaign = make_campaign(self, year=2023, phase="review")
        targets = [self.county_org, self.stranger_org]
        indicators = list(Indicator.objects.filter(section__framework=campaign.framework).order_by("code"))
        for op, n, status, points in ops:
            target, indicator = targets[n % 2], indicators[n // 2]
            score = Score.objects.filter(campaign=campaign, target=target, indicator=indicator).first()
            if op == "create" or score is None:
                if score is None:
                    Score.objects.create(
                        campaign=campaign, target=target, indicator=indicator, score=points, status=status
                    )
            elif op == "save":
                score.score, score.status = points, status
                score.save()
            elif op == "status":
                Score.objects.filter(pk=score.pk).update(status=status)
            elif op == "update_all":
                Score.objects.filter(campaign=campaign, indicator=indicator).update(
                    status=status, score=points
                )
            elif op == "delete":
                score.delete()
            elif op == "veto":
                Score.objects.filter(pk=score.pk).update(veto=not score.veto)
            elif op == "move":
                other = targets[(n + 1) % 2]
                if not Score.objects.filter(campaign=campaign, target=other, indicator=indicator).exists():
                    Score.objects.filter(pk=score.pk).update(target=other)
            self.assertEqual(results.totals_drift(campaign.pk), [], (op, n, status, points))
        # no total without an approved score behind it
        self.assertFalse(TargetTotal.objects.filter(scored__lte=0).exists())
