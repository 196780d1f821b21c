"""The project's URLs plus a page and an API resource that have no line in the
authorization matrix, for the tests of the walker and the runner."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from audit.services import audit_record
from fazhi.urls import urlpatterns as project_urlpatterns


@login_required
def secret(request: HttpRequest) -> HttpResponse:
    """Careless on purpose: refuses the stranger only after recording its POST."""
    if request.user.get_username() == "jianghai":
        if request.method == "POST":
            audit_record(actor=request.user, action="test.secret.posted")
        return HttpResponse(status=403)
    return HttpResponse("secret")


class SecretViewSet(viewsets.ViewSet):
    def list(self, request: Request) -> Response:
        return Response([])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response({})

    def destroy(self, request: Request, pk: str) -> Response:
        return Response(status=204)


router = SimpleRouter()
router.register("secrets", SecretViewSet, basename="secret")

urlpatterns = [
    *project_urlpatterns,
    path("reports/", include(([path("secret/", secret, name="secret")], "reports"))),
    path("api/v1/", include(router.urls)),
]
