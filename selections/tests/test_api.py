from __future__ import annotations

from django.test import override_settings
from rest_framework.test import APIClient

from selections import services
from selections.models import Phase, Review, Vote
from selections.tests.factories import SelectionTestCase


class ApiTestCase(SelectionTestCase):
    def api(self, user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    def test_it_lists_only_the_experts_own_reviews_and_refuses_a_score_above_ten(self):
        edition = self.edition()
        self.to_review(edition, panel=[(self.expert, self.county_org, []), (self.expert2, None, [])])
        mine = self.api(self.expert).get("/api/v1/selections/reviews/").json()
        self.assertEqual(mine["count"], 2)  # not 蓬江区's: its employer
        theirs = Review.objects.filter(member__user=self.expert2).first()
        self.assertEqual(
            self.api(self.expert).get(f"/api/v1/selections/reviews/{theirs.pk}/").status_code, 404
        )
        own = Review.objects.filter(member__user=self.expert).first()
        bad = self.api(self.expert).patch(
            f"/api/v1/selections/reviews/{own.pk}/", {"mass": "10.5"}, format="json"
        )
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(bad.json()["error"]["fields"]["mass"], ["「群众性」的得分须在 0 到 10 分之间。"])
        ok = self.api(self.expert).post(
            f"/api/v1/selections/reviews/{own.pk}/submit/",
            {c: "8" for c in ("legality", "mass", "inclusive", "feasibility", "innovation")},
            format="json",
        )
        self.assertEqual(ok.status_code, 200)
        self.assertEqual(ok.json()["total"], "8.0000")
        self.assertEqual(self.api(self.county).get("/api/v1/selections/reviews/").status_code, 403)

    def test_it_shows_a_unit_only_its_own_nominations_and_forbids_screening(self):
        edition = self.edition()
        own = self.nominate(edition, org=self.county_org)
        self.nominate(edition, org=self.stranger_org)
        services.edition_advance(actor=self.office, edition=edition, to_phase=Phase.SCREEN)
        listed = self.api(self.county).get("/api/v1/selections/nominations/").json()
        self.assertEqual([n["id"] for n in listed["results"]], [own.pk])
        refused = self.api(self.county).post(
            f"/api/v1/selections/nominations/{own.pk}/screen/", {"eligible": True}
        )
        self.assertEqual(refused.status_code, 403)
        self.assertEqual(self.api(self.office).get("/api/v1/selections/nominations/").json()["count"], 2)
        screened = self.api(self.office).post(
            f"/api/v1/selections/nominations/{own.pk}/screen/",
            {"eligible": False, "reason": ""},
            format="json",
        )
        self.assertEqual(screened.status_code, 400)
        self.assertIn("reason", screened.json()["error"]["fields"])
        self.assertEqual(self.api(self.sysadmin).get("/api/v1/selections/editions/").status_code, 403)

    def test_it_answers_a_screening_without_a_reason_with_a_field_error_not_a_500(self):
        edition = self.edition()
        nomination = self.nominate(edition, org=self.county_org)
        services.edition_advance(actor=self.office, edition=edition, to_phase=Phase.SCREEN)
        for body, kwargs in (({"eligible": False}, {"format": "json"}), ({}, {})):
            with self.subTest(body=body):
                response = self.api(self.office).post(
                    f"/api/v1/selections/nominations/{nomination.pk}/screen/", body, **kwargs
                )
                self.assertEqual(response.status_code, 400)
                self.assertIn("reason", response.json()["error"]["fields"])
        nomination.refresh_from_db()
        self.assertIsNone(nomination.screened_at)

    def test_it_gives_vote_stats_to_the_office_only(self):
        edition = self.edition()
        made = self.to_vote(edition)
        self.vote(edition, made[0])
        stats = self.api(self.office).get(f"/api/v1/selections/editions/{edition.pk}/vote-stats/").json()
        self.assertEqual((stats["total"], stats["valid"]), (1, 1))
        self.assertEqual(
            self.api(self.county).get(f"/api/v1/selections/editions/{edition.pk}/vote-stats/").status_code,
            403,
        )

    def test_it_publishes_results_to_anyone_only_once_published(self):
        edition = self.edition()
        made = self.to_vote(edition)
        self.vote(edition, made[0])
        for phase in (Phase.RANK, Phase.PUBLICITY):
            edition = services.edition_advance(actor=self.office, edition=edition, to_phase=phase)
        self.assertEqual(self.api().get(f"/api/v1/selections/public/results/{edition.pk}/").status_code, 404)
        services.edition_advance(actor=self.office, edition=edition, to_phase=Phase.PUBLISHED)
        body = self.api().get(f"/api/v1/selections/public/results/{edition.pk}/").json()
        self.assertEqual(len([r for r in body["results"]["ranking"] if r["selected"]]), 3)
        self.assertEqual(self.api().get("/api/v1/selections/editions/").status_code, 401)

    @override_settings(PUBLIC_VOTES_PER_HOUR=3)
    def test_it_takes_a_code_vote_without_an_account_and_refuses_replays_and_floods(self):
        edition = self.edition()
        made = self.to_vote(edition)
        codes = services.vote_codes_generate(actor=self.office, edition=edition, count=3)
        url = f"/api/v1/selections/public/editions/{edition.pk}/votes/"
        ok = self.api().post(url, {"nomination": made[0].pk, "code": codes[0]}, format="json")
        self.assertEqual(ok.status_code, 201)
        again = self.api().post(url, {"nomination": made[0].pk, "code": codes[0]}, format="json")
        self.assertEqual(again.status_code, 400)
        self.assertEqual(again.json()["error"]["code"], "code_used")
        self.assertEqual(again.json()["error"]["message"], "该投票码已经使用过，每个投票码只能投票一次。")
        self.api().post(url, {"nomination": made[0].pk, "code": codes[1]}, format="json")
        flood = self.api().post(url, {"nomination": made[0].pk, "code": codes[2]}, format="json")
        self.assertEqual(flood.status_code, 429)
        self.assertEqual(Vote.objects.count(), 2)
