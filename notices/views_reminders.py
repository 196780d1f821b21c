"""The reminder record for the office (what went out, what failed and why) and each person's channels."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.http import AuthedRequest
from notices import access, selectors, services
from notices.forms import PreferenceForm
from notices.models import Channel, Reminder, ReminderPreference, ReminderStatus
from notices.views import ROOT
from workbench.tables import sorted_page

STATUS_FILTERS = [("problem", "未能发出（待重试或已失败）"), *ReminderStatus.choices]


@login_required
def reminder_list(request: AuthedRequest) -> HttpResponse:
    access.require_office(request.user)
    status = request.GET.get("status", "")
    status = status if status in dict(STATUS_FILTERS) else ""
    channel = request.GET.get("channel", "")
    channel = channel if channel in Channel.values else ""
    query = request.GET.get("q", "").strip()[:50]
    page, sort = sorted_page(
        request,
        selectors.reminder_record(status=status, channel=channel, query=query),
        allowed=("created_at", "send_on", "sent_at", "status", "attempts"),
        default="-created_at",
    )
    context = {
        "page": page,
        "sort": sort,
        "status": status,
        "statuses": STATUS_FILTERS,
        "channel": channel,
        "channels": Channel.choices,
        "query": query,
        "problems": selectors.reminder_problems(),
        "title": "提醒记录",
        "breadcrumbs": [ROOT, ("提醒记录", None)],
    }
    if request.headers.get("HX-Request"):
        return render(request, "notices/reminder_list.html#reminder-table", context)
    return render(request, "notices/reminder_list.html", context)


@login_required
@require_POST
def reminder_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require_office(request.user)
    reminder = get_object_or_404(Reminder, pk=pk)
    try:
        services.reminder_retry(actor=request.user, reminder=reminder)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已安排重新发送给 {reminder.recipient_name or reminder.address}。")
    return redirect("/notices/reminders/?status=problem")


@login_required
def preferences(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not access.can_use_notices(user):
        raise Http404("页面不存在")
    current = ReminderPreference.objects.filter(user=user).first()
    form = PreferenceForm(
        request.POST or None,
        initial={"email": current.email if current else True, "sms": current.sms if current else True},
    )
    if request.method == "POST" and form.is_valid():
        services.reminder_preference_set(actor=user, **form.cleaned_data)
        messages.success(request, "已保存提醒方式。")
        return redirect("notices:preferences")
    return render(
        request,
        "notices/preferences.html",
        {
            "form": form,
            "contacts": list(user.contacts.select_related("org")),
            "title": "提醒方式",
            "breadcrumbs": [ROOT, ("提醒方式", None)],
        },
    )
