from django.urls import path

from assessments.views import (
    appeals,
    bonus_claims,
    campaigns,
    duties,
    extensions,
    framework_issue,
    framework_tables,
    frameworks,
    history,
    publication,
    rectifications,
    results,
    scoring,
    self_assessments,
    trends,
    unit_classes,
)

app_name = "assessments"
urlpatterns = [
    # 考评办法
    path("frameworks/", frameworks.framework_list, name="framework_list"),
    path("frameworks/new/", frameworks.framework_create, name="framework_create"),
    path("frameworks/import/", frameworks.framework_import_new, name="framework_import"),
    path("frameworks/import-table/", framework_tables.framework_table_import, name="framework_table_import"),
    path(
        "frameworks/import-table/<str:token>/",
        framework_tables.framework_table_preview,
        name="framework_table_preview",
    ),
    path("frameworks/diff/", frameworks.framework_diff_view, name="framework_diff"),
    path("frameworks/<int:pk>/", frameworks.framework_detail, name="framework_detail"),
    path("frameworks/<int:pk>/edit/", frameworks.framework_edit, name="framework_edit"),
    path("frameworks/<int:pk>/lock/", frameworks.framework_lock, name="framework_lock"),
    path("frameworks/<int:pk>/clone/", frameworks.framework_clone, name="framework_clone"),
    path("frameworks/<int:pk>/new-version/", frameworks.framework_new_version, name="framework_new_version"),
    path("frameworks/<int:pk>/delete/", frameworks.framework_delete, name="framework_delete"),
    path("frameworks/<int:pk>/export.xlsx", frameworks.framework_export, name="framework_export"),
    path("frameworks/<int:pk>/import/", frameworks.framework_import_into, name="framework_import_into"),
    path(
        "frameworks/<int:pk>/issue.docx",
        framework_issue.framework_issue,
        {"kind": "docx"},
        name="framework_issue_docx",
    ),
    path(
        "frameworks/<int:pk>/issue.pdf",
        framework_issue.framework_issue,
        {"kind": "pdf"},
        name="framework_issue_pdf",
    ),
    path("frameworks/<int:pk>/sections/new/", frameworks.section_form, name="section_create"),
    path("frameworks/<int:pk>/sections/<int:section_pk>/", frameworks.section_form, name="section_edit"),
    path(
        "frameworks/<int:pk>/sections/<int:section_pk>/groups/new/",
        frameworks.group_form,
        name="group_create",
    ),
    path("frameworks/<int:pk>/groups/<int:group_pk>/", frameworks.group_form, name="group_edit"),
    path("frameworks/<int:pk>/groups/<int:group_pk>/delete/", frameworks.group_delete, name="group_delete"),
    path(
        "frameworks/<int:pk>/sections/<int:section_pk>/delete/",
        frameworks.section_delete,
        name="section_delete",
    ),
    path("frameworks/<int:pk>/indicators/new/", frameworks.indicator_form, name="indicator_create"),
    path(
        "frameworks/<int:pk>/indicators/<int:indicator_pk>/", frameworks.indicator_form, name="indicator_edit"
    ),
    path(
        "frameworks/<int:pk>/indicators/<int:indicator_pk>/delete/",
        frameworks.indicator_delete,
        name="indicator_delete",
    ),
    path(
        "frameworks/<int:pk>/indicators/<int:indicator_pk>/rules/new/",
        frameworks.rule_form,
        name="rule_create",
    ),
    path(
        "frameworks/<int:pk>/indicators/<int:indicator_pk>/rules/<int:rule_pk>/",
        frameworks.rule_form,
        name="rule_edit",
    ),
    path(
        "frameworks/<int:pk>/indicators/<int:indicator_pk>/rules/<int:rule_pk>/delete/",
        frameworks.rule_delete,
        name="rule_delete",
    ),
    # 年度考评
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/advance/", campaigns.campaign_advance, name="campaign_advance"),
    path("campaigns/<int:pk>/matrix/", campaigns.campaign_matrix, name="campaign_matrix"),
    path("campaigns/<int:pk>/matrix.xlsx", campaigns.campaign_matrix_export, name="campaign_matrix_export"),
    path("campaigns/<int:pk>/extensions/", extensions.extension_list, name="extensions"),
    path("campaigns/<int:pk>/social/", campaigns.social_evaluations, name="social"),
    path("campaigns/<int:pk>/classes/", unit_classes.unit_classes, name="unit_classes"),
    path("campaigns/<int:pk>/classes/<int:class_pk>/", unit_classes.unit_classes, name="unit_class_edit"),
    path(
        "campaigns/<int:pk>/classes/<int:class_pk>/delete/",
        unit_classes.unit_class_delete,
        name="unit_class_delete",
    ),
    path("campaigns/<int:pk>/social/template.xlsx", campaigns.social_template, name="social_template"),
    # 自评
    path("campaigns/<int:pk>/self/", self_assessments.self_home, name="self_home"),
    path("campaigns/<int:pk>/self/<int:target_id>/", self_assessments.self_list, name="self_list"),
    path(
        "campaigns/<int:pk>/self/<int:target_id>/submit/",
        self_assessments.self_submit_all,
        name="self_submit_all",
    ),
    path("self/<int:sa_pk>/", self_assessments.self_detail, name="self_detail"),
    path("self/<int:sa_pk>/return/", self_assessments.self_return, name="self_return"),
    path("self/<int:sa_pk>/evidence/", self_assessments.self_evidence_upload, name="self_evidence"),
    # 加分申报
    path("campaigns/<int:pk>/bonus-claims/", bonus_claims.claim_list, name="bonus_claims"),
    path("campaigns/<int:pk>/bonus-claims/new/", bonus_claims.claim_create, name="bonus_claim_create"),
    path("bonus-claims/<int:pk>/", bonus_claims.claim_detail, name="bonus_claim_detail"),
    path("bonus-claims/<int:pk>/withdraw/", bonus_claims.claim_withdraw, name="bonus_claim_withdraw"),
    # 评分
    path("campaigns/<int:pk>/scoring/", scoring.scoring, name="scoring"),
    path("campaigns/<int:pk>/scoring/approve/", scoring.scoring_approve_all, name="scoring_approve_all"),
    path("scores/<int:score_pk>/", scoring.score_detail, name="score_detail"),
    path(
        "scores/<int:score_pk>/approve/", scoring.score_review, {"decision": "approve"}, name="score_approve"
    ),
    path("scores/<int:score_pk>/reject/", scoring.score_review, {"decision": "reject"}, name="score_reject"),
    path("scores/<int:score_pk>/reopen/", scoring.score_reopen, name="score_reopen"),
    # 经办与审核
    path("duties/", duties.duty_list, name="duty_list"),
    # 考评结果
    path("results/", results.results_index, name="results_index"),
    path("results/trends/", trends.trends_page, name="trends"),
    path("results/history/", history.history_import, name="history_import"),
    path("results/trends/<str:kind>.json", trends.trends_chart, name="trends_chart"),
    path("results/trends/<str:kind>.xlsx", trends.trends_xlsx, name="trends_xlsx"),
    path("results/<int:pk>/", results.results_detail, name="results"),
    path("results/<int:pk>/what-if/", results.results_what_if, name="what_if"),
    path("results/<int:pk>/ranking-draft.xlsx", results.results_live_xlsx, name="results_live_xlsx"),
    path("results/<int:pk>/publish/", publication.results_publish, name="publish"),
    path("results/<int:pk>/publication/", publication.publication_detail, name="publication"),
    path(
        "results/<int:pk>/publication/snapshot.json",
        publication.publication_snapshot,
        name="publication_snapshot",
    ),
    path(
        "results/<int:pk>/publication/notice.docx",
        publication.publication_file,
        {"kind": "notice"},
        name="publication_notice",
    ),
    path(
        "results/<int:pk>/publication/ranking.xlsx",
        publication.publication_file,
        {"kind": "ranking"},
        name="publication_ranking",
    ),
    path("results/<int:pk>/feedback/<int:org_pk>/", publication.feedback_detail, name="feedback"),
    path(
        "results/<int:pk>/feedback/<int:org_pk>/report.docx", publication.feedback_docx, name="feedback_docx"
    ),
    path(
        "results/<int:pk>/feedback/<int:org_pk>/rectify/",
        publication.feedback_rectify,
        name="feedback_rectify",
    ),
    path("results/<int:pk>/targets/<int:org_pk>/", results.target_scores, name="target_scores"),
    path("results/scores/<int:score_pk>/", results.score_drilldown, name="score_drilldown"),
    path("appeals/", appeals.appeal_list, name="appeal_list"),
    path("appeals/new/<int:score_pk>/", appeals.appeal_create, name="appeal_create"),
    path("appeals/<int:pk>/", appeals.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/answer/", appeals.appeal_answer, name="appeal_answer"),
    path("appeals/<int:pk>/decide/", appeals.appeal_decide, name="appeal_decide"),
    path("rectifications/", rectifications.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/done/", rectifications.rectification_done, name="rectification_done"),
]
