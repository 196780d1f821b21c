"""Import of user accounts from xlsx by the 系统管理员: all or nothing.

Every bad row is reported with its row number, column letter and header in
Chinese; nothing is written unless every row is good. Imported accounts have no
password (they cannot log in until one is set), like accounts created in the UI
without an initial password. A row never creates an admin-role account (三员 come
only from an approved 三员授权 request; `user_create` refuses them too), and never
changes an existing account (its username is reported as taken).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db import transaction

from accounts import access
from accounts.models import Role, User
from accounts.services import user_create
from audit.services import audit_record
from documents.ooxml import FileRefused, open_workbook_bounded
from orgs.models import Org

MAX_ROWS = 10_000
MAX_COLS = 100
USERNAME_RE = re.compile(r"^[\w.@+-]{1,150}$")
PHONE_RE = re.compile(r"^[0-9+\-() ]{3,20}$")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...]
    required: bool


COLUMNS = (
    Column("username", "用户名", ("用户名", "账号", "登录名", "username"), True),
    Column("name", "姓名", ("姓名", "name"), True),
    Column("org_code", "单位代码", ("单位代码", "机构代码", "org", "org_code"), True),
    Column("role_code", "角色代码", ("角色代码", "角色", "role", "role_code"), True),
    Column("phone", "电话", ("电话", "联系电话", "手机", "phone"), False),
)
HEADERS = [c.header for c in COLUMNS]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # a letter, "" for the whole row
    header: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "header": self.header, "message": self.message}

    def __str__(self) -> str:
        where = f"第 {self.row} 行" + (f" {self.column} 列「{self.header}」" if self.column else "")
        return f"{where}：{self.message}"


@dataclass(frozen=True)
class UserRow:
    row: int
    username: str
    name: str
    org: Org
    role: Role
    phone: str


class ImportRefused(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} 处错误")
        self.errors = errors


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_text(value: Any) -> str:
    """Excel gives codes and phone numbers back as floats; 440703.0 means "440703"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_sheet(fileobj: BinaryIO) -> list[list[Any]]:
    from python_calamine import CalamineError

    try:
        book = open_workbook_bounded(fileobj, max_rows=MAX_ROWS + 100, max_cols=MAX_COLS)
    except FileRefused as exc:
        raise ImportRefused([RowError(0, "", "", exc.message)]) from None
    try:
        return book.calamine().get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, IndexError) as exc:
        raise ImportRefused([RowError(0, "", "", f"无法读取 Excel 文件：{exc}")]) from None


def validate(
    rows: Sequence[Sequence[Any]],
    *,
    orgs: dict[str, Org],
    roles: dict[str, Role],
    existing_usernames: set[str],
    progress: Callable[[int, int], None] | None = None,
) -> list[UserRow]:
    """Check every row; raise ImportRefused listing every problem, or return the good rows.

    `orgs` maps code -> active Org; `roles` maps code and Chinese name -> Role;
    `existing_usernames` holds lower-cased usernames already taken."""
    header_index, positions = _header(rows)
    body = _body(rows, header_index)
    seen: dict[str, int] = {}
    errors: list[RowError] = []
    good: list[UserRow] = []
    for count, (number, row) in enumerate(body, start=1):
        values = {key: cell_text(row[pos]) if pos < len(row) else "" for key, pos in positions.items()}
        org = orgs.get(values["org_code"])
        role = roles.get(values["role_code"]) or roles.get(values["role_code"].lower())
        problems = {
            "username": _username_problem(values["username"], existing_usernames, seen),
            "name": _name_problem(values["name"]),
            "org_code": _org_problem(values["org_code"], org),
            "role_code": _role_problem(values["role_code"], role),
            "phone": _phone_problem(values.get("phone", "")),
        }
        if not problems["username"]:
            seen[values["username"].lower()] = number
        row_errors = [
            RowError(number, column_letter(positions[c.key]), c.header, problem)
            for c in COLUMNS
            if (problem := problems[c.key])
        ]
        if row_errors:
            errors.extend(row_errors)
        elif org is not None and role is not None:
            good.append(
                UserRow(number, values["username"], values["name"], org, role, values.get("phone", ""))
            )
        if progress and (count % 50 == 0 or count == len(body)):
            progress(count, len(body))
    if errors:
        raise ImportRefused(errors)
    return good


def _header(rows: Sequence[Sequence[Any]]) -> tuple[int, dict[str, int]]:
    """The header row's index and each column's position in it; refused when a
    required column is missing."""
    header_index = next((i for i, row in enumerate(rows) if any(cell_text(v) for v in row)), None)
    if header_index is None:
        raise ImportRefused(
            [RowError(1, "", "", "表格为空：第一行应为表头（用户名、姓名、单位代码、角色代码、电话）。")]
        )
    header = [cell_text(v).lower() for v in rows[header_index]]
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for column in COLUMNS:
        aliases = {a.lower() for a in column.aliases}
        found = next((i for i, h in enumerate(header) if h in aliases), None)
        if found is not None:
            positions[column.key] = found
        elif column.required:
            message = f"缺少「{column.header}」列（表头应为：{'、'.join(HEADERS)}）。"
            errors.append(RowError(header_index + 1, "", column.header, message))
    if errors:
        raise ImportRefused(errors)
    return header_index, positions


