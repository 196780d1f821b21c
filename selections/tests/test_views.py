from __future__ import annotations

import datetime
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from attachments.tests import samples
from selections import captcha, services
from selections.models import Nomination, Phase, Review, Vote
from selections.tests.factories import SelectionTestCase

INTERNAL = (
    "/assessments/",
    "/performance/",
    "/provincial/",
    "/orgs/",
    "/accounts/",
    "工作台",
    "退出登录",
    "navbar",
)


def answer(client: Client) -> str:
    return client.session[captcha.KEY]["a"]


def nomination_data(**extra):
    return {
        "title": "社区法律顾问夜间门诊",
        "nominating_unit": "市民李某",
        "description": "在社区设立夜间法律咨询门诊。",
        "beneficiaries": "上班族居民",
        "budget": "12.5",
        "timeline": "2024年全年",
        **extra,
    }


class PublicNominationTestCase(SelectionTestCase):
    def setUp(self):
        self.edition_ = self.edition()
        self.url = reverse("huimin:nominate", args=[self.edition_.pk])

    def test_it_serves_the_public_form_without_login_and_without_internal_links(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        for text in INTERNAL:
            self.assertNotIn(text, html)
        self.assertIn('name="viewport"', html)
        self.assertEqual(self.client.get(reverse("huimin:captcha")).headers["Content-Type"], "image/png")

    def test_it_refuses_a_wrong_captcha_and_stores_nothing(self):
        self.client.get(self.url)
        response = self.client.post(self.url, nomination_data(captcha="-999"))
        self.assertContains(response, "验证码不正确", status_code=400)
        self.assertFalse(Nomination.objects.exists())

    def test_it_takes_a_nomination_and_shows_the_status_with_the_screening_reason(self):
        self.client.get(self.url)
        response = self.client.post(
            self.url,
            nomination_data(
                title="<script>alert('x')</script>夜间门诊",
                captcha=answer(self.client),
                files=[SimpleUploadedFile("方案.pdf", samples.PDF)],
            ),
        )
        self.assertEqual(response.status_code, 200)
        code = re.search(r'id="lookup-code">([A-Z0-9-]+)<', response.content.decode()).group(1)
        nomination = Nomination.objects.get()
        self.assertEqual(nomination.title, "<script>alert('x')</script>夜间门诊")
        self.assertEqual(nomination.attachments.count(), 1)
        self.assertIsNone(nomination.submitted_by)
        page = self.client_for(self.office).get(reverse("selections:nomination_detail", args=[nomination.pk]))
        self.assertNotContains(page, "<script>alert")
        self.assertContains(page, "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;夜间门诊")
        self.edition_ = services.edition_advance(
            actor=self.office, edition=self.edition_, to_phase=Phase.SCREEN
        )
        services.nomination_screen(
            actor=self.office, nomination=nomination, eligible=False, reason="属于已有常规工作"
        )
        status_url = reverse("huimin:status")
        self.client.get(status_url)
        found = self.client.post(status_url, {"code": code.lower(), "captcha": answer(self.client)})
        self.assertContains(found, "不符合条件")
        self.assertContains(found, "属于已有常规工作")

    @override_settings(UPLOAD_MAX_MB=20)
    def test_it_refuses_a_30_mb_file_with_a_chinese_public_page(self):
        self.client.get(self.url)
        big = SimpleUploadedFile("大文件.pdf", samples.PDF + b"0" * (30 * 1024 * 1024))
        response = self.client.post(self.url, nomination_data(captcha=answer(self.client), files=[big]))
        self.assertEqual(response.status_code, 413)
        html = response.content.decode()
        self.assertIn("提交的内容过大", html)
        self.assertIn("返回评选首页", html)
        self.assertNotIn("返回工作台", html)
        self.assertFalse(Nomination.objects.exists())

    def test_it_refuses_a_disguised_file_and_keeps_nothing(self):
        self.client.get(self.url)
        response = self.client.post(
            self.url,
            nomination_data(
                captcha=answer(self.client), files=[SimpleUploadedFile("x.pdf", b"MZ\x90\x00fake")]
            ),
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "x.pdf", status_code=400)
        self.assertFalse(Nomination.objects.exists())

    @override_settings(PUBLIC_POSTS_PER_HOUR=1)
    def test_it_limits_submissions_per_address(self):
        self.client.get(self.url)
        self.client.post(self.url, nomination_data(captcha=answer(self.client)))
        self.client.get(self.url)
        response = self.client.post(self.url, nomination_data(captcha=answer(self.client)))
        self.assertContains(response, "提交过于频繁", status_code=429)
        self.assertEqual(Nomination.objects.count(), 1)

    def test_it_closes_the_public_form_after_the_call(self):
        self.nominate(self.edition_)
        services.edition_advance(actor=self.office, edition=self.edition_, to_phase=Phase.SCREEN)
        self.assertEqual(self.client.get(self.url).status_code, 404)


class PublicVoteTestCase(SelectionTestCase):
    def setUp(self):
        self.edition_ = self.edition(deadlines={"vote": datetime.date(2099, 12, 31)})
        self.made = self.to_vote(self.edition_)
        self.url = reverse("huimin:vote", args=[self.edition_.pk])

    def test_it_takes_a_code_vote_and_refuses_the_same_code_again(self):
        code = services.vote_codes_generate(actor=self.office, edition=self.edition_, count=1)[0]
        page = self.client.get(self.url)
        self.assertContains(page, self.made[0].title)
        self.assertContains(page, "群众推荐")
        self.assertNotContains(page, "群众张某")  # a resident's name stays inside
        ok = self.client.post(self.url, {"nomination": self.made[0].pk, "method": "code", "code": code})
        self.assertContains(ok, "投票成功")
        again = Client().post(self.url, {"nomination": self.made[1].pk, "method": "code", "code": code})
        self.assertContains(again, "该投票码已经使用过", status_code=400)
        self.assertEqual(Vote.objects.count(), 1)

    def test_it_needs_the_phone_twice_and_the_captcha(self):
        self.client.get(self.url)
        mismatch = self.client.post(
            self.url,
            {
                "nomination": self.made[0].pk,
                "method": "phone",
                "phone": "13800001111",
                "phone_again": "13800001112",
                "captcha": "1",
            },
        )
        self.assertContains(mismatch, "两次输入的手机号码不一致", status_code=400)
        self.client.get(self.url)
        wrong = self.client.post(
            self.url,
            {
                "nomination": self.made[0].pk,
                "method": "phone",
                "phone": "13800001111",
                "phone_again": "13800001111",
                "captcha": "-999",
            },
        )
        self.assertContains(wrong, "验证码不正确", status_code=400)
        self.client.get(self.url)
        ok = self.client.post(
            self.url,
            {
                "nomination": self.made[0].pk,
                "method": "phone",
                "phone": "13800001111",
                "phone_again": "13800001111",
                "captcha": answer(self.client),
            },
        )
        self.assertContains(ok, "投票成功")
        self.assertEqual(Vote.objects.get().method, "phone")

    def test_it_refuses_a_vote_after_close_with_a_message(self):
        code = services.vote_codes_generate(actor=self.office, edition=self.edition_, count=1)[0]
        services.edition_advance(actor=self.office, edition=self.edition_, to_phase=Phase.RANK)
        response = self.client.post(self.url, {"nomination": self.made[0].pk, "method": "code", "code": code})
        self.assertContains(response, "公众投票已经结束", status_code=400)
        self.assertFalse(Vote.objects.exists())

    @override_settings(PUBLIC_VOTES_PER_HOUR=2)
    def test_it_limits_votes_per_address(self):
        codes = services.vote_codes_generate(actor=self.office, edition=self.edition_, count=3)
        for code in codes[:2]:
            self.client.post(self.url, {"nomination": self.made[0].pk, "method": "code", "code": code})
        response = self.client.post(
            self.url, {"nomination": self.made[0].pk, "method": "code", "code": codes[2]}
        )
        self.assertContains(response, "提交过于频繁", status_code=429)
        self.assertEqual(Vote.objects.count(), 2)


class PublicResultsTestCase(SelectionTestCase):
    def test_it_shows_results_and_the_notice_only_once_published(self):
        edition = self.edition()
        made = self.to_vote(edition)
        self.vote(edition, made[0])
        results = reverse("huimin:results", args=[edition.pk])
        notice = reverse("huimin:notice", args=[edition.pk])
        for phase in (Phase.RANK, Phase.PUBLICITY):
            edition = services.edition_advance(actor=self.office, edition=edition, to_phase=phase)
            self.assertEqual(self.client.get(results).status_code, 404)
            self.assertEqual(self.client.get(notice).status_code, 404)
        publicity = self.client.get(reverse("huimin:publicity", args=[edition.pk]))
        self.assertContains(publicity, made[0].title)
        services.edition_advance(actor=self.office, edition=edition, to_phase=Phase.PUBLISHED)
        page = self.client.get(results)
        self.assertContains(page, made[0].title)
        for text in INTERNAL:
            self.assertNotContains(page, text)
        download = self.client.get(notice)
        self.assertEqual(download.status_code, 200)
        import io

        import docx

        document = docx.Document(io.BytesIO(download.content))
        text = "\n".join(p.text for p in document.paragraphs)
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        self.assertIn("评选结果的公告", text)
        self.assertIn(made[0].title, cells)

    def test_it_takes_an_objection_during_publicity(self):
        edition = self.edition()
        made = self.to_vote(edition)
        self.vote(edition, made[0])
        for phase in (Phase.RANK, Phase.PUBLICITY):
            edition = services.edition_advance(actor=self.office, edition=edition, to_phase=phase)
        url = reverse("huimin:publicity", args=[edition.pk])
        self.client.get(url)
        short = self.client.post(
            url, {"nomination": made[0].pk, "text": "不好", "captcha": answer(self.client)}
        )
        self.assertContains(short, "至少 10 个字", status_code=400)
        self.client.get(url)
        ok = self.client.post(
            url,
            {
                "nomination": made[0].pk,
                "text": "该项目与往年项目内容重复，建议核实。",
                "captcha": answer(self.client),
            },
        )
        self.assertContains(ok, "异议已提交")
        self.assertEqual(edition.objections.count(), 1)


class InternalAccessTestCase(SelectionTestCase):
    def setUp(self):
        self.edition_ = self.edition()
        self.made = self.to_review(
            self.edition_, panel=[(self.expert, self.county_org, []), (self.expert2, None, [])]
        )

    def test_it_shows_an_expert_only_its_own_assignments(self):
        mine = Review.objects.filter(member__user=self.expert)
        theirs = Review.objects.filter(member__user=self.expert2).first()
        listing = self.client_for(self.expert).get(reverse("selections:my_reviews"))
        self.assertEqual(listing.status_code, 200)
        self.assertNotContains(listing, self.made[0].title + "<")  # 蓬江区's nomination: its employer
        self.assertEqual(len(listing.context["reviews"]), mine.count())
        self.assertEqual(
            self.client_for(self.expert)
            .get(reverse("selections:review_detail", args=[theirs.pk]))
            .status_code,
            404,
        )
        self.assertEqual(
            self.client_for(self.expert)
            .get(reverse("selections:nomination_detail", args=[self.made[0].pk]))
            .status_code,
            404,
        )
        self.assertEqual(
            self.client_for(self.expert)
            .get(reverse("selections:edition_detail", args=[self.edition_.pk]))
            .status_code,
            404,
        )

    def test_it_refuses_an_out_of_range_score_with_a_message_and_changes_nothing(self):
        review = Review.objects.filter(member__user=self.expert).first()
        url = reverse("selections:review_detail", args=[review.pk])
        data = {
            "legality": "8",
            "mass": "12",
            "inclusive": "8",
            "feasibility": "8",
            "innovation": "-1",
            "action": "submit",
        }
        response = self.client_for(self.expert).post(url, data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "得分须在 0 到 10 分之间", status_code=400)
        review.refresh_from_db()
        self.assertIsNone(review.mass)
        self.assertIsNone(review.submitted_at)
        self.assertEqual(
            self.client_for(self.expert2).post(url, {**data, "mass": "8", "innovation": "8"}).status_code, 404
        )

    def test_it_lets_an_expert_submit_its_scores(self):
        review = Review.objects.filter(member__user=self.expert).first()
        url = reverse("selections:review_detail", args=[review.pk])
        data = {
            "legality": "8",
            "mass": "7.5",
            "inclusive": "8",
            "feasibility": "8",
            "innovation": "6",
            "comment": "可行",
            "action": "submit",
        }
        self.assertEqual(self.client_for(self.expert).post(url, data).status_code, 302)
        review.refresh_from_db()
        self.assertEqual(str(review.total), "7.5000")

    def test_it_lets_a_county_see_its_own_nomination_but_not_screen_it(self):
        edition = self.edition()
        own = self.nominate(edition, org=self.county_org, user=self.county)
        other = self.nominate(edition, org=self.stranger_org, user=self.stranger)
        services.edition_advance(actor=self.office, edition=edition, to_phase=Phase.SCREEN)
        client = self.client_for(self.county)
        self.assertEqual(client.get(reverse("selections:nomination_detail", args=[own.pk])).status_code, 200)
        self.assertEqual(
            client.get(reverse("selections:nomination_detail", args=[other.pk])).status_code, 404
        )
        screen = client.post(
            reverse("selections:nomination_screen", args=[own.pk]),
            {"eligible": "1", "reason": "自己审查自己"},
        )
        self.assertEqual(screen.status_code, 403)
        self.assertEqual(
            client.post(
                reverse("selections:nomination_screen", args=[other.pk]), {"eligible": "1"}
            ).status_code,
            404,
        )
        own.refresh_from_db()
        self.assertEqual(own.screening, "pending")

    def test_it_lets_a_unit_nominate_during_the_call(self):
        edition = self.edition()
        url = reverse("selections:nominate", args=[edition.pk])
        response = self.client_for(self.assessor).post(url, nomination_data(nominating_unit=""))
        nomination = Nomination.objects.get(edition=edition)
        self.assertRedirects(response, reverse("selections:nomination_detail", args=[nomination.pk]))
        self.assertEqual(
            (nomination.org, nomination.source, nomination.nominating_unit),
            (self.sfj, "unit", "江门市司法局"),
        )
        self.assertEqual(self.client_for(self.expert).get(url).status_code, 404)
        self.assertEqual(self.client_for(self.sysadmin).get(url).status_code, 404)

    def test_it_lets_the_office_screen_and_advance_and_tells_why_not(self):
        edition = self.edition()
        client = self.client_for(self.office)
        refused = client.post(
            reverse("selections:edition_advance", args=[edition.pk]), {"to_phase": "screen"}
        )
        self.assertContains(refused, "尚未收到任何推荐项目", status_code=400)
        n = self.nominate(edition)
        self.assertRedirects(
            client.post(reverse("selections:edition_advance", args=[edition.pk]), {"to_phase": "screen"}),
            reverse("selections:edition_detail", args=[edition.pk]),
        )
        missing = client.post(
            reverse("selections:nomination_screen", args=[n.pk]), {"eligible": "0", "reason": ""}
        )
        self.assertContains(missing, "必须填写理由", status_code=400)
        client.post(reverse("selections:nomination_screen", args=[n.pk]), {"eligible": "1", "reason": "符合"})
        n.refresh_from_db()
        self.assertEqual(n.screening, "eligible")


class VoteCodesDownloadTestCase(SelectionTestCase):
    def test_it_downloads_a_batch_of_codes_once_and_they_vote(self):
        import io

        from openpyxl import load_workbook

        edition = self.edition()
        made = self.to_vote(edition)
        response = self.client_for(self.office).post(
            reverse("selections:vote_codes", args=[edition.pk]), {"count": "3"}
        )
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).active
        codes = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
        self.assertEqual(len(codes), 3)
        services.vote_cast(
            edition=edition, nomination_id=made[0].pk, method="code", credential=codes[0], address="10.0.0.1"
        )
        self.assertEqual(Vote.objects.count(), 1)
        refused = self.client_for(self.county).post(
            reverse("selections:vote_codes", args=[edition.pk]), {"count": "3"}
        )
        self.assertEqual(refused.status_code, 403)
        page = self.client_for(self.office).get(reverse("selections:votes", args=[edition.pk]))
        self.assertContains(page, "第 1 批：3 个，已使用 1 个")


class ClosedCallTestCase(SelectionTestCase):
    def test_it_tells_a_unit_the_call_is_closed_and_refuses_a_late_nomination(self):
        edition = self.edition()
        self.nominate(edition)
        services.edition_advance(actor=self.office, edition=edition, to_phase=Phase.SCREEN)
        url = reverse("selections:nominate", args=[edition.pk])
        self.assertContains(self.client_for(self.county).get(url), "项目征集已经结束")
        late = self.client_for(self.county).post(url, nomination_data())
        self.assertContains(late, "项目征集已经结束", status_code=400)
        self.assertEqual(Nomination.objects.filter(edition=edition).count(), 1)
