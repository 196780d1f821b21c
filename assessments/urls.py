from django.urls import include, path

app_name = "assessments"
urlpatterns = [
    # Results, appeals, publication and year-over-year live in urls_results.py.
    path("", include("assessments.urls_results")),
]
