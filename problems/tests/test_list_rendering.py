"""The problem list's rows and filter options are written in one pass
(problems_tags.problem_rows / options): what users typed is escaped there."""

from __future__ import annotations

from problems.models import Source
from problems.services import campaign_create
from problems.tests.base import ProblemsTestCase

NASTY = '<i a="x">&\'</i>'  # short enough for the list's cut of campaign names
ESCAPED = "&lt;i a=&quot;x&quot;&gt;&amp;&#x27;&lt;/i&gt;"


class ListRenderingTestCase(ProblemsTestCase):
    def test_it_escapes_titles_categories_campaigns_and_options(self):
        campaign = campaign_create(
            actor=self.office,
            name=NASTY,
            year=2024,
            start_date=self.campaign.start_date,
            end_date=self.campaign.end_date,
            categories=[NASTY],
        )
        self.register(title=NASTY, source=Source.CAMPAIGN, campaign=campaign, category=NASTY)
        response = self.client_for(self.office).get(f"/problems/?campaign={campaign.pk}")
        body = response.content.decode()
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(NASTY, body)
        self.assertIn(f">{ESCAPED}</a>", body)  # the title
        self.assertIn(f"{ESCAPED} · {ESCAPED}</div>", body)  # campaign · category
        self.assertIn(f'<option value="{campaign.pk}" selected>{ESCAPED}</option>', body)

    def test_it_denies_the_list_of_another_unit_to_the_stranger(self):
        self.register(title="蓬江区的问题")
        response = self.client_for(self.stranger).get("/problems/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "蓬江区的问题")
