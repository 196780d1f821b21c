from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from selections.tests.factories import SelectionTestCase


class ListQueriesTestCase(SelectionTestCase):
    def queries(self, client, url: str) -> int:
        client.get(url)  # the first request of a session writes it and fills per-module caches
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(client.get(url).status_code, 200)
        return len(captured)

    def test_it_keeps_the_query_count_of_list_pages_constant_in_their_rows(self):
        edition = self.edition()
        self.to_review(edition, count=2)
        office, expert = self.client_for(self.office), self.client_for(self.expert)
        pages = [
            (office, reverse("selections:edition_detail", args=[edition.pk])),
            (office, reverse("selections:edition_list")),
            (expert, reverse("selections:my_reviews")),
            (self.client, reverse("huimin:index")),
        ]
        before = [self.queries(client, url) for client, url in pages]
        more = self.edition()
        self.to_review(more, count=6)
        pages[0] = (office, reverse("selections:edition_detail", args=[more.pk]))
        self.assertEqual([self.queries(client, url) for client, url in pages], before)
