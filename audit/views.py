from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.access import can_read_audit, require
from accounts.http import AuthedRequest
from audit.forms import AuditFilterForm
from audit.models import AuditEntry
from audit.selectors import audit_entries
from audit.services import audit_check


@login_required
def entry_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(can_read_audit(user))
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = audit_entries(**{k: v for k, v in filters.items() if v})
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "title": "审计日志", "breadcrumbs": [("审计日志", None)]}
    if request.headers.get("HX-Request"):
        return render(request, "audit/entry_list.html#audit-table", context)
    return render(request, "audit/entry_list.html", context)


@login_required
def entry_detail(request: AuthedRequest, seq: int) -> HttpResponse:
    user = request.user
    require(can_read_audit(user))
    entry = get_object_or_404(AuditEntry, seq=seq)
    return render(
        request,
        "audit/entry_detail.html",
        {
            "entry": entry,
            "title": f"审计记录 #{seq}",
            "breadcrumbs": [("审计日志", "/audit/"), (f"#{seq}", None)],
        },
    )


@login_required
def verify(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(can_read_audit(user))
    result = audit_check()
    return render(
        request,
        "audit/verify.html",
        {
            "result": result,
            "last_anchor": max(result.anchors, key=lambda a: a.seq, default=None),
            "title": "完整性校验",
            "breadcrumbs": [("审计日志", "/audit/"), ("完整性校验", None)],
        },
    )
