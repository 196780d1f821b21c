"""Results, what-if, publication, drill-down, appeals, 整改 and year over year
(included by urls.py under the `assessments:` namespace)."""

from django.urls import path

from assessments import views_results as v

urlpatterns = [
    path("results/", v.results_index, name="results_index"),
    path("results/trends/", v.trends_page, name="trends"),
    path("results/trends/<str:kind>.json", v.trends_chart, name="trends_chart"),
    path("results/trends/<str:kind>.xlsx", v.trends_xlsx, name="trends_xlsx"),
    path("results/<int:pk>/", v.results_detail, name="results"),
    path("results/<int:pk>/what-if/", v.results_what_if, name="what_if"),
    path("results/<int:pk>/ranking-draft.xlsx", v.results_live_xlsx, name="results_live_xlsx"),
    path("results/<int:pk>/publish/", v.results_publish, name="publish"),
    path("results/<int:pk>/publication/", v.publication_detail, name="publication"),
    path("results/<int:pk>/publication/snapshot.json", v.publication_snapshot, name="publication_snapshot"),
    path(
        "results/<int:pk>/publication/notice.docx",
        v.publication_file,
        {"kind": "notice"},
        name="publication_notice",
    ),
    path(
        "results/<int:pk>/publication/ranking.xlsx",
        v.publication_file,
        {"kind": "ranking"},
        name="publication_ranking",
    ),
    path("results/<int:pk>/feedback/<int:org_pk>/", v.feedback_detail, name="feedback"),
    path("results/<int:pk>/feedback/<int:org_pk>/report.docx", v.feedback_docx, name="feedback_docx"),
    path("results/<int:pk>/feedback/<int:org_pk>/rectify/", v.feedback_rectify, name="feedback_rectify"),
    path("results/<int:pk>/targets/<int:org_pk>/", v.target_scores, name="target_scores"),
    path("results/scores/<int:score_pk>/", v.score_drilldown, name="score_drilldown"),
    path("appeals/", v.appeal_list, name="appeal_list"),
    path("appeals/new/<int:score_pk>/", v.appeal_create, name="appeal_create"),
    path("appeals/<int:pk>/", v.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/answer/", v.appeal_answer, name="appeal_answer"),
    path("appeals/<int:pk>/decide/", v.appeal_decide, name="appeal_decide"),
    path("rectifications/", v.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/done/", v.rectification_done, name="rectification_done"),
]
