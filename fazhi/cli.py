"""The `fazhi` command: Django's manage.py plus the project's own commands.

`fazhi demo load`, `fazhi audit verify`, `fazhi backup create -o F`,
`fazhi selfeval score F --json` … are management commands with subcommands,
so `fazhi help` lists everything in one place.

One guard for every command: bad input (a `CommandError`, an argument argparse
refuses, a missing or unreadable file, a bad setting, an object that does not
exist) ends with a one-line Chinese message on stderr and exit code 2, and
with `--json` also `{"error": {"code", "message", …}}` on stdout. Anything
else is a bug: it still fails (exit 1) and says so in one line, and the
traceback is printed only with `FAZHI_DEBUG=1` (or `--traceback`). Commands
raise `BadInput` (a CommandError with a code and details for the JSON).
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import sys
import traceback
from typing import IO, Any

from django.core.management.base import CommandError

from fazhi.lib.env import TRUE

USAGE_HINT = "（运行 fazhi {command} --help 查看用法）"


class BadInput(CommandError):
    """Bad input to a command: exit 2 with `message`; under --json the error
    object also carries `code` and any `details` (field, problems …)."""

    def __init__(self, message: str, *, code: str = "invalid_input", **details: Any) -> None:
        super().__init__(message, returncode=2)
        self.message = message
        self.code = code
        self.details = details


class _UsageError(BadInput):
    pass


# argparse's messages (Python 3.11), as the person at the terminal should read them.
_ARGPARSE_MESSAGES = [
    (re.compile(r"unrecognized arguments: (.+)"), "无法识别的参数：{0}"),
    (re.compile(r"the following arguments are required: (.+)"), "缺少必需的参数：{0}"),
    (re.compile(r"argument action: invalid choice: (.+?) \(choose from (.+)\)"), "没有子命令 {0}，可选：{1}"),
    (
        re.compile(r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)"),
        "参数 {0} 的取值 {1} 无效，可选：{2}",
    ),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 后面需要一个值"),
    (re.compile(r"argument (\S+): expected (.+) arguments?"), "参数 {0} 后面的值的个数不对"),
    (re.compile(r"argument (\S+): invalid (\S+) value: (.+)"), "参数 {0} 的值 {2} 无效"),
    (re.compile(r"argument (\S+): not allowed with argument (\S+)"), "参数 {0} 不能与 {1} 同时使用"),
    (re.compile(r"argument (\S+): ignored explicit argument (.+)"), "参数 {0} 不接受值 {1}"),
    (re.compile(r"ambiguous option: (\S+) could match (.+)"), "选项 {0} 有歧义，可能是：{1}"),
]


def _usage_message(command: str, raw: str) -> str:
    text = raw.removeprefix("Error: ").strip()
    for pattern, template in _ARGPARSE_MESSAGES:
        match = pattern.fullmatch(text)
        if match:
            parts = [g.replace("action", "子命令") for g in match.groups()]
            text = template.format(*parts)
            break
    else:
        text = f"参数错误：{text}"
    return text.rstrip("。") + "。" + USAGE_HINT.format(command=command)


def _run_from_argv(command: Any, argv: list[str]) -> None:
    """BaseCommand.run_from_argv, minus its own handling of CommandError (which
    prints an English "CommandError: …" and exits 1): errors reach the guard."""
    from django.core.management.base import handle_default_options

    command._called_from_command_line = False  # argparse errors raise CommandError instead of exiting
    parser = command.create_parser(argv[0], argv[1])
    try:
        options = parser.parse_args(argv[2:])
    except CommandError as exc:
        raise _UsageError(_usage_message(argv[1], str(exc)), code="invalid_arguments") from None
    cmd_options = vars(options)
    args = cmd_options.pop("args", ())
    handle_default_options(options)
    command.execute(*args, **cmd_options)


def _utility(argv: list[str]) -> Any:
    from django.core.management import ManagementUtility, get_commands
    from django.core.management.base import BaseCommand

    class Utility(ManagementUtility):
        def fetch_command(self, subcommand: str) -> Any:
            commands = get_commands()
            if subcommand not in commands:
                close = difflib.get_close_matches(subcommand, commands)
                hint = f"是否想输入 {close[0]}？" if close else ""
                raise BadInput(
                    f"未知的命令「{subcommand}」。{hint}运行 fazhi help 查看全部命令。",
                    code="unknown_command",
                )
            command = super().fetch_command(subcommand)
            if type(command).run_from_argv is BaseCommand.run_from_argv:  # `test` has its own; leave it
                command.run_from_argv = lambda argv: _run_from_argv(command, argv)  # type: ignore[method-assign]
            return command

    return Utility(argv)


def _describe_os_error(exc: OSError) -> tuple[str, str]:
    name = exc.filename if exc.filename is not None else ""
    if isinstance(exc, FileNotFoundError):
        return "file_not_found", f"找不到文件或目录：{name}"
    if isinstance(exc, IsADirectoryError):
        return "is_a_directory", f"{name} 是一个目录，这里需要的是文件。"
    if isinstance(exc, NotADirectoryError):
        return "not_a_directory", f"路径中有一段不是目录：{name}"
    if isinstance(exc, PermissionError):
        return "permission_denied", f"没有权限访问 {name}。"
    return "file_error", f"无法读写 {name}：{exc.strerror or exc}"


def _classify(exc: BaseException) -> tuple[int, dict[str, Any]]:
    """(exit code, the error object) for an exception that ended a command."""
    from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, ValidationError
    from django.core.management.base import SystemCheckError
    from django.db import DatabaseError

    if isinstance(exc, BadInput):
        return 2, {"code": exc.code, "message": exc.message, **exc.details}
    if isinstance(exc, SystemCheckError):
        return 2, {"code": "system_check", "message": f"系统检查未通过：{exc}"}
    if isinstance(exc, CommandError):
        return 2, {"code": "invalid_input", "message": str(exc).removeprefix("Error: ")}
    if isinstance(exc, ImproperlyConfigured):
        return 2, {"code": "improperly_configured", "message": f"配置有误：{exc}"}
    if isinstance(exc, OSError):
        code, message = _describe_os_error(exc)
        return 2, {"code": code, "message": message}
    if isinstance(exc, ObjectDoesNotExist):
        return 2, {"code": "not_found", "message": f"对象不存在：{exc}"}
    if isinstance(exc, ValidationError):
        return 2, {"code": "invalid", "message": "；".join(exc.messages)}
    if isinstance(exc, UnicodeError):
        return 2, {"code": "invalid_encoding", "message": "无法识别文件的文字编码，请使用 UTF-8 编码的文件。"}
    if isinstance(exc, DatabaseError):
        return 1, {
            "code": "database_error",
            "message": f"数据库错误（{type(exc).__name__}）：{exc}。如尚未初始化数据库，请先运行 fazhi migrate。",
        }
    return 1, {
        "code": "internal_error",
        "message": f"内部错误（{type(exc).__name__}）：{exc}。这是程序缺陷，已中止；"
        "设置 FAZHI_DEBUG=1 后重新运行可看到出错位置。",
    }


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _report(exc: BaseException, argv: list[str], stdout: IO[str], stderr: IO[str]) -> int:
    status, error = _classify(exc)
    if os.environ.get("FAZHI_DEBUG", "").strip().lower() in TRUE or "--traceback" in argv:
        traceback.print_exception(exc, file=stderr)
    stderr.write(_one_line(error["message"]) + "\n")
    for problem in error.get("problems") or []:
        if isinstance(problem, dict) and problem.get("message"):
            stderr.write(f"  - {_one_line(problem['message'])}\n")
    if "--json" in argv:
        stdout.write(json.dumps({"error": error}, ensure_ascii=False, default=str) + "\n")
    return status


def run(argv: list[str], *, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Run `fazhi ARGV…` and return its exit code (tests call it in-process)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            _utility(["fazhi", *argv]).execute()
        except SystemExit as exc:  # a command's own exit code (e.g. audit verify: 1 when broken)
            if exc.code is None or isinstance(exc.code, int):
                return exc.code or 0
            err.write(_one_line(str(exc.code)) + "\n")
            return 1
        except KeyboardInterrupt:
            err.write("已中断。\n")
            return 130
        # The one place a command's failure is reported (a Rust panic is a BaseException).
        except BaseException as exc:
            return _report(exc, argv, out, err)
    return 0


def main(argv: list[str] | None = None) -> None:
    status = run(sys.argv[1:] if argv is None else argv)
    with contextlib.suppress(Exception):
        from django.db import connections

        connections.close_all()
    sys.exit(status)


if __name__ == "__main__":
    main()
