"""A published result is checked against the hash the audit log recorded when it
was published, not only against the copy in its own row; nothing but the
publishing service writes publications; and the audit head at publication is
printed on the results page and in the 通报, so paper anchors the log too."""

from __future__ import annotations

import io
import json

import docx
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from assessments.models import Phase, Publication, PublicationImmutable
from assessments.selectors import publication as pub
from assessments.services import publication as publication_services
from assessments.services import rectifications as rectification_services
from assessments.tests.fixtures import ResultsTestCase, make_campaign
from audit import chain
from audit.models import AuditEntry, AuditHead


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def campaign_verify(year: int) -> tuple[int, dict]:
    out = io.StringIO()
    try:
        call_command("campaign", "verify", "--year", str(year), "--json", stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        return int(exc.code or 0), json.loads(out.getvalue())
    return 0, json.loads(out.getvalue())


class PublicationAgainstAuditTestCase(ResultsTestCase):
    def setUp(self) -> None:
        self.publication = publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        self.entry = AuditEntry.objects.get(action="assessments.campaign.published")

    def rewrite_row_with_its_own_hash(self) -> None:
        """What someone with database access would do: change a total and re-hash the row."""
        snapshot = Publication.objects.get(pk=self.publication.pk).snapshot
        snapshot["ranking"][1]["total"] = "99.00"
        raw(
            "UPDATE assessments_publication SET snapshot = %s, sha256 = %s WHERE id = %s",
            [json.dumps(snapshot, ensure_ascii=False), pub.snapshot_hash(snapshot), self.publication.pk],
        )

    def test_it_catches_a_row_rewritten_together_with_its_own_hash(self):
        self.assertTrue(pub.publication_verify(self.publication))
        self.rewrite_row_with_its_own_hash()
        stored = Publication.objects.get(pk=self.publication.pk)
        self.assertEqual(pub.snapshot_hash(stored.snapshot), stored.sha256)  # the row agrees with itself
        check = pub.publication_check(stored)
        self.assertFalse(check.ok)
        self.assertIn(f"审计日志第 {self.entry.seq} 条记录", check.reason)

    def test_it_shows_the_failed_check_in_the_command_and_on_the_results_pages(self):
        self.assertEqual(campaign_verify(2023)[0], 0)
        self.rewrite_row_with_its_own_hash()
        code, result = campaign_verify(2023)
        self.assertEqual((code, result["ok"], result["audit_seq"]), (1, False, self.entry.seq))
        self.assertIn("快照被改动", result["reason"])
        for user in (self.office, self.county, self.stranger):
            for name in ("results", "publication"):
                response = self.client_for(user).get(reverse(f"assessments:{name}", args=[self.campaign.pk]))
                self.assertContains(response, "校验不一致")
                self.assertContains(response, "快照被改动")

    def test_it_catches_a_publication_row_inserted_with_raw_sql(self):
        other = make_campaign(self, year=2024, phase=Phase.PUBLISHED)
        snapshot = {
            **self.publication.snapshot,
            "campaign": {"id": other.pk, "year": 2024, "name": other.name},
        }
        raw(
            "INSERT INTO assessments_publication (campaign_id, published_at, snapshot, sha256) VALUES (%s, %s, %s, %s)",
            [other.pk, timezone.now(), json.dumps(snapshot, ensure_ascii=False), pub.snapshot_hash(snapshot)],
        )
        check = pub.publication_check(Publication.objects.get(campaign=other))
        self.assertFalse(check.ok)
        self.assertIn("没有该结果的公布记录", check.reason)
        self.assertEqual(campaign_verify(2024)[0], 1)

    def test_it_catches_a_publication_entry_rewritten_in_the_audit_log(self):
        # Both the row and the audit entry's recorded hash rewritten, the chain recomputed:
        # only the HMAC, whose key the database never sees, tells.
        self.rewrite_row_with_its_own_hash()
        forged = Publication.objects.get(pk=self.publication.pk).sha256
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("DROP TRIGGER audit_entry_no_update")
            else:
                cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        entry = AuditEntry.objects.get(pk=self.entry.pk)
        entry.data = {**entry.data, "sha256": forged}
        entry.hash = chain.entry_hash(entry.prev_hash, entry.content())
        AuditEntry.objects.filter(pk=entry.pk).update(data=entry.data, hash=entry.hash)
        AuditHead.objects.filter(pk=1, seq=entry.seq).update(hash=entry.hash)
        check = pub.publication_check(Publication.objects.get(pk=self.publication.pk))
        self.assertFalse(check.ok)
        self.assertIn("校验码（HMAC）不符", check.reason)


class PublicationWritersTestCase(ResultsTestCase):
    def test_it_refuses_every_orm_writer_but_the_publishing_service(self):
        publication = publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        other = make_campaign(self, year=2024, phase=Phase.FINAL_REVIEW)
        attempts = {
            "create": lambda: Publication.objects.create(
                campaign=other, published_at=timezone.now(), snapshot={}, sha256="0" * 64
            ),
            "bulk_create": lambda: Publication.objects.bulk_create(
                [Publication(campaign=other, published_at=timezone.now(), snapshot={}, sha256="0" * 64)]
            ),
            "save": lambda: Publication(
                campaign=other, published_at=timezone.now(), snapshot={}, sha256="0" * 64
            ).save(),
            "update": lambda: Publication.objects.filter(pk=publication.pk).update(sha256="0" * 64),
            "delete": lambda: Publication.objects.filter(pk=publication.pk).delete(),
            "instance delete": lambda: Publication.objects.get(pk=publication.pk).delete(),
            "bulk_update": lambda: Publication.objects.bulk_update([publication], ["sha256"]),
        }
        for name, attempt in attempts.items():
            with self.subTest(name), self.assertRaises(PublicationImmutable), transaction.atomic():
                attempt()
        self.assertEqual(
            list(Publication.objects.values_list("pk", "sha256")), [(publication.pk, publication.sha256)]
        )
        self.assertTrue(pub.publication_verify(Publication.objects.get(pk=publication.pk)))


class AuditHeadOnPaperTestCase(ResultsTestCase):
    def test_it_prints_the_audit_head_at_publication_on_the_results_page_and_in_the_notice(self):
        publication = publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        entry = AuditEntry.objects.get(action="assessments.campaign.published")
        # later entries do not change what was printed at publication
        rectification_services.rectification_create(
            actor=self.office, publication=publication, target=self.county_org, indicator_code="A1"
        )
        for user in (self.office, self.county):
            response = self.client_for(user).get(reverse("assessments:results", args=[self.campaign.pk]))
            self.assertContains(response, f"公布时审计日志链头：第 {entry.seq} 条记录")
            self.assertContains(response, entry.hash)
            self.assertContains(response, "与公布时的审计记录校验一致")
        response = self.client_for(self.office).get(
            reverse("assessments:publication_notice", args=[self.campaign.pk])
        )
        text = "".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
        grouped = " ".join(entry.hash[i : i + 16] for i in range(0, 64, 16))
        self.assertIn(f"公布时审计日志链头为第{entry.seq}条记录，其哈希值为{grouped}。", text)

    def test_it_denies_the_results_page_to_an_outsider(self):
        publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        response = self.client_for(self.expert).get(reverse("assessments:results", args=[self.campaign.pk]))
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(b"audit-head", response.content)
