"""Project-wide HTTP guards: the request body limit and the cache headers of dynamic responses.

The body limit is enforced before anything reads the body (CSRF reads request.POST,
which is where Django would spool an uploaded file to a temporary file):

- a declared Content-Length above the limit is answered 413 at once, the body unread;
- a chunked body (no Content-Length; gunicorn marks its input `wsgi.input_terminated`)
  is read through a counter into a spooled buffer and cut off as soon as it passes
  the limit (413); one under the limit is handed to Django with its real length, so
  chunked uploads work and nothing reaches Django's upload handlers unbounded;
- a chunked body on a server that cannot tell where it ends is refused (411);
- a body longer than its declared Content-Length is never read past that length
  (Django's LimitedStream), so lying about the length gains nothing.

The limit is FAZHI_UPLOAD_MAX_MB plus FORM_ALLOWANCE for the form fields and multipart
headers around the files; the reverse proxy should refuse the same size earlier
(README, docs/deploy.md: nginx `client_max_body_size`).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from typing import IO, Any

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

from attachments.storing import DISK_FULL_MESSAGE, is_disk_full

MIB = 1024 * 1024
FORM_ALLOWANCE = 1 * MIB
READ_CHUNK = 64 * 1024

logger = logging.getLogger("fazhi.security")
logger_db = logging.getLogger("fazhi.faults")


def request_body_limit() -> int:
    """Largest request body accepted, in bytes (read at request time so tests can override)."""
    return int(settings.UPLOAD_MAX_MB) * MIB + FORM_ALLOWANCE


def too_large_message() -> str:
    return (
        f"提交的内容过大：每次上传的文件合计不能超过 {int(settings.UPLOAD_MAX_MB)} MB，"
        "请压缩或拆分后分次上传。"
    )


LENGTH_REQUIRED_MESSAGE = "请求缺少 Content-Length（内容长度），无法接收，请使用浏览器或标准客户端重新提交。"


def refusal(request: HttpRequest, status: int, code: str, title: str, message: str) -> HttpResponse:
    """The same refusal in the form the caller reads: API JSON, htmx plain text, or a page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": code, "message": message}}, status=status)
    if request.headers.get("HX-Request"):
        # app.js shows a short plain-text answer as the server's own explanation.
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return render(
        request, "error.html", {"title": title, "message": message, "status": status}, status=status
    )


class BodyTooLarge(Exception):
    pass


def spool_bounded(stream: IO[bytes], *, limit: int) -> tuple[IO[bytes], int]:
    """Read `stream` to its end into a spooled temporary file, stopping once it passes `limit`.

    Raises BodyTooLarge after reading at most `limit + READ_CHUNK` bytes; the buffer
    (memory or an unlinked temporary file) is closed then, so nothing is left behind."""
    buffer = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115
    size = 0
    try:
        while chunk := stream.read(READ_CHUNK):
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge
            buffer.write(chunk)
    except BaseException:
        buffer.close()
        raise
    buffer.seek(0)
    return buffer, size


class RequestBodyLimitMiddleware:
    """Refuses a request body above `request_body_limit()` before Django buffers any of it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = request_body_limit()
        meta = request.META
        declared = meta.get("CONTENT_LENGTH")
        if declared not in (None, ""):
            try:
                too_large = int(declared) > limit
            except (TypeError, ValueError):
                too_large = False  # Django reads such a body as empty
            if too_large:
                return self._too_large(request, declared)
            return self.get_response(request)
        if "chunked" not in meta.get("HTTP_TRANSFER_ENCODING", "").lower():
            return self.get_response(request)
        if not meta.get("wsgi.input_terminated"):
            return refusal(request, 411, "length_required", "无法接收请求", LENGTH_REQUIRED_MESSAGE)
        try:
            buffer, size = spool_bounded(meta["wsgi.input"], limit=limit)
        except BodyTooLarge:
            return self._too_large(request, "chunked")
        try:
            # Django parses a body by its declared length: give it the measured one.
            meta["CONTENT_LENGTH"] = str(size)
            request._stream = LimitedStream(buffer, size)  # type: ignore[attr-defined,arg-type,assignment]
            return self.get_response(request)
        finally:
            buffer.close()

    def _too_large(self, request: HttpRequest, declared: Any) -> HttpResponse:
        logger.warning(
            "request body over the limit refused: %s %s length=%s from %s",
            request.method,
            request.path,
            declared,
            request.META.get("REMOTE_ADDR", ""),
        )
        return refusal(request, 413, "request_too_large", "提交的内容过大", too_large_message())


class NoStoreMiddleware:
    """Dynamic responses (pages, API, downloads) are never kept by browsers or shared caches.

    Placed after WhiteNoise, so static files keep their long cache lifetimes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response


DATABASE_UNAVAILABLE_TITLE = "数据库暂时不可用"
DATABASE_UNAVAILABLE_MESSAGE = (
    "数据库连接中断，本次操作未完成，也未保存任何内容。请稍后重试；如持续出现，请联系系统管理员。"
)


def request_id(request: HttpRequest) -> str:
    """The id the reverse proxy gave this request (X-Request-ID), if any, for the user to quote."""
    return str(request.META.get("HTTP_X_REQUEST_ID", ""))[:100]


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 for a request whose database connection failed: JSON under /api/, else a page.

    The page is rendered without a request context: the context processors read the
    session and the user, i.e. the database that just failed."""
    rid = request_id(request)
    if request.path.startswith("/api/"):
        error: dict[str, str] = {"code": "database_unavailable", "message": DATABASE_UNAVAILABLE_MESSAGE}
        if rid:
            error["request_id"] = rid
        response: HttpResponse = JsonResponse({"error": error}, status=503)
    else:
        html = render_to_string(
            "db_unavailable.html",
            {"title": DATABASE_UNAVAILABLE_TITLE, "message": DATABASE_UNAVAILABLE_MESSAGE, "request_id": rid},
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = "30"
    return response


class DatabaseUnavailableMiddleware:
    """A dropped database connection (OperationalError/InterfaceError) in a view → 503, clearly said;
    a full disk → 507 with 磁盘空间不足，文件未保存.

    No partial write: every service is @transaction.atomic, so the failed statement's
    transaction was rolled back before the exception reached here. Failures in the
    middleware themselves (session, user) reach handler500, which answers the same way."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger_db.error("database unavailable during %s %s: %s", request.method, request.path, exception)
            return database_unavailable(request)
        if is_disk_full(exception):
            # An upload path that does not store through attachments.storing.file_store
            # (e.g. Django spooling a large upload to a temporary file).
            logger_db.error("disk full during %s %s: %s", request.method, request.path, exception)
            return refusal(request, 507, "disk_full", "磁盘空间不足", DISK_FULL_MESSAGE)
        return None
