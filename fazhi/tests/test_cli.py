"""The `fazhi` command answers bad input with a Chinese message and exit 2
(`{"error": …}` on stdout with --json), never with a traceback, and a bug
with exit 1 and one line (the traceback only with FAZHI_DEBUG=1)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from django.test import SimpleTestCase

from documents.tests import hostile
from fazhi import cli
from fazhi.testing import BaseTestCase
from performance.tests.test_engine_inputs import seed_json

FAZHI = Path(sys.executable).with_name("fazhi")
MAX_RSS_MB = 400  # a refused file must not grow the process much beyond Django itself (~100 MB)


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


# Runs the command and writes its peak memory (wait4) to the file named first. A child
# forked straight from the test process would report the test process's own peak:
# Linux carries a process's high-water mark over fork and exec into ru_maxrss.
LAUNCHER = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[2:])\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


class Process:
    """`fazhi ARGV…` in a child process, with its own peak memory (wait4, through a small launcher)."""

    def __init__(self, *argv: str, env: dict[str, str], files: contextlib.ExitStack) -> None:
        self.argv = argv
        # closed by the caller's ExitStack once every process has been waited for
        self.out = files.enter_context(tempfile.TemporaryFile())  # noqa: SIM115
        self.err = files.enter_context(tempfile.TemporaryFile())  # noqa: SIM115
        self.rss = Path(files.enter_context(tempfile.TemporaryDirectory())) / "maxrss"
        self.started = time.monotonic()
        self.popen = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(self.rss), str(FAZHI), *argv],
            stdout=self.out,
            stderr=self.err,
            env=env,
        )

    def wait(self) -> tuple[int, str, str, float, float]:
        self.popen.wait()
        seconds = time.monotonic() - self.started
        self.out.seek(0)
        self.err.seek(0)
        return (
            self.popen.returncode,
            self.out.read().decode(),
            self.err.read().decode(),
            seconds,
            int(self.rss.read_text()) / 1024,
        )


class CommandLineBadInputTestCase(SimpleTestCase):
    """One representative bad input per command, each in its own process."""

    def test_it_answers_bad_input_of_every_command_with_exit_2_and_no_traceback(self):
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            (d / "far.xlsx").write_bytes(hostile.far_cells_xlsx())
            (d / "bomb.xlsx").write_bytes(hostile.bomb_xlsx(text=True))
            (d / "seed.json").write_text(json.dumps(seed_json(), ensure_ascii=False), encoding="utf-8")
            env = {**os.environ, "FAZHI_DATA_DIR": str(d / "data"), "FAZHI_DEBUG": "0"}
            cases = [
                ("selfeval", "score", str(d / "missing.xlsx"), "--json"),
                ("selfeval", "score", str(d / "far.xlsx"), "--json"),
                ("selfeval", "report", str(d / "bomb.xlsx"), "-o", str(d / "r.docx"), "--json"),
                ("selfeval", "export", str(d / "seed.json"), "-o", str(d / "nodir" / "x.xlsx")),
                ("selfeval", "score", str(d / "seed.json"), "--bogus"),
                ("campaign", "ranking", "--year", "20x3", "--json"),
                ("demo", "logins", "--bogus"),
                ("audit", "verify", "--bogus"),
                ("backup", "create", "-o", str(d / "backup.out")),
                ("backup", "restore", str(d / "missing.tar.gz")),
                ("nosuchcommand",),
            ]
            with contextlib.ExitStack() as files:
                processes = [Process(*argv, env=env, files=files) for argv in cases]  # in parallel
                results = [p.wait() for p in processes]
        for argv, (code, out, err, seconds, rss_mb) in zip(cases, results, strict=True):
            with self.subTest(argv=" ".join(argv[:3])):
                self.assertEqual(code, 2, (out, err))
                self.assertNotIn("Traceback", out + err)
                self.assertTrue(has_chinese(err), err)
                self.assertLess(rss_mb, MAX_RSS_MB)
                self.assertLess(seconds, 60)
                if "--json" in argv:
                    error = json.loads(out)["error"]
                    self.assertTrue(has_chinese(error["message"]), error)
        far = json.loads(results[1][1])["error"]
        self.assertIn("XFD1048576", far["message"])
        self.assertIn("压缩炸弹", json.loads(results[2][1])["error"]["message"])
        self.assertFalse((Path(tmp) / "r.docx").exists())


class CommandLineGuardTestCase(BaseTestCase):
    """The guard in-process, for the cases that need the test database or a patch."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        self.json = self.dir / "seed.json"
        self.json.write_text(json.dumps(seed_json(), ensure_ascii=False), encoding="utf-8")

    def tearDown(self):
        self.tmp.cleanup()

    def assert_refused(self, *argv: str, message: str) -> dict:
        code, out, err = run(*argv, "--json")
        self.assertEqual(code, 2, err)
        self.assertNotIn("Traceback", out + err)
        self.assertIn(message, err)
        error = json.loads(out)["error"]
        self.assertIn(message, error["message"])
        return error

    def test_it_refuses_bad_files_and_paths_for_selfeval(self):
        self.assert_refused("selfeval", "score", str(self.dir), message="不支持的文件类型")
        (self.dir / "dir.xlsx").mkdir()
        self.assert_refused("selfeval", "score", str(self.dir / "dir.xlsx"), message="不是文件")
        self.assert_refused("selfeval", "score", str(self.dir / "none.json"), message="找不到文件")
        self.assert_refused("selfeval", "score", str(self.dir / "x.csv"), message="不支持的文件类型")
        corrupt = self.dir / "corrupt.xlsx"
        corrupt.write_bytes(hostile.far_cells_xlsx()[:700])
        self.assert_refused("selfeval", "score", str(corrupt), message="无法读取")
        error = self.assert_refused(
            "selfeval", "export", str(self.json), "-o", str(self.dir / "x.pdf"), message=".xlsx"
        )
        self.assertEqual((error["code"], error["field"]), ("invalid_output", "-o"))
        self.assert_refused(
            "selfeval", "export", str(self.json), "-o", str(self.dir / "dir.xlsx"), message="是一个目录"
        )
        self.assert_refused(
            "selfeval",
            "export",
            str(self.json),
            "-o",
            str(self.dir / "none" / "x.xlsx"),
            message="输出目录不存在",
        )
        self.assert_refused("selfeval", "report", str(self.json), "-o", "/proc/fazhi.docx", message="写入")
        self.assert_refused(
            "selfeval", "score", str(self.json), "--rules", "../cz2020", message="未知的评分规则"
        )
        self.assertEqual(list(self.dir.glob(".fazhi-*")), [])  # nothing half-written

    def test_it_refuses_unknown_options_and_subcommands(self):
        error = self.assert_refused("selfeval", "score", str(self.json), "--bogus", message="无法识别的参数")
        self.assertEqual(error["code"], "invalid_arguments")
        self.assert_refused("selfeval", "rescore", message="没有子命令")
        self.assert_refused("campaign", "ranking", message="缺少必需的参数")
        self.assert_refused("selfevel", message="是否想输入 selfeval")

    def test_it_refuses_a_bad_or_unknown_year(self):
        for year in ("20x3", "２０２３", "99999", "-1"):
            error = self.assert_refused("campaign", "ranking", "--year", year, message="年度须为四位数字")
            self.assertEqual(error["code"], "invalid_year")
        error = self.assert_refused("campaign", "verify", "--year", "2031", message="没有已公布的考评结果")
        self.assertEqual(error["code"], "not_found")

    def test_it_refuses_a_missing_backup_and_a_wrong_extension(self):
        self.assert_refused("backup", "create", "-o", str(self.dir / "b.out"), message=".tar.gz")
        code, out, err = run("backup", "restore", str(self.dir / "none.tar.gz"))
        self.assertEqual(code, 2)
        self.assertIn("备份文件不存在", err)
        self.assertNotIn("Traceback", out + err)

    def test_it_reports_a_bug_in_one_line_with_exit_1(self):
        with mock.patch(
            "performance.management.commands.selfeval.score_evaluation", side_effect=ZeroDivisionError("boom")
        ):
            code, out, err = run("selfeval", "score", str(self.json))
            self.assertEqual(code, 1)
            self.assertNotIn("Traceback", err)
            self.assertIn("内部错误（ZeroDivisionError）", err)
            self.assertEqual(len(err.strip().splitlines()), 1)
            with mock.patch.dict(os.environ, {"FAZHI_DEBUG": "1"}):
                code, out, err = run("selfeval", "score", str(self.json), "--json")
        self.assertEqual(code, 1)
        self.assertIn("Traceback", err)
        self.assertEqual(json.loads(out)["error"]["code"], "internal_error")

    def test_it_keeps_a_commands_own_exit_code_and_output(self):
        code, out, _ = run("selfeval", "score", str(self.json), "--json")
        self.assertEqual((code, json.loads(out)["total"]), (0, 92.01))
        code, out, _ = run("demo", "logins", "--json")
        self.assertEqual(code, 0)
        self.assertIsInstance(json.loads(out), list)
