"""The shared base test case: a small org tree and named personas.

- office:    依法治市办 (sees everything in business modules)
- county:    蓬江区 target user
- stranger:  江海区 target user (an unrelated county: every view test denies it)
- assessor:  市司法局 assessor;  assessor_b: 市公安局 assessor (both 经办; the
  assessments fixtures add each unit's 审核, assessor_<abbr>_sh)
- sysadmin, secadmin, auditadmin: 三员
- expert:    an expert of the pool
"""

from __future__ import annotations

from typing import Any

from django.test import Client, TestCase

from accounts import roles
from accounts.models import Role, User
from orgs.models import Org, OrgType

PASSWORD = "Test@2023pw"  # noqa: S105 - test credential


def make_org(code: str, name: str, type: str, parent: Org | None = None, **kwargs: Any) -> Org:
    org = Org(code=code, name=name, short_name=name, type=type, parent=parent, **kwargs)
    org.path = org.compute_path()
    org.save()
    return org


def make_user(username: str, org: Org, role: str, *, duty: str | None = None, **kwargs: Any) -> User:
    """A user; `duty` ("enter" 经办 / "review" 审核) gives an assessor its scoring duty at `org`."""
    user = User(username=username, name=username, org=org, role=Role.objects.get(code=role), **kwargs)
    user.set_password(PASSWORD)
    user.save()
    if duty is not None:
        from assessments.models import ScoringDuty

        ScoringDuty.objects.create(user=user, org=org, duty=duty)
    return user


class BaseTestCase(TestCase):
    city: Org
    county_org: Org
    town_org: Org
    stranger_org: Org
    office_org: Org
    sfj: Org
    gaj: Org
    pool_org: Org
    office: User
    county: User
    stranger: User
    assessor: User
    assessor_b: User
    sysadmin: User
    secadmin: User
    auditadmin: User
    expert: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.city = make_org("440700", "江门市", OrgType.CITY)
        cls.county_org = make_org("440703", "蓬江区", OrgType.COUNTY, cls.city, is_target=True)
        cls.town_org = make_org("440703001", "环市街道", OrgType.TOWN, cls.county_org)
        cls.stranger_org = make_org("440704", "江海区", OrgType.COUNTY, cls.city, is_target=True)
        cls.office_org = make_org("440700-YFZSB", "市委依法治市办", OrgType.PARTY, cls.city)
        cls.sfj = make_org("440700-SFJ", "江门市司法局", OrgType.DEPARTMENT, cls.city, is_assessor=True)
        cls.gaj = make_org("440700-GAJ", "江门市公安局", OrgType.DEPARTMENT, cls.city, is_assessor=True)
        cls.pool_org = make_org("440700-ZJK", "咨询专家库", OrgType.DEPARTMENT, cls.city)
        cls.office = make_user("office", cls.office_org, roles.OFFICE)
        cls.county = make_user("pengjiang", cls.county_org, roles.TARGET)
        cls.stranger = make_user("jianghai", cls.stranger_org, roles.TARGET)
        cls.assessor = make_user("assessor_sfj", cls.sfj, roles.ASSESSOR, duty="enter")
        cls.assessor_b = make_user("assessor_gaj", cls.gaj, roles.ASSESSOR, duty="enter")
        cls.sysadmin = make_user("sysadmin", cls.sfj, roles.SYSADMIN)
        cls.secadmin = make_user("secadmin", cls.sfj, roles.SECADMIN)
        cls.auditadmin = make_user("auditadmin", cls.sfj, roles.AUDITADMIN)
        cls.expert = make_user("expert01", cls.pool_org, roles.EXPERT)

    def client_for(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    @property
    def personas(self) -> dict[str, User]:
        return {
            name: getattr(self, name)
            for name in (
                "office",
                "county",
                "stranger",
                "assessor",
                "assessor_b",
                "sysadmin",
                "secadmin",
                "auditadmin",
                "expert",
            )
        }
