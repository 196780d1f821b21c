from django.test import TestCase

from accountability.models import AccountabilityAction, Finding, Rating, ShufaReport
from accounts.models import User


class DemoTestCase(TestCase):
    def test_it_loads_the_2023_round_inspection_and_actions_once(self):
        from accountability import demo
        from accounts import demo as accounts_demo
        from experts import demo as experts_demo
        from orgs import demo as orgs_demo

        orgs_demo.load()
        accounts_demo.load()
        experts_demo.load()
        demo.load()
        demo.load()  # idempotent
        leaders = User.objects.filter(role_id="leader")
        self.assertEqual(leaders.count(), 14)
        self.assertTrue(all("演示" in u.name for u in leaders))
        self.assertEqual(ShufaReport.objects.filter(state="submitted").count(), 14)
        self.assertEqual(Rating.objects.count(), 14 * 7)  # 5 drawn experts + 2 committee members
        self.assertEqual(Finding.objects.count(), 5)
        states = dict(
            AccountabilityAction.objects.filter(leader__username="leader_enping_sj").values_list(
                "kind", "state"
            )
        )
        # its findings still open are overdue problems of the tracker: 责令整改 is proposed too
        self.assertEqual(states, {"talk": "done", "criticise": "confirmed", "rectify": "proposed"})
        dismissed = AccountabilityAction.objects.get(leader__username="leader_taishan_zz", kind="talk")
        self.assertEqual(dismissed.state, "dismissed")

    def test_it_opens_the_findings_still_to_rectify_as_problems_of_the_tracker(self):
        from accountability import demo
        from accounts import demo as accounts_demo
        from experts import demo as experts_demo
        from orgs import demo as orgs_demo
        from problems.models import Problem

        orgs_demo.load()
        accounts_demo.load()
        experts_demo.load()
        demo.load()
        open_findings = Finding.objects.filter(rectified_on__isnull=True)
        self.assertTrue(open_findings.exists())
        self.assertFalse(
            Finding.objects.filter(rectified_on__isnull=False, problem_id__isnull=False).exists()
        )
        problems = Problem.objects.filter(pk__in=open_findings.values("problem_id"))
        self.assertEqual(problems.count(), open_findings.count())
        for finding in open_findings:
            problem = problems.get(pk=finding.problem_id)
            self.assertEqual(
                (problem.source, problem.org_id, problem.deadline, problem.registered_at.year),
                ("inspection", finding.target_id, finding.deadline, 2023),
            )
