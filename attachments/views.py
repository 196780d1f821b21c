from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from accounts.access import require
from accounts.http import AuthedRequest, safe_next_url
from attachments import access, selectors, services
from attachments.forms import UploadForm
from attachments.models import Attachment
from documents import watermark
from documents.xlsx import attachment_disposition
from workbench.tables import sorted_page

# Served files are never run as a page: no scripts, no plugins of their own, a
# unique opaque origin. Chromium still shows images and PDFs (its viewer) under it;
# inline styles are allowed because the browser's own image page uses them.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"


def _next_url(request: AuthedRequest, fallback: str = "attachments:mine") -> str:
    from django.urls import reverse

    value = request.POST.get("next") or request.GET.get("next")
    return safe_next_url(request, value, fallback=reverse(fallback))


def render_rows(
    request: HttpRequest,
    attachments: list[Attachment],
    *,
    list_id: str = "attachments",
    errors: list[str] | None = None,
) -> HttpResponse:
    """The htmx answer to an upload: new rows for the list, errors out of band.

    Other modules that link uploads to their own objects call this from their upload view."""
    html = render_to_string(
        "attachments/includes/upload_result.html",
        {"attachments": attachments, "errors": errors or [], "list_id": list_id},
        request,
    )
    return HttpResponse(html)


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_upload(user))
    page, sort = sorted_page(
        request,
        selectors.attachments_uploaded_by(user),
        allowed=("created_at", "original_name", "size"),
        default="-created_at",
    )
    return render(
        request,
        "attachments/mine.html",
        {
            "page": page,
            "sort": sort,
            "upload_org": user.org,
            "title": "我的附件",
            "breadcrumbs": [("我的附件", None)],
        },
    )


@login_required
@require_POST
def upload(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_upload(user))
    form = UploadForm(request.POST)
    files = request.FILES.getlist("file")
    errors: list[str] = []
    created: list[Attachment] = []
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    elif not access.can_upload(user, form.cleaned_data["org"]):
        errors = ["不能向该单位上传附件。"]
    elif not files:
        errors = ["请选择要上传的文件。"]
    else:
        for uploaded in files:
            try:
                created.append(
                    services.attachment_create(
                        actor=user, uploaded_file=uploaded, org=form.cleaned_data["org"]
                    )
                )
            except ValidationError as exc:
                errors.extend(exc.messages)
    list_id = (form.cleaned_data.get("list_id") if form.is_valid() else "") or "attachments"
    if request.headers.get("HX-Request"):
        return render_rows(request, created, list_id=list_id, errors=errors)
    for attachment in created:
        messages.success(request, f"已上传「{attachment.original_name}」。")
    for error in errors:
        messages.error(request, error)
    return redirect(_next_url(request))


def _file_response(attachment: Attachment, *, inline: bool) -> FileResponse:
    try:
        handle = default_storage.open(attachment.file.name or "", "rb")
    except (FileNotFoundError, OSError):
        raise Http404("附件文件已丢失，请联系系统管理员。") from None
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=not inline,
        filename=attachment.original_name,
    )
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
def download(request: AuthedRequest, pk: str) -> HttpResponseBase:
    user = request.user
    attachment = access.access_attachment(user, pk)
    response = _file_response(attachment, inline=False)
    services.attachment_read_recorded(actor=user, attachment=attachment, how="downloaded")
    return response


@login_required
def preview(request: AuthedRequest, pk: str) -> HttpResponseBase:
    """Images and PDF shown inline, hardened; anything else is only downloadable.

    With the watermark on (FAZHI_WATERMARK), an image is shown on a page under an
    overlay naming the viewer and the time, and a PDF is served as a copy stamped
    with them (documents.watermark); the stored file is never changed."""
    user = request.user
    attachment = access.access_attachment(user, pk)
    if not attachment.previewable:
        raise Http404("该类型的附件不支持在线预览，请下载后查看。")
    response: HttpResponseBase
    if not watermark.enabled():
        response = _file_response(attachment, inline=True)
    elif attachment.is_image:
        return render(
            request,
            "attachments/preview.html",
            {
                "attachment": attachment,
                "mark": watermark.text_for(user),
                "title": f"预览：{attachment.original_name}",
            },
        )
    else:
        try:
            with default_storage.open(attachment.file.name or "", "rb") as handle:
                content = watermark.stamp_pdf(handle.read(), watermark.text_for(user))
        except (FileNotFoundError, OSError):
            raise Http404("附件文件已丢失，请联系系统管理员。") from None
        except watermark.WatermarkFailed:
            return render(
                request,
                "attachments/preview.html",
                {"attachment": attachment, "unstampable": True, "title": f"预览：{attachment.original_name}"},
            )
        response = _inline_copy(attachment, content)
    services.attachment_read_recorded(actor=user, attachment=attachment, how="previewed")
    return response


@login_required
def preview_image(request: AuthedRequest, pk: str) -> HttpResponseBase:
    """The image under the preview page's watermark overlay (images only)."""
    user = request.user
    attachment = access.access_attachment(user, pk)
    if not (attachment.previewable and attachment.is_image):
        raise Http404("该类型的附件不支持在线预览，请下载后查看。")
    response = _file_response(attachment, inline=True)
    services.attachment_read_recorded(actor=user, attachment=attachment, how="previewed")
    return response


def _inline_copy(attachment: Attachment, content: bytes) -> HttpResponse:
    """A generated copy of the file (the stamped PDF), with the file responses' protections."""
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = attachment_disposition(attachment.original_name).replace(
        "attachment;", "inline;", 1
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
@require_POST
def delete(request: AuthedRequest, pk: str) -> HttpResponse:
    user = request.user
    attachment = access.access_attachment(user, pk, delete=True)
    name = attachment.original_name
    try:
        services.attachment_delete(actor=user, attachment=attachment)
    except ValidationError as exc:
        if request.headers.get("HX-Request"):
            return HttpResponse(" ".join(exc.messages), status=409, content_type="text/plain; charset=utf-8")
        messages.error(request, " ".join(exc.messages))
        return redirect(_next_url(request))
    if request.headers.get("HX-Request"):
        return HttpResponse("")
    messages.success(request, f"已删除「{name}」。")
    return redirect(_next_url(request))
