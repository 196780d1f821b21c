"""通知公告 pages: the office sends, follows up and chases (催办); a receiving unit
reads, signs for (签收) and answers (回执)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.http import AuthedRequest
from audit.services import audit_record
from documents import gongwen
from documents.xlsx import XLSX_MIME, file_response, table_workbook
from notices import access, mailings, numbers, selectors, services
from notices.forms import NoticeForm, ReceiptForm
from notices.models import Notice
from workbench.tables import sorted_page

ROOT = ("通知公告", "/notices/")


def attach_errors(form: Any, exc: ValidationError) -> None:
    """A service's ValidationError onto the form (fields it knows, the rest as non-field errors)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def notice_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not access.can_use_notices(user):
        raise Http404("页面不存在")
    query = request.GET.get("q", "").strip()[:50]
    state = request.GET.get("state", "")
    today = timezone.localdate()
    if access.is_office(user):
        qs = selectors.notices_for_office()
        if query:
            qs = qs.filter(Q(title__icontains=query) | Q(doc_number__icontains=query))
        if state == "overdue":
            qs = qs.filter(
                requires_receipt=True, receipt_deadline__lt=today, recipients__receipt_at__isnull=True
            ).distinct()
        page, sort = sorted_page(
            request, qs, allowed=("sent_at", "title", "receipt_deadline"), default="-sent_at"
        )
        template = "notices/notice_list_office.html"
    else:
        rows = selectors.notices_for_unit(user.org_id or 0)
        if query:
            rows = rows.filter(Q(notice__title__icontains=query) | Q(notice__doc_number__icontains=query))
        if state == "unsigned":
            rows = rows.filter(signed_at__isnull=True)
        elif state == "receipt":
            rows = rows.filter(notice__requires_receipt=True, receipt_at__isnull=True)
        page, sort = sorted_page(
            request, rows, allowed=("notice__sent_at", "notice__receipt_deadline"), default="-notice__sent_at"
        )
        template = "notices/notice_list_unit.html"
    context = {
        "page": page,
        "sort": sort,
        "query": query,
        "state": state,
        "today": today,
        "title": "通知公告",
        "breadcrumbs": [("通知公告", None)],
    }
    if request.headers.get("HX-Request"):
        return render(request, f"{template}#notice-table", context)
    return render(request, template, context)


