from __future__ import annotations

from decimal import Decimal as D

from django.core.exceptions import ValidationError
from django.db import transaction

from assessments.models import (
    Appeal,
    Phase,
    Publication,
    PublicationImmutable,
    Rectification,
    Score,
    ScoreStatus,
)
from assessments.selectors import publication as pub
from assessments.services import publication as publication_services
from assessments.services import rectifications as rectification_services
from assessments.tests.fixtures import ResultsTestCase, WorkflowTestCase
from audit.models import AuditEntry
from problems.models import Problem


class CampaignPublishTestCase(ResultsTestCase):
    def test_it_freezes_a_hashed_snapshot_and_moves_to_published(self):
        publication = publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.phase, Phase.PUBLISHED)
        self.assertEqual(len(publication.sha256), 64)
        self.assertTrue(pub.publication_verify(publication))
        ranking = publication.snapshot["ranking"]
        self.assertEqual(
            [(r["rank"], r["code"], r["total"], r["grade"]) for r in ranking],
            [(1, "440703", "98.00", "优秀"), (2, "440704", "88.00", "良好")],
        )
        self.assertTrue(AuditEntry.objects.filter(action="assessments.campaign.published").exists())

    def test_it_keeps_the_hash_stable_when_read_back(self):
        publication = publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        stored = Publication.objects.get(pk=publication.pk)
        self.assertEqual(pub.snapshot_hash(stored.snapshot), publication.sha256)

    def test_it_does_not_drift_when_live_scores_change_later(self):
        publication = publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        Score.objects.filter(target=self.county_org).update(score=D(0))
        stored = Publication.objects.get(pk=publication.pk)
        self.assertEqual(stored.snapshot["ranking"][0]["total"], "98.00")
        self.assertTrue(pub.publication_verify(stored))

    def test_it_detects_a_tampered_snapshot(self):
        publication = publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        publication.snapshot["ranking"][0]["total"] = "99.00"
        self.assertFalse(pub.publication_verify(publication))

    def test_it_refuses_to_rewrite_or_delete_a_publication(self):
        publication = publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        stored = Publication.objects.get(pk=publication.pk)
        stored.snapshot["ranking"][0]["total"] = "99.00"
        with self.assertRaises(PublicationImmutable), transaction.atomic():
            stored.save()
        with self.assertRaises(PublicationImmutable), transaction.atomic():
            stored.delete()
        again = Publication.objects.get(pk=publication.pk)
        self.assertEqual(again.snapshot["ranking"][0]["total"], "98.00")
        self.assertTrue(pub.publication_verify(again))

    def test_it_refuses_to_publish_twice(self):
        publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        with self.assertRaisesMessage(ValidationError, "已公布"):
            publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        self.assertEqual(Publication.objects.count(), 1)

    def test_it_refuses_with_open_appeals_or_unapproved_scores_and_changes_nothing(self):
        score = self.score_of(self.county_org, "A1")
        Appeal.objects.create(campaign=self.campaign, target=self.county_org, score=score, reason="理由")
        Score.objects.filter(pk=self.score_of(self.stranger_org, "A2").pk).update(
            status=ScoreStatus.SUBMITTED
        )
        with self.assertRaises(ValidationError) as ctx:
            publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        self.assertEqual(ctx.exception.messages, ["还有 1 件申诉尚未裁决。", "还有 1 项评分尚未审核生效。"])
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.phase, Phase.FINAL_REVIEW)
        self.assertFalse(Publication.objects.exists())

    def test_it_refuses_outside_the_final_review_phase(self):
        self.campaign.phase = Phase.APPEAL
        self.campaign.save()
        with self.assertRaisesMessage(ValidationError, "审定"):
            publication_services.campaign_publish(actor=self.office, campaign=self.campaign)

    def test_it_lists_every_lost_point_with_rule_reason_and_evidence(self):
        publication = publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        lost = pub.published_lost(publication, "440704")
        self.assertEqual([(e["indicator"], e["points_lost"]) for e in lost], [("A2", "6.00"), ("B1", "6.00")])
        self.assertEqual(lost[0]["items"][0]["rule"], "A2-1")
        self.assertEqual(lost[0]["reason"], "A2台账不完整")
        self.assertEqual(lost[0]["items"][0]["evidence_note"], "案卷编号2023-01")


class RectificationTestCase(ResultsTestCase):
    def test_it_sends_a_lost_point_to_the_rectification_list_once(self):
        publication = publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        problem = rectification_services.rectification_create(
            actor=self.county, publication=publication, target=self.county_org, indicator_code="A1"
        )  # a problem of the tracker (source 考评失分) since the 整改清单 was superseded
        self.assertEqual(problem.source_ref["points_lost"], "2.00")
        self.assertIn("A1台账不完整", problem.description)
        with self.assertRaisesMessage(ValidationError, "已列入整改清单"):
            rectification_services.rectification_create(
                actor=self.county, publication=publication, target=self.county_org, indicator_code="A1"
            )
        self.assertEqual((Problem.objects.count(), Rectification.objects.count()), (1, 0))

    def test_it_refuses_an_indicator_without_lost_points(self):
        publication = publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        with self.assertRaisesMessage(ValidationError, "没有失分"):
            rectification_services.rectification_create(
                actor=self.county, publication=publication, target=self.county_org, indicator_code="A2"
            )


class PublicationDateTestCase(WorkflowTestCase):
    def test_it_refuses_a_publication_date_in_the_future(self):
        import datetime

        from django.core.exceptions import ValidationError
        from django.utils import timezone

        from assessments.models import Publication
        from assessments.services.publication import campaign_publish

        tomorrow = timezone.now() + datetime.timedelta(days=1)
        with self.assertRaisesMessage(ValidationError, "公布时间不能晚于当前时间"):
            campaign_publish(actor=self.office, campaign=self.campaign, published_at=tomorrow)
        self.assertFalse(Publication.objects.filter(campaign=self.campaign).exists())
