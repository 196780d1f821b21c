import hashlib
import io
import json

from django.core.management import call_command

from experts import services
from experts.models import Draw
from experts.tests.factories import expert, pool
from fazhi.testing import BaseTestCase


class CliTestCase(BaseTestCase):
    def setUp(self):
        self.pool = pool(self.office, 6, "administrative") + [expert(self.office, "民法专家", "civil")]
        self.draw = services.draw_execute(
            actor=self.office,
            draw=services.draw_prepare(
                actor=self.office, purpose="迎检咨询专家", size=3, backups=2, required_fields=["civil"]
            ),
        )

    def run_cli(self, *args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("experts", *args, stdout=out, stderr=err)
        except SystemExit as exc:
            return int(exc.code or 0), out.getvalue(), err.getvalue()
        return 0, out.getvalue(), err.getvalue()


class VerifyDrawTestCase(CliTestCase):
    def test_it_exits_0_and_prints_the_recomputed_panel_of_an_untouched_draw(self):
        code, out, _ = self.run_cli("verify-draw", str(self.draw.pk))
        self.assertEqual(code, 0, out)
        self.assertIn("校验通过", out)
        self.assertIn("民法专家", out)  # the only civil-law expert must be on the panel
        names = {e.pk: e.name for e in self.pool}
        for n, expert_id in enumerate(self.draw.result["panel"], start=1):
            self.assertIn(f"{n}. {names[expert_id]}（专家编号 {expert_id}）", out)

    def test_it_exits_1_naming_a_panel_member_swapped_in_the_database(self):
        outsider = next(e for e in self.pool if e.pk not in self.draw.panel_ids + self.draw.backup_ids)
        altered = {"panel": [*self.draw.panel_ids[:-1], outsider.pk], "backups": self.draw.backup_ids}
        Draw.objects.filter(pk=self.draw.pk).update(result=altered)
        code, out, err = self.run_cli("verify-draw", str(self.draw.pk))
        self.assertEqual(code, 1)
        self.assertIn(f"记录中多出 {outsider.name}（{outsider.pk}）", out)
        self.assertIn("校验不通过", err)

    def test_it_exits_1_when_seed_and_commitment_were_replaced_together(self):
        seed = bytes(32)
        Draw.objects.filter(pk=self.draw.pk).update(
            seed=seed.hex(), commitment=hashlib.sha256(seed).hexdigest()
        )
        code, out, _ = self.run_cli("verify-draw", str(self.draw.pk))
        self.assertEqual(code, 1)
        self.assertIn("审计日志中抽取前公布的", out)

    def test_it_exits_1_when_the_frozen_list_was_edited_after_the_commitment(self):
        candidates = [c for c in self.draw.candidates if c["id"] not in self.draw.panel_ids[:1]]
        Draw.objects.filter(pk=self.draw.pk).update(candidates=candidates)
        code, out, _ = self.run_cli("verify-draw", str(self.draw.pk), "--json")
        self.assertEqual(code, 1)
        body = json.loads(out)
        self.assertFalse(body["ok"])
        self.assertTrue(any("名单或参数被改动" in p for p in body["problems"]))

    def test_it_reports_a_garbled_record_without_a_traceback(self):
        Draw.objects.filter(pk=self.draw.pk).update(result=[1, 2, 3], candidates={"x": 1})
        code, out, err = self.run_cli("verify-draw", str(self.draw.pk))
        self.assertEqual(code, 1)
        self.assertIn("冻结的候选名单不是列表", out)
        listed_code, listed, _ = self.run_cli("draws", "--json")
        self.assertEqual(listed_code, 0)
        self.assertEqual(json.loads(listed)[0]["panel"], [])

    def test_it_exits_2_for_a_bad_or_unknown_id_or_a_draw_not_yet_made(self):
        committed = services.draw_prepare(actor=self.office, purpose="待执行", size=1)
        for raw, message in (
            ("abc", "抽取编号应为正整数"),
            ("-1", "抽取编号应为正整数"),
            ("99999", "没有编号为 99999 的抽取记录"),
            (str(committed.pk), "尚未执行"),
        ):
            with self.subTest(raw):
                code, out, err = self.run_cli("verify-draw", raw)
                self.assertEqual(code, 2)
                self.assertIn(message, err)
                self.assertNotIn("Traceback", out + err)

    def test_it_still_verifies_a_draw_cancelled_after_it_was_made(self):
        services.draw_cancel(actor=self.office, draw=self.draw, reason="评审方案调整")
        code, out, _ = self.run_cli("verify-draw", str(self.draw.pk))
        self.assertEqual(code, 0, out)
        self.assertIn("已取消", out)


class ListAndDrawTestCase(CliTestCase):
    def test_it_lists_every_draw_with_its_id_as_json(self):
        cancelled = services.draw_prepare(actor=self.office, purpose="述法评议", size=2)
        services.draw_cancel(actor=self.office, draw=cancelled, reason="事项取消")
        code, out, _ = self.run_cli("draws", "--json")
        self.assertEqual(code, 0)
        rows = json.loads(out)
        self.assertEqual([r["id"] for r in rows], [self.draw.pk, cancelled.pk])
        first = rows[0]
        for key in ("id", "purpose", "status", "commitment", "size", "created_at", "panel"):
            self.assertIn(key, first)
        self.assertEqual(first["panel"], self.draw.panel_ids)
        self.assertEqual((rows[1]["status"], rows[1]["panel"]), ("cancelled", []))
        self.assertEqual(rows[1]["seed"], Draw.objects.get(pk=cancelled.pk).seed)  # revealed on cancel

    def test_it_prepares_and_executes_a_draw_in_the_name_of_an_office_user(self):
        code, out, _ = self.run_cli(
            "draw", "--as", "office", "--purpose", "命令行抽取", "--size", "2", "--backups", "1", "--json"
        )
        self.assertEqual(code, 0, out)
        body = json.loads(out)
        self.assertEqual((body["status"], len(body["panel"])), ("executed", 2))
        self.assertEqual(self.run_cli("verify-draw", str(body["id"]))[0], 0)

    def test_it_refuses_a_bad_command_line_draw_with_exit_2_and_saves_nothing(self):
        before = Draw.objects.count()
        for args, message in (
            (["--as", "pengjiang", "--size", "2"], "不是在用的依法治办账号"),
            (["--as", "office", "--size", "0"], "专家组人数至少为 1 人"),
            (["--as", "office", "--size", "x"], "专家组人数应为非负整数"),
            (["--as", "office", "--size", "50"], "不足以抽取 50 人"),
            (["--as", "office", "--size", "2", "--field", "astrology"], "未知的专业领域"),
            (["--as", "office", "--size", "2", "--exclude-org", "NOPE"], "没有机构代码为 NOPE 的单位"),
        ):
            with self.subTest(args):
                code, _, err = self.run_cli("draw", "--purpose", "x", *args)
                self.assertEqual(code, 2)
                self.assertIn(message, err)
        self.assertEqual(Draw.objects.count(), before)