@login_required
def notice_create(request: AuthedRequest) -> HttpResponse:
    access.require_office(request.user)
    mailing = mailings.from_request(request.user, request.GET) if request.method == "GET" else None
    form = NoticeForm(
        request.POST or None, request.FILES or None, initial=mailing.initial() if mailing else None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.notice_send(
                actor=request.user,
                title=data["title"],
                body=data["body"],
                recipients=form.recipients(),
                requires_receipt=data["requires_receipt"],
                receipt_deadline=data["receipt_deadline"],
                receipt_fields=data["receipt_fields"],
                late_receipts=data["late_receipts"],
                files=data["uploads"],
                source=data["source"] or None,
                source_label=data["source_label"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                f"已发出通知 {notice.doc_number}，共 {notice.recipients.count()} 个接收单位；已通知各单位联络员。",
            )
            return redirect("notices:detail", pk=notice.pk)
    return render(
        request,
        "notices/notice_form.html",
        {
            "form": form,
            "mailing": mailing,
            "prefix": numbers.default_prefix(),
            "title": "发布通知",
            "breadcrumbs": [ROOT, ("发布通知", None)],
        },
        status=400 if request.method == "POST" else 200,
    )


def _detail_page(
    request: AuthedRequest, notice: Notice, *, receipt_form: ReceiptForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    context: dict[str, Any] = {
        "notice": notice,
        "files": list(notice.attachments.select_related("uploaded_by").order_by("created_at")),
        "paragraphs": [line.strip() for line in notice.body.splitlines() if line.strip()],
        "today": today,
        "title": notice.title,
        "breadcrumbs": [ROOT, (notice.doc_number or notice.title, None)],
    }
    if access.is_office(user):
        rows = list(selectors.recipients_of(notice))
        outstanding = 0
        for row in rows:
            row.overdue = selectors.is_overdue(notice, row, today)  # type: ignore[attr-defined]
            row.outstanding = selectors.is_outstanding(notice, row)  # type: ignore[attr-defined]
            outstanding += int(selectors.is_outstanding(notice, row))
            row.answers = [(name, row.receipt_answers.get(name, "")) for name in notice.receipt_fields]  # type: ignore[attr-defined]
        context.update(
            office=True,
            rows=rows,
            signed=sum(1 for r in rows if r.signed_at),
            replied=sum(1 for r in rows if r.receipt_at),
            outstanding=outstanding,
        )
        return render(request, "notices/notice_detail.html", context, status=status)
    row = access.access_recipient(user, notice)
    closed = bool(
        notice.requires_receipt
        and notice.receipt_deadline
        and today > notice.receipt_deadline
        and not notice.late_receipts
    )
    context.update(
        office=False,
        row=row,
        closed=closed,
        overdue=selectors.is_overdue(notice, row, today),
        answers=[(name, row.receipt_answers.get(name, "")) for name in notice.receipt_fields],
        receipt_form=receipt_form
        or (ReceiptForm(fields=notice.receipt_fields) if notice.requires_receipt and not closed else None),
    )
    return render(request, "notices/notice_detail.html", context, status=status)


@login_required
def notice_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail_page(request, access.access_notice(request.user, pk))


@login_required
@require_POST
def notice_sign(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = access.access_notice(request.user, pk)
    row = access.access_recipient(request.user, notice, write=True)
    row = services.notice_sign(actor=request.user, recipient=row)
    messages.success(request, f"已签收（{timezone.localtime(row.signed_at):%Y-%m-%d %H:%M}）。")
    return redirect("notices:detail", pk=notice.pk)


@login_required
@require_POST
def notice_receipt(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = access.access_notice(request.user, pk)
    row = access.access_recipient(request.user, notice, write=True)
    form = ReceiptForm(request.POST, request.FILES, fields=notice.receipt_fields)
    if form.is_valid():
        try:
            services.receipt_submit(
                actor=request.user,
                recipient=row,
                answers=form.answers(),
                note=form.cleaned_data["note"],
                file=form.cleaned_data.get("file"),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "回执已报送，依法治市办可即时查看。")
            return redirect("notices:detail", pk=notice.pk)
    return _detail_page(request, notice, receipt_form=form, status=400)


@login_required
@require_POST
def recipient_urge(request: AuthedRequest, pk: int) -> HttpResponse:
    row = access.access_recipient_row(request.user, pk)
    try:
        row = services.recipient_urge(actor=request.user, recipient=row)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request, f"已向{row.org.display_name}催办（第 {row.urge_count} 次），已发邮件和短信给其联络员。"
        )
    return redirect("notices:detail", pk=row.notice_id)


@login_required
@require_POST
def notice_urge_all(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = access.access_notice(request.user, pk)
    access.require_office(request.user)
    try:
        rows = services.notice_urge_outstanding(actor=request.user, notice=notice)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        names = "、".join(r.org.display_name for r in rows)
        messages.success(request, f"已向 {len(rows)} 个单位催办：{names}。")
    return redirect("notices:detail", pk=notice.pk)


def notice_document(notice: Notice) -> gongwen.Document:
    blocks: list[gongwen.Block] = [
        gongwen.Paragraph(line) for line in notice.body.splitlines() if line.strip()
    ]
    if notice.requires_receipt and notice.receipt_deadline:
        blocks.append(
            gongwen.Paragraph(
                f"请于{notice.receipt_deadline.year}年{notice.receipt_deadline.month}月"
                f"{notice.receipt_deadline.day}日前登录系统签收本通知并报送回执。"
            )
        )
    recipients = "、".join(r.org.name for r in notice.recipients.select_related("org").order_by("org__path"))
    attachments = []
    if notice.requires_receipt and notice.receipt_fields:
        attachments.append(
            gongwen.Attachment(
                "附件",
                "回执",
                [gongwen.Table([["单位", *notice.receipt_fields], ["", *[""] * len(notice.receipt_fields)]])],
            )
        )
    return gongwen.Document(
        title=notice.title,
        doc_number=notice.doc_number,
        recipient=f"{recipients}：" if recipients else "",
        blocks=blocks,
        signature=notice.sent_by_org.name if notice.sent_by_org else "",
        date=timezone.localtime(notice.sent_at).date(),
        attachments=attachments,
    )


@login_required
def notice_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The notice as a 公文 (docx) with its number from the register; audited."""
    notice = access.access_notice(request.user, pk)
    content = gongwen.render_docx(notice_document(notice))
    audit_record(actor=request.user, action="notices.notice.exported", target=notice, data={"format": "docx"})
    return file_response(content, f"{notice.doc_number or notice.title}.docx", gongwen.DOCX_MIME)


@login_required
def receipts_export(request: AuthedRequest, pk: int) -> HttpResponse:
    """Every unit's 签收 and 回执 of a notice as xlsx (office); audited."""
    notice = access.access_notice(request.user, pk)
    access.require_office(request.user)
    rows = []
    for row in selectors.recipients_of(notice):
        rows.append(
            [
                row.org.name,
                timezone.localtime(row.signed_at).strftime("%Y-%m-%d %H:%M") if row.signed_at else "未签收",
                row.signed_by.display_name if row.signed_by else "",
                timezone.localtime(row.receipt_at).strftime("%Y-%m-%d %H:%M") if row.receipt_at else "未报送",
                *[row.receipt_answers.get(name, "") for name in notice.receipt_fields],
                row.receipt_note,
                row.receipt_file.original_name if row.receipt_file else "",
                row.urge_count,
            ]
        )
    headers = [
        "单位",
        "签收时间",
        "签收人",
        "回执时间",
        *notice.receipt_fields,
        "回执说明",
        "回执文件",
        "催办次数",
    ]
    content = table_workbook([("签收与回执", headers, rows)])
    audit_record(
        actor=request.user, action="notices.receipts.exported", target=notice, data={"rows": len(rows)}
    )
    return file_response(content, f"{notice.title}-签收与回执.xlsx", XLSX_MIME)
