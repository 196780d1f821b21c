"""Demo accounts, all with the password Demo@2023 (demo data only: production
creates no default passwords)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts import roles
from accounts.models import Role, User
from accounts.services import user_create
from fazhi.lib.writer import Writer
from orgs import demo as orgs_demo
from orgs.models import Org

DEMO_PASSWORD = "Demo@2023"  # noqa: S105 - documented demo credential


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, org) for the printed list of demo logins."""
    rows = [
        ("sysadmin", "系统管理员", "江门市司法局"),
        ("secadmin", "安全管理员", "江门市司法局"),
        ("auditadmin", "审计管理员", "江门市司法局"),
        ("office", "依法治办", "市委依法治市办"),
    ]
    rows += [(pinyin, "被考评单位", name) for _, name, pinyin in orgs_demo.COUNTIES]
    rows += [(f"assessor_{abbr}", "考评单位", short) for abbr, _, short, _ in orgs_demo.ASSESSORS]
    rows += [(f"expert{i:02d}", "专家", "咨询专家库") for i in range(1, 13)]
    # imported here: accountability.demo imports this module
    from accountability.demo import leader_accounts

    county = {code: name for code, name, _ in orgs_demo.COUNTIES}
    rows += [(username, "领导干部", county[code]) for username, _, code in leader_accounts()]
    return rows


def load(*, stdout: Writer | None = None) -> None:
    if User.objects.filter(username="office").exists():
        return
    hashed = make_password(DEMO_PASSWORD)  # hashed once: 40 PBKDF2 rounds would take seconds
    role = {r.code: r for r in Role.objects.all()}
    org = {o.code: o for o in Org.objects.all()}
    sfj = org[orgs_demo.assessor_code("sfj")]
    accounts: list[tuple[str, str, Org, str]] = [
        ("sysadmin", "系统管理员", sfj, roles.SYSADMIN),
        ("secadmin", "安全管理员", sfj, roles.SECADMIN),
        ("auditadmin", "审计管理员", sfj, roles.AUDITADMIN),
        ("office", "依法治市办经办人", org[orgs_demo.OFFICE[0]], roles.OFFICE),
    ]
    accounts += [
        (pinyin, f"{name}填报员", org[code], roles.TARGET) for code, name, pinyin in orgs_demo.COUNTIES
    ]
    accounts += [
        (f"assessor_{abbr}", f"{short}考评员", org[orgs_demo.assessor_code(abbr)], roles.ASSESSOR)
        for abbr, _, short, _ in orgs_demo.ASSESSORS
    ]
    accounts += [
        (f"expert{i:02d}", f"专家{i:02d}", org[orgs_demo.EXPERT_POOL[0]], roles.EXPERT) for i in range(1, 13)
    ]
    now = timezone.now()
    for username, name, user_org, role_code in accounts:
        user = user_create(actor=None, username=username, name=name, org=user_org, role=role[role_code])
        User.objects.filter(pk=user.pk).update(password=hashed, password_changed_at=now)
    if stdout:
        stdout.write(f"用户：{len(accounts)} 个演示账号（密码 {DEMO_PASSWORD}）\n")
