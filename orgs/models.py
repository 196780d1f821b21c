from __future__ import annotations

from django.db import models


class OrgType(models.TextChoices):
    CITY = "city", "市"
    COUNTY = "county", "县（市、区）"
    TOWN = "town", "镇街"
    DEPARTMENT = "department", "部门"
    JUDICIAL = "judicial", "司法机关"
    PARTY = "party", "党委"


class Org(models.Model):
    """A node of the org tree. `path` is the chain of codes from the root, so a
    subtree is one indexed prefix query (the tree is shallow and rarely moves)."""

    code = models.CharField("机构代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    type = models.CharField("类型", max_length=16, choices=OrgType.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    is_target = models.BooleanField("被考评单位", default=False)
    is_assessor = models.BooleanField("考评单位", default=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["path", "sort_order", "code"]
        verbose_name = "组织机构"
        verbose_name_plural = "组织机构"

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def compute_path(self) -> str:
        # The sort order is part of each step so that ordering by path lists the
        # tree depth-first with siblings in their sort order.
        prefix = self.parent.path if self.parent_id and self.parent else "/"
        return f"{prefix}{self.sort_order:04d}.{self.code}/"
