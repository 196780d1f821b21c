"""整改清单: superseded by the problem tracker. Its addresses stay and lead
there: the lost points sent to 整改 are problems of source 考评失分."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import require
from accounts.http import AuthedRequest
from assessments import access


@login_required
def rectification_list(request: AuthedRequest) -> HttpResponse:
    """The former 整改清单 is the problem tracker now: its lost points (source 考评失分)."""
    require(access.can_manage(request.user) or access.is_target(request.user))
    status = {"open": "&open=1", "done": "&state=closed"}.get(request.GET.get("status", ""), "")
    return redirect(f"{reverse('problems:list')}?source=assessment{status}")


@login_required
@require_POST
def rectification_done(request: AuthedRequest, pk: int) -> HttpResponse:
    """Superseded: 整改 is done step by step in the problem tracker."""
    require(access.can_manage(request.user) or access.is_target(request.user))
    messages.info(request, "整改清单已并入问题线索，请在问题页面办理整改、验收和销号。")
    return redirect(f"{reverse('problems:list')}?source=assessment")
