from __future__ import annotations

import io
import json

from django.db import connection

from assessments.services import publication as publication_services
from assessments.tests.fixtures import ResultsTestCase
from fazhi import cli


def run(*args: str) -> tuple[int, str, str]:
    """`fazhi campaign ARGS…` in this process, through the CLI's guard."""
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(["campaign", *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


class CampaignCommandTestCase(ResultsTestCase):
    def test_it_prints_the_published_ranking_as_json(self):
        publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        code, out, _ = run("ranking", "--year", "2023", "--json")
        self.assertEqual(code, 0)
        self.assertEqual(
            json.loads(out),
            [
                {"rank": 1, "target": "蓬江区", "code": "440703", "score": 98.0, "grade": "优秀"},
                {"rank": 2, "target": "江海区", "code": "440704", "score": 88.0, "grade": "良好"},
            ],
        )
        code, out, _ = run("ranking", "--year", "2023")
        self.assertIn("蓬江区", out)

    def test_it_exits_2_without_a_published_campaign(self):
        code, out, _ = run("ranking", "--year", "2023", "--json")
        self.assertEqual(
            (code, json.loads(out)),
            (
                2,
                {
                    "error": {
                        "code": "not_found",
                        "message": "2023 年度没有已公布的考评结果。",
                        "field": "--year",
                    }
                },
            ),
        )
        code, out, _ = run("ranking", "--year", "二〇二三", "--json")
        self.assertEqual(code, 2)
        self.assertIn("年度须为四位数字", json.loads(out)["error"]["message"])
        code, _, err = run("ranking", "--year", "1999")
        self.assertEqual(code, 2)
        self.assertIn("没有已公布的考评结果", err)

    def test_it_verifies_the_snapshot_hash(self):
        publication = publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        code, out, _ = run("verify", "--year", "2023", "--json")
        self.assertEqual((code, json.loads(out)["ok"]), (0, True))
        with connection.cursor() as cursor:  # the ORM refuses; raw SQL is caught by the check
            cursor.execute(
                "UPDATE assessments_publication SET snapshot = %s WHERE id = %s",
                ['{"tampered": true}', publication.pk],
            )
        code, out, _ = run("verify", "--year", "2023", "--json")
        self.assertEqual((code, json.loads(out)["ok"]), (1, False))
