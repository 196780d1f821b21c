"""Text a county or a unit typed comes back from every assessments export as
text, never as a formula (the office opens these files in Excel)."""

from __future__ import annotations

from django.urls import reverse

from assessments.models import Indicator, Rule, Section
from assessments.services import publication as publication_services
from assessments.tests.fixtures import ResultsTestCase
from documents.tests.test_xlsx import HOSTILE, assert_text_cells


class ExportsWriteTextAsTextTestCase(ResultsTestCase):
    def setUp(self):
        self.county_org.name = self.county_org.short_name = HOSTILE[0]
        self.county_org.save()
        Indicator.objects.filter(code="A1", section__framework=self.campaign.framework).update(
            name=HOSTILE[1]
        )
        Rule.objects.filter(code="A1-1").update(text=HOSTILE[3])
        Section.objects.filter(code="A", framework=self.campaign.framework).update(name="=1+1")
        self.office_client = self.client_for(self.office)

    def download(self, url: str) -> bytes:
        response = self.office_client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response.content

    def test_it_writes_the_draft_ranking_names_as_text(self):
        content = self.download(reverse("assessments:results_live_xlsx", args=[self.campaign.pk]))
        self.assertGreaterEqual(assert_text_cells(self, content), 1)

    def test_it_writes_the_published_ranking_and_trends_as_text(self):
        publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        ranking = self.download(reverse("assessments:publication_ranking", args=[self.campaign.pk]))
        self.assertGreaterEqual(assert_text_cells(self, ranking), 1)
        for kind in ("total", "indicators"):
            url = reverse("assessments:trends_xlsx", args=[kind]) + "?target=440703"
            assert_text_cells(self, self.download(url))
        sections = self.download(reverse("assessments:trends_xlsx", args=["sections"]) + "?target=440703")
        self.assertGreaterEqual(assert_text_cells(self, sections), 1)  # the 板块 name

    def test_it_writes_the_score_matrix_and_social_template_as_text(self):
        matrix = self.download(reverse("assessments:campaign_matrix_export", args=[self.campaign.pk]))
        self.assertGreaterEqual(assert_text_cells(self, matrix), 3)  # two headers and an indicator
        social = self.download(reverse("assessments:social_template", args=[self.campaign.pk]))
        self.assertGreaterEqual(assert_text_cells(self, social), 1)

    def test_it_writes_the_framework_export_as_text(self):
        content = self.download(reverse("assessments:framework_export", args=[self.campaign.framework.pk]))
        self.assertGreaterEqual(assert_text_cells(self, content), 2)  # indicator name and rule text

    def test_it_writes_the_org_list_export_as_text(self):
        content = self.download(reverse("orgs:export"))
        self.assertGreaterEqual(assert_text_cells(self, content), 2)  # name and short name
