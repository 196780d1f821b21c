from django.urls import include, path

urlpatterns = [
    path("", include("workbench.urls")),
    path("accounts/", include("accounts.urls")),
    path("orgs/", include("orgs.urls")),
    path("audit/", include("audit.urls")),
    path("files/", include("attachments.urls")),
    path("jobs/", include("jobs.urls")),
    path("performance/", include("performance.urls")),
    path("assessments/", include("assessments.urls")),
    path("provincial/", include("provincial.urls")),
    path("problems/", include("problems.urls")),
    path("experts/", include("experts.urls")),
    path("selections/", include("selections.urls")),
    path("public/huimin/", include("selections.public_urls")),
    path("accountability/", include("accountability.urls")),
    path("notices/", include("notices.urls")),
    path("api/v1/", include("api.urls")),
]

handler400 = "workbench.views.bad_request"
handler403 = "workbench.views.permission_denied"
handler404 = "workbench.views.page_not_found"
handler500 = "workbench.views.server_error"
