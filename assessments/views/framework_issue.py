"""考评办法印发: the 印发通知 (红头, 发文字号) with the framework table, as docx or PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect

from accounts.http import AuthedRequest
from assessments import access, framework_docs
from documents.xlsx import file_response


@login_required
def framework_issue(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    framework = access.access_framework(request.user, pk)
    try:
        content, name, mime = framework_docs.framework_issue_export(
            actor=request.user, framework=framework, kind=kind
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("assessments:framework_detail", pk=framework.pk)
    return file_response(content, name, mime)
