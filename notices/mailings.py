"""The modules' own mailings through notices: what a new notice starts from when
the office sends it from a module's page (the 考评 deployment from a campaign,
the 迎检 notice from a framework). The office edits the draft before sending;
`notice_send(source=…)` ties the notice to its object."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from accounts.models import User


@dataclass
class Mailing:
    title: str
    body: str
    recipients: list[Any]
    source: str
    source_label: str
    requires_receipt: bool = True
    receipt_deadline: Any = None
    receipt_fields: list[str] = field(default_factory=lambda: ["联络员", "职务", "手机号码", "电子邮箱"])

    def initial(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "body": self.body,
            "to_orgs": [o.pk for o in self.recipients],
            "requires_receipt": self.requires_receipt,
            "receipt_deadline": self.receipt_deadline,
            "receipt_fields": "\n".join(self.receipt_fields),
            "source": self.source,
            "source_label": self.source_label,
        }


def campaign_deployment(campaign: Any) -> Mailing:
    """考评部署通知: to the campaign's targets, 回执 (the county's 联络员) before self-assessment starts."""
    from assessments.models import Phase, PhaseDeadline

    deadlines = {d.phase: d for d in PhaseDeadline.objects.filter(campaign=campaign)}
    self_due = deadlines.get(Phase.SELF_ASSESS)
    deploy_due = deadlines.get(Phase.DEPLOY)
    lines = [
        f"根据《{campaign.framework.name}》，市委依法治市办将组织开展{campaign.year}年度法治建设考评。现将有关事项通知如下：",
        "一、考评对象。各县（市、区）。",
        "二、时间安排。"
        + (f"自评填报于{self_due.due_on:%Y年%-m月%-d日}前完成；" if self_due else "")
        + "考评单位评分、结果反馈、申诉复核和审定按系统中公布的阶段时限进行。",
        "三、有关要求。请各单位确定本单位法治建设考评联络员，登录系统签收本通知并报送回执，"
        "对照考评办法及标准逐项开展自评，如实上传佐证材料。",
    ]
    return Mailing(
        title=f"关于开展{campaign.year}年度法治建设考评工作的通知",
        body="\n".join(lines),
        recipients=list(campaign.targets.order_by("sort_order", "code")),
        source=f"assessments.campaign:{campaign.pk}",
        source_label=campaign.name,
        receipt_deadline=deploy_due.due_on if deploy_due else None,
    )


def provincial_notice(framework: Any) -> Mailing:
    """迎检通知: to every unit holding a task of the framework."""
    from orgs.models import Org

    units = list(
        Org.objects.filter(provincial_tasks__indicator__framework=framework).distinct().order_by("path")
    )
    first_due = (
        framework.indicators.filter(tasks__isnull=False)
        .order_by("tasks__deadline")
        .values_list("tasks__deadline", flat=True)
        .first()
    )
    lines = [
        f"为做好{framework.year}年度法治广东建设考评迎检工作，市委依法治市办已将省考评指标分解到各责任单位。现将有关事项通知如下：",
        "一、请各责任单位登录系统查看本单位承担的迎检任务，对照评分标准和佐证材料要求收集整理佐证材料。",
        "二、请在任务截止日期前上传佐证材料、填写工作情况说明和自估分并提交审核。",
        "三、请确定本单位迎检联络员，签收本通知并报送回执。",
    ]
    return Mailing(
        title=f"关于做好{framework.year}年度法治广东建设考评迎检工作的通知",
        body="\n".join(lines),
        recipients=units,
        source=f"provincial.provincialframework:{framework.pk}",
        source_label=str(framework),
        receipt_deadline=first_due,
    )


def from_request(user: User, params: Any) -> Mailing | None:
    """The mailing named by ?campaign= or ?framework= (the office only; 404 for what does not exist)."""
    if params.get("campaign"):
        from assessments import access as assessments_access

        try:
            pk = int(params["campaign"])
        except ValueError:
            raise Http404("考评不存在") from None
        return campaign_deployment(assessments_access.access_campaign(user, pk))
    if params.get("framework"):
        from provincial import access as provincial_access

        try:
            pk = int(params["framework"])
        except ValueError:
            raise Http404("考评指标体系不存在") from None
        return provincial_notice(provincial_access.access_framework(user, pk))
    return None
