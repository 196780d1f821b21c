"""The directory of 联络员: each unit keeps its own; everyone sees the others with phone and e-mail masked."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.http import AuthedRequest
from fazhi.lib.masking import mask_email, mask_phone
from notices import access, selectors, services
from notices.forms import ContactForm
from notices.models import Contact, Module
from notices.views import ROOT, attach_errors
from workbench.tables import sorted_page


def _shown(user: Any, contact: Contact) -> Contact:
    full = access.sees_contact_details(user, contact)
    contact.shown_phone = contact.phone if full else mask_phone(contact.phone)  # type: ignore[attr-defined]
    contact.shown_email = contact.email if full else mask_email(contact.email)  # type: ignore[attr-defined]
    contact.editable = access.can_edit_contacts_of(user, contact.org_id)  # type: ignore[attr-defined]
    return contact


@login_required
def contact_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not access.can_use_notices(user):
        raise Http404("页面不存在")
    query = request.GET.get("q", "").strip()[:50]
    module = request.GET.get("module", "")
    module = module if module in Module.values else ""
    qs = selectors.contacts()
    if query:
        qs = qs.filter(
            Q(name__icontains=query) | Q(org__name__icontains=query) | Q(org__short_name__icontains=query)
        )
    if module:
        qs = qs.filter(module=module)
    if request.GET.get("mine") == "1":
        qs = qs.filter(org_id=user.org_id or 0)
    page, sort = sorted_page(request, qs, allowed=("org__path", "module", "name"), default="org__path")
    for contact in page:
        _shown(user, contact)
    context = {
        "page": page,
        "sort": sort,
        "query": query,
        "module": module,
        "modules": Module.choices,
        "mine": request.GET.get("mine") == "1",
        "can_add": access.is_office(user) or access.is_unit_user(user),
        "title": "联络员名录",
        "breadcrumbs": [ROOT, ("联络员名录", None)],
    }
    if request.headers.get("HX-Request"):
        return render(request, "notices/contact_list.html#contact-table", context)
    return render(request, "notices/contact_list.html", context)


def _form_page(request: AuthedRequest, form: ContactForm, title: str, status: int = 200) -> HttpResponse:
    return render(
        request,
        "notices/contact_form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": [ROOT, ("联络员名录", "/notices/contacts/"), (title, None)],
        },
        status=status,
    )


@login_required
def contact_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not access.can_use_notices(user):
        raise Http404("页面不存在")
    office = access.is_office(user)
    form = ContactForm(request.POST or None, org=user.org, office=office)
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["org"] if office else user.org
        if org is None or not access.can_edit_contacts_of(user, org.pk):
            raise PermissionDenied("联络员由各单位自行维护。")
        try:
            contact = services.contact_create(actor=user, org=org, data=form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"已添加联络员 {contact.name}。")
            return redirect("/notices/contacts/?mine=1" if not office else "notices:contact_list")
    return _form_page(request, form, "添加联络员", status=400 if request.method == "POST" else 200)


@login_required
def contact_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    contact = access.access_contact(user, pk, write=True)
    office = access.is_office(user)
    initial = {f: getattr(contact, f) for f in ("module", "name", "position", "phone", "email")}
    initial.update(org=contact.org, user=contact.user)
    form = ContactForm(request.POST or None, initial=initial, org=contact.org, office=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(actor=user, contact=contact, data=form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"已保存联络员 {contact.name}。")
            return redirect("notices:contact_list" if office else "/notices/contacts/?mine=1")
    return _form_page(
        request, form, f"修改联络员：{contact.name}", status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
def contact_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    contact = access.access_contact(request.user, pk, write=True)
    services.contact_delete(actor=request.user, contact=contact)
    messages.success(request, f"已删除联络员 {contact.name}。")
    return redirect("notices:contact_list")
