"""Jiangmen's org tree: the city, its 7 县（市、区）, the office and 20 assessing units."""

from __future__ import annotations

from fazhi.lib.writer import Writer
from orgs.models import Org, OrgType
from orgs.services import org_create

CITY = ("440700", "江门市", "江门市")
COUNTIES = [
    ("440703", "蓬江区", "pengjiang"),
    ("440704", "江海区", "jianghai"),
    ("440705", "新会区", "xinhui"),
    ("440781", "台山市", "taishan"),
    ("440783", "开平市", "kaiping"),
    ("440784", "鹤山市", "heshan"),
    ("440785", "恩平市", "enping"),
]
OFFICE = ("440700-YFZSB", "中共江门市委全面依法治市委员会办公室", "市委依法治市办", OrgType.PARTY)
EXPERT_POOL = ("440700-ZJK", "江门市依法治市咨询专家库", "咨询专家库", OrgType.DEPARTMENT)
# The 20 assessing units of the 2022 法治江门建设考评 (seed: "会同市委办公室、市政府办公室等20个单位").
ASSESSORS = [
    ("swb", "中共江门市委办公室", "市委办", OrgType.PARTY),
    ("szfb", "江门市人民政府办公室", "市政府办", OrgType.DEPARTMENT),
    ("zzb", "中共江门市委组织部", "市委组织部", OrgType.PARTY),
    ("xcb", "中共江门市委宣传部", "市委宣传部", OrgType.PARTY),
    ("zfw", "中共江门市委政法委员会", "市委政法委", OrgType.PARTY),
    ("fy", "江门市中级人民法院", "市中级法院", OrgType.JUDICIAL),
    ("jcy", "江门市人民检察院", "市检察院", OrgType.JUDICIAL),
    ("gaj", "江门市公安局", "市公安局", OrgType.DEPARTMENT),
    ("sfj", "江门市司法局", "市司法局", OrgType.DEPARTMENT),
    ("fgj", "江门市发展和改革局", "市发展改革局", OrgType.DEPARTMENT),
    ("czj", "江门市财政局", "市财政局", OrgType.DEPARTMENT),
    ("rsj", "江门市人力资源和社会保障局", "市人力资源社会保障局", OrgType.DEPARTMENT),
    ("zrzyj", "江门市自然资源局", "市自然资源局", OrgType.DEPARTMENT),
    ("sthjj", "江门市生态环境局", "市生态环境局", OrgType.DEPARTMENT),
    ("zjj", "江门市住房和城乡建设局", "市住房城乡建设局", OrgType.DEPARTMENT),
    ("jtysj", "江门市交通运输局", "市交通运输局", OrgType.DEPARTMENT),
    ("scjgj", "江门市市场监督管理局", "市市场监管局", OrgType.DEPARTMENT),
    ("xfj", "江门市信访局", "市信访局", OrgType.DEPARTMENT),
    ("zsj", "江门市政务服务数据管理局", "市政数局", OrgType.DEPARTMENT),
    ("yjglj", "江门市应急管理局", "市应急管理局", OrgType.DEPARTMENT),
]


def assessor_code(abbr: str) -> str:
    return f"440700-{abbr.upper()}"


def load(*, stdout: Writer | None = None) -> None:
    if Org.objects.filter(code=CITY[0]).exists():
        return
    city = org_create(actor=None, code=CITY[0], name=CITY[1], short_name=CITY[2], type=OrgType.CITY)
    for order, (code, name, _) in enumerate(COUNTIES, start=1):
        org_create(
            actor=None,
            code=code,
            name=name,
            short_name=name,
            type=OrgType.COUNTY,
            parent=city,
            is_target=True,
            sort_order=order,
        )
    for code, name, short, type_ in (OFFICE, EXPERT_POOL):
        org_create(
            actor=None, code=code, name=name, short_name=short, type=type_, parent=city, sort_order=100
        )
    for order, (abbr, name, short, type_) in enumerate(ASSESSORS, start=1):
        org_create(
            actor=None,
            code=assessor_code(abbr),
            name=name,
            short_name=short,
            type=type_,
            parent=city,
            is_assessor=True,
            sort_order=200 + order,
        )
    if stdout:
        stdout.write(f"组织机构：江门市、7 个县（市、区）、依法治市办、{len(ASSESSORS)} 个考评单位\n")
