import datetime
from decimal import Decimal

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessments.models import Campaign, Framework, Phase, PhaseDeadline
from audit.models import AuditEntry
from notices.models import Contact, DocumentNumber, Notice, NumberStatus
from orgs.models import Org


class DemoTestCase(TestCase):
    def test_it_loads_the_2023_deployment_notice_to_the_seven_counties_once(self):
        from accounts import demo as accounts_demo
        from notices import demo
        from orgs import demo as orgs_demo

        orgs_demo.load()
        accounts_demo.load()
        framework = Framework.objects.create(
            year=2023, name="2023年度法治建设考评办法", total_score=Decimal(100)
        )
        campaign = Campaign.objects.create(year=2023, name="2023年度法治江门建设考评", framework=framework)
        campaign.targets.set(Org.objects.filter(is_target=True))
        PhaseDeadline.objects.create(
            campaign=campaign,
            phase=Phase.SELF_ASSESS,
            due_on=timezone.localdate() - datetime.timedelta(days=40),
        )
        demo.load()
        notice = Notice.objects.get(source=f"assessments.campaign:{campaign.pk}")
        self.assertEqual(notice.title, "关于开展2023年度法治建设考评工作的通知")
        rows = {r.org.name: r for r in notice.recipients.select_related("org")}
        self.assertEqual(len(rows), 7)
        self.assertEqual(sorted(n for n, r in rows.items() if r.signed_at is None), ["恩平市"])
        self.assertEqual(sum(1 for r in rows.values() if r.receipt_at), 6)
        self.assertLess(notice.receipt_deadline, timezone.localdate())  # 恩平市 is overdue
        self.assertEqual(Contact.objects.filter(org__is_target=True).count(), 7)
        self.assertTrue(DocumentNumber.objects.filter(status=NumberStatus.VOIDED).exists())
        office = self.client
        office.force_login(User.objects.get(username="office"))
        page = office.get(reverse("notices:detail", args=[notice.pk]))
        self.assertContains(page, "逾期未报")
        self.assertContains(page, "一键催办（1）")
        counts = (Notice.objects.count(), Contact.objects.count(), AuditEntry.objects.count())
        demo.load()
        self.assertEqual(
            (Notice.objects.count(), Contact.objects.count(), AuditEntry.objects.count()), counts
        )