def _body(rows: Sequence[Sequence[Any]], header_index: int) -> list[tuple[int, Sequence[Any]]]:
    """(row number, row) of every non-empty row under the header; refused when none or too many."""
    body = [(i + 1, row) for i, row in enumerate(rows) if i > header_index and any(cell_text(v) for v in row)]
    if not body:
        raise ImportRefused([RowError(header_index + 2, "", "", "表格中没有用户数据。")])
    if len(body) > MAX_ROWS:
        raise ImportRefused(
            [RowError(0, "", "", f"一次最多导入 {MAX_ROWS} 个用户，当前 {len(body)} 行，请分批导入。")]
        )
    return body


def _username_problem(username: str, existing: set[str], seen: dict[str, int]) -> str | None:
    if not username:
        return "用户名不能为空。"
    if not USERNAME_RE.match(username):
        return f"用户名「{username}」只能包含字母、数字和 @ . + - _，且不超过 150 个字符。"
    if username.lower() in existing:
        return f"用户名「{username}」已存在。"
    if username.lower() in seen:
        return f"用户名「{username}」与第 {seen[username.lower()]} 行重复。"
    return None


def _name_problem(name: str) -> str | None:
    if not name:
        return "姓名不能为空。"
    if len(name) > 50:
        return "姓名不能超过 50 个字符。"
    return None


def _org_problem(code: str, org: Org | None) -> str | None:
    if not code:
        return "单位代码不能为空。"
    if org is None:
        return f"单位代码「{code}」不存在或已停用。"
    return None


def _role_problem(code: str, role: Role | None) -> str | None:
    if not code:
        return "角色代码不能为空。"
    if role is None:
        return f"角色代码「{code}」不存在（可填写角色代码或角色名称，见模板“角色代码”工作表）。"
    if access.is_admin_role(role):
        return f"不能导入{role.name}账号。{access.ADMIN_ROLE_BY_REQUEST}"
    return None


def _phone_problem(phone: str) -> str | None:
    if phone and not PHONE_RE.match(phone):
        return f"电话「{phone}」格式不正确（只能包含数字、+、-、括号和空格，不超过 20 个字符）。"
    return None


def lookups() -> tuple[dict[str, Org], dict[str, Role], set[str]]:
    orgs = {o.code: o for o in Org.objects.filter(active=True)}
    roles: dict[str, Role] = {}
    for role in Role.objects.all():
        roles[role.code] = role
        roles[role.name] = role
    existing = {u.lower() for u in User.objects.values_list("username", flat=True)}
    return orgs, roles, existing


@transaction.atomic
def users_import(*, actor: User, rows: Iterable[UserRow], source: str = "") -> list[User]:
    """Create every user of an already validated import, or none (one transaction)."""
    created = [
        user_create(actor=actor, username=r.username, name=r.name, org=r.org, role=r.role, phone=r.phone)
        for r in rows
    ]
    audit_record(
        actor=actor,
        action="accounts.user.imported",
        data={"count": len(created), "source": source, "usernames": [u.username for u in created][:1000]},
    )
    return created


def template_workbook() -> bytes:
    """The xlsx to fill in: the users sheet, then the codes to choose from."""
    from documents.xlsx import table_workbook

    roles = [
        (r.code, r.name, r.get_data_scope_display(), r.description)
        for r in Role.objects.order_by("code")
        if not access.is_admin_role(r)
    ]
    orgs = [(o.code, o.name, o.get_type_display()) for o in Org.objects.filter(active=True).order_by("path")]
    notes = [
        ("用户名", "必填；字母、数字和 @ . + - _；不能与已有账号重复"),
        ("姓名", "必填；不超过 50 个字符"),
        ("单位代码", "必填；见“单位代码”工作表"),
        ("角色代码", "必填；填写角色代码或角色名称，见“角色代码”工作表"),
        ("电话", "选填"),
        (
            "说明",
            "导入的账号没有密码，需由系统管理员设置初始密码后才能登录；任何一行有错误时整个文件都不会导入",
        ),
    ]
    return table_workbook(
        [
            ("用户", HEADERS, []),
            ("填写说明", ["列", "要求"], notes),
            ("角色代码", ["角色代码", "角色名称", "数据范围", "说明"], roles),
            ("单位代码", ["单位代码", "单位名称", "类型"], orgs),
        ]
    )
