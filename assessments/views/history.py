"""历年考评结果（导入）: the office imports past years' published results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.access import require
from accounts.http import AuthedRequest
from assessments import access
from assessments.forms import ImportForm
from assessments.frameworks_xlsx import ImportFailed
from assessments.models import ImportedResult
from assessments.services import history


@login_required
def history_import(request: AuthedRequest) -> HttpResponse:
    require(access.can_manage(request.user))
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = history.parse_history(upload.read())
            counts = history.history_import(actor=request.user, rows=rows, source=upload.name)
        except ImportFailed as exc:
            errors = exc.errors
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            done = "、".join(f"{year} 年度 {n} 个单位" for year, n in counts.items())
            messages.success(request, f"已导入：{done}。")
            return redirect("assessments:history_import")
    return render(
        request,
        "assessments/results/history.html",
        {
            "form": form,
            "errors": errors,
            "rows": ImportedResult.objects.select_related("target", "imported_by").order_by("-year", "rank"),
            "headers": history.HEADERS,
            "title": "导入历年结果",
            "breadcrumbs": [("考评结果", reverse("assessments:results_index")), ("导入历年结果", None)],
        },
        status=400 if errors else 200,
    )
