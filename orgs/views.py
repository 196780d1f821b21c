from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.access import require
from accounts.http import AuthedRequest
from audit.services import audit_record
from orgs import access, selectors, services
from orgs.forms import OrgForm
from orgs.models import Org, OrgType
from workbench.tables import sorted_page


@login_required
def org_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_view_orgs(user))
    query, type_ = request.GET.get("q", "").strip(), request.GET.get("type", "")
    qs = selectors.org_list(user=user, query=query, type=type_)
    page, sort = sorted_page(request, qs, allowed=("path", "code", "name", "type"), default="path")
    context = {
        "page": page,
        "sort": sort,
        "query": query,
        "type": type_,
        "types": OrgType.choices,
        "can_edit": access.can_edit_orgs(user),
        "title": "组织机构",
        "breadcrumbs": [("组织机构", None)],
    }
    if request.headers.get("HX-Request"):
        return render(request, "orgs/org_list.html#org-table", context)
    return render(request, "orgs/org_list.html", context)


@login_required
def org_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    org = access.access_org(user, pk)
    children = org.children.all().order_by("sort_order", "code")
    members = org.users.select_related("role").order_by("username") if access.can_edit_orgs(user) else []
    return render(
        request,
        "orgs/org_detail.html",
        {
            "org": org,
            "children": children,
            "members": members,
            "can_edit": access.can_edit_orgs(user),
            "title": org.name,
            "breadcrumbs": [("组织机构", "/orgs/"), (org.name, None)],
        },
    )


@login_required
def org_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_edit_orgs(user))
    form = OrgForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.org_create(
                actor=user, **{k: v for k, v in form.cleaned_data.items() if k != "active"}
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已新建单位 {org.name}。")
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request,
        "orgs/org_form.html",
        {"form": form, "title": "新建单位", "breadcrumbs": [("组织机构", "/orgs/"), ("新建单位", None)]},
    )


@login_required
def org_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    org = access.access_org(user, pk, write=True)
    # The form gets its own copy: validating a ModelForm writes into its instance, and the
    # service must see the unchanged org to record what changed.
    form = OrgForm(request.POST or None, instance=Org.objects.get(pk=org.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.org_update(actor=user, org=org, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已保存 {org.name}。")
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request,
        "orgs/org_form.html",
        {
            "form": form,
            "org": org,
            "title": f"编辑 {org.name}",
            "breadcrumbs": [("组织机构", "/orgs/"), (org.name, f"/orgs/{org.pk}/"), ("编辑", None)],
        },
    )


@login_required
def org_export(request: AuthedRequest) -> HttpResponse:
    """The visible org tree as xlsx (an export, so it is audited)."""
    from documents.xlsx import xlsx_response

    user = request.user
    require(access.can_view_orgs(user))
    orgs = selectors.org_list(user=user).order_by("path")
    rows = [
        [
            o.code,
            o.name,
            o.short_name,
            o.get_type_display(),
            o.parent.code if o.parent else "",
            "是" if o.is_target else "",
            "是" if o.is_assessor else "",
        ]
        for o in orgs
    ]
    audit_record(actor=user, action="orgs.org.exported", data={"rows": len(rows)})
    return xlsx_response(
        "组织机构.xlsx",
        "组织机构",
        ["机构代码", "名称", "简称", "类型", "上级代码", "被考评单位", "考评单位"],
        rows,
    )
