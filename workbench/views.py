from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import AuthedRequest
from fazhi.middleware import database_unavailable
from workbench import nav
from workbench.cockpit import views as cockpit_views
from workbench.cockpit.access import can_see_cockpit

ERROR_TEXT = {
    400: ("请求有误", "提交的内容无法处理，请检查后重试。"),
    403: ("没有权限", "您没有权限访问该页面或执行该操作。"),
    404: ("页面不存在", "您访问的页面或对象不存在，或您无权查看。"),
    500: ("系统错误", "系统暂时无法处理您的请求，已记录错误，请稍后重试。"),
}


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Liveness for a load balancer, and the baseline of `make bench ONLY=load`: the
    framework and its middleware without a template or a query. Says nothing else."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The office's home page is the cockpit (with its to-dos beside it);
    everyone else's is the to-do list."""
    if can_see_cockpit(request.user):
        return cockpit_views.cockpit_page(request)
    todos = nav.todos_for(request.user)
    return render(request, "workbench/home.html", {"todos": todos, "title": "工作台"})


def _error(request: HttpRequest, status: int, detail: str = "") -> HttpResponse:
    title, message = ERROR_TEXT[status]
    if request.path.startswith("/api/"):
        code = {400: "bad_request", 403: "permission_denied", 404: "not_found", 500: "server_error"}[status]
        return JsonResponse({"error": {"code": code, "message": detail or message}}, status=status)
    return render(
        request, "error.html", {"title": title, "message": detail or message, "status": status}, status=status
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    detail = str(exception) if exception and str(exception) else ""
    return _error(request, 403, detail)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Called inside the handler's `except`: a database failure outside the views
    # (session, user lookup) gets the same 503 as one inside them.
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return database_unavailable(request)
    return _error(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = "页面已过期或请求来源无法验证（CSRF 校验失败）。请刷新页面后重新提交。"
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "csrf_failed", "message": message}}, status=403)
    return render(
        request, "error.html", {"title": "请求已过期", "message": message, "status": 403}, status=403
    )
