"""The authorization matrix: for every route of the project, the status each persona
gets, on an object of its own side and (for mirrored lines) of the other side.

One line per route (a route taking several kinds of object may have one line per
kind). Pages are named by URL name, API routes by their path pattern. A line says
which personas may (`expect(ok, status=…)`), what the others get (`denied=…`, 404
unless told) and any persona that differs (`office=403`); the anonymous visitor is
sent to the log-in page (401 from the API) unless told. `quiet(302)` is a refusal
answered with a message: the status matches and nothing may be written.

- `page(route, args, get=…, post=…)`: a page; `both=` when GET and POST answer alike.
- `action(route, args, post=…)`: a page that acts on POST only (GET is 405).
- `api(route, args, get=…, post=…, put=…, patch=…, delete=…)`: an API route; the
  walker requires a table for each method the route's view has.
- `data=lambda s: {…}` is the body sent on writes; `mirror=True` requests the line
  again on the other side's object (authz_world.py).

Adding a URL or an API route without a line here (or in EXEMPT, with the reason)
fails `test_it_has_a_line_for_every_route`, naming the route.
"""

from __future__ import annotations

from workbench.tests.authz import BUSINESS, EVERYONE, Entry, action, api, expect, page, quiet
from workbench.tests.authz_world import upload

ADMINS_403 = dict.fromkeys(("sysadmin", "secadmin", "auditadmin"), 403)
# In a 考评 the office manages, the units taking part may look but not act (403);
# whoever takes no part is not told the campaign exists (404).
OUTSIDE_404 = dict.fromkeys(("sysadmin", "secadmin", "auditadmin", "expert"), 404)

# Routes the matrix does not request, each with the reason.
EXEMPT = {
    # Public by design: the way in. Lock-out and throttling: accounts/tests/test_login_throttle.py.
    "accounts:login": "the log-in page is for visitors who are not logged in",
    # Reached only half-logged-in, after the password step: accounts/tests/test_totp_enforcement.py.
    "accounts:login_totp": "the TOTP step of logging in",
    # Ends the very session the matrix requests with: accounts/tests/test_views_accounts.py.
    "accounts:logout": "logging out",
    # The API's description and the vendored Swagger UI / ReDoc pages that read it: public,
    # no data (api/tests/test_throttling.py), and the schema takes about a second to build.
    "/api/v1/openapi.json": "the OpenAPI schema",
    "/api/v1/docs/": "Swagger UI",
    "/api/v1/redoc/": "ReDoc",
}

PLATFORM = [
    page("workbench:home", get=expect(EVERYONE)),
    page("workbench:health", get=expect(EVERYONE, anonymous=200)),
    page("accounts:profile", get=expect(EVERYONE)),
    page("accounts:password_change", both=expect(EVERYONE)),
    page("accounts:totp_setup", both=expect(EVERYONE)),
    page("accounts:user_list", get=expect({"sysadmin", "secadmin"}, denied=403)),
    page("accounts:user_create", both=expect({"sysadmin"}, denied=403)),
    page(
        "accounts:user_edit",
        lambda s: [s.user.pk],
        mirror=True,
        both=expect({"sysadmin"}, office=403, secadmin=403),
    ),
    page(
        "accounts:user_edit",
        lambda s: [s.admin_user.pk],
        note="an account of the three admins",
        both=expect({"secadmin"}, office=403, sysadmin=403),
    ),
    page(
        "accounts:user_password",
        lambda s: [s.user.pk],
        mirror=True,
        both=expect({"sysadmin"}, office=403, secadmin=403),
    ),
    page(
        "accounts:user_password",
        lambda s: [s.admin_user.pk],
        note="an account of the three admins",
        both=expect({"secadmin"}, office=403, sysadmin=403),
    ),
    page("accounts:admin_role_list", get=expect({"sysadmin", "secadmin"}, denied=403)),
    page("accounts:admin_role_propose", both=expect({"sysadmin"}, denied=403)),
    page("accounts:admin_role_detail", lambda s: [s.role_request.pk], get=expect({"sysadmin", "secadmin"})),
    action(
        "accounts:admin_role_decide",
        lambda s: [s.role_request.pk],
        data=lambda s: {"decision": "reject", "note": "不同意"},
        post=expect({"secadmin"}, status=302, sysadmin=403),
    ),
    action(
        "accounts:admin_role_withdraw",
        lambda s: [s.role_request.pk],
        post=expect({"sysadmin"}, status=302, secadmin=403),
    ),
    page("accounts:api_token", both=expect(EVERYONE)),
    page("accounts:security_policy", both=expect({"secadmin"}, denied=403)),
    action(
        "accounts:lockout_unlock",
        data=lambda s: {"unlock-username": s.user.username},
        post=expect({"secadmin"}, status=302, denied=403),
    ),
    page("orgs:list", get=expect(BUSINESS | {"sysadmin"}, denied=403)),
    page("orgs:create", both=expect({"sysadmin"}, denied=403)),
    page("orgs:export", get=expect(BUSINESS | {"sysadmin"}, denied=403)),
    page("orgs:detail", lambda s: [s.org.pk], mirror=True, get=expect({"office", "county", "sysadmin"})),
    page("orgs:edit", lambda s: [s.org.pk], mirror=True, both=expect({"sysadmin"}, office=403, county=403)),
    page("audit:list", get=expect({"auditadmin"}, denied=403)),
    page("audit:verify", get=expect({"auditadmin"}, denied=403)),
    page("audit:detail", lambda s: [s.entry.seq], get=expect({"auditadmin"}, denied=403)),
    page("attachments:mine", get=expect(BUSINESS, denied=403)),
    action(
        "attachments:upload",
        mirror=True,
        data=lambda s: {"org": s.org.pk, "file": upload()},  # into the county's org
        post=expect({"office", "county"}, status=302, denied=quiet(302), **ADMINS_403),
    ),
    page("attachments:download", lambda s: [s.file.pk], mirror=True, get=expect({"office", "county"})),
    page("attachments:preview", lambda s: [s.file.pk], mirror=True, get=expect({"office", "county"})),
    page("attachments:preview_image", lambda s: [s.image.pk], mirror=True, get=expect({"office", "county"})),
    action(
        "attachments:delete",
        lambda s: [s.file.pk],
        mirror=True,
        post=expect({"office", "county"}, status=302),
    ),
    page("jobs:list", get=expect(EVERYONE)),
    page("jobs:detail", lambda s: [s.job.pk], mirror=True, get=expect({"county"})),
    page("jobs:result", lambda s: [s.job.pk], mirror=True, get=expect({"county"})),
    page("jobs:user_import", both=expect({"sysadmin"}, denied=403)),
    page("jobs:user_import_template", get=expect({"sysadmin"}, denied=403)),
    api("/api/v1/", get=expect(EVERYONE)),
    api(
        "/api/v1/auth/token/",
        get=expect(EVERYONE),
        post=expect(EVERYONE, status=201),
        delete=expect(EVERYONE, status=204),
    ),
    api(
        "/api/v1/orgs/",
        get=expect(BUSINESS | {"sysadmin"}, denied=403),
        post=expect({"sysadmin"}, status=400, denied=403),
    ),
    api(
        "/api/v1/orgs/{pk}/",
        lambda s: {"pk": s.org.pk},
        mirror=True,
        get=expect({"office", "county", "sysadmin"}),
        put=expect({"sysadmin"}, status=400, office=403, county=403),
        patch=expect({"sysadmin"}, office=403, county=403),
    ),
    api("/api/v1/users/", get=expect(EVERYONE), post=expect({"sysadmin"}, status=400, denied=403)),
    api("/api/v1/users/me/", get=expect(EVERYONE)),
    api(
        "/api/v1/users/{pk}/",
        lambda s: {"pk": s.user.pk},
        mirror=True,
        get=expect({"office", "sysadmin", "secadmin"}),
        put=expect({"sysadmin"}, status=400, office=403, secadmin=403),
        patch=expect({"sysadmin"}, office=403, secadmin=403),
    ),
    api(
        "/api/v1/admin-role-requests/",
        get=expect({"sysadmin", "secadmin"}, denied=403),
        post=expect({"sysadmin"}, status=400, denied=403),
    ),
    api(
        "/api/v1/admin-role-requests/{pk}/",
        lambda s: {"pk": s.role_request.pk},
        get=expect({"sysadmin", "secadmin"}),
    ),
    api(
        "/api/v1/admin-role-requests/{pk}/approve/",
        lambda s: {"pk": s.role_request.pk},
        data=lambda s: {"note": "同意"},
        post=expect({"secadmin"}, sysadmin=403),
    ),
    api(
        "/api/v1/admin-role-requests/{pk}/reject/",
        lambda s: {"pk": s.role_request.pk},
        data=lambda s: {"note": "不同意"},
        post=expect({"secadmin"}, sysadmin=403),
    ),
    api(
        "/api/v1/admin-role-requests/{pk}/withdraw/",
        lambda s: {"pk": s.role_request.pk},
        post=expect({"sysadmin"}, secadmin=403),
    ),
]

PERFORMANCE = [
    page("performance:project_list", get=expect(BUSINESS, denied=403)),
    page("performance:project_create", both=expect(BUSINESS, denied=403)),
    page("performance:project_import_new", both=expect(BUSINESS, denied=403)),
    page(
        "performance:project_detail", lambda s: [s.project.pk], mirror=True, get=expect({"office", "county"})
    ),
    page(
        "performance:project_edit", lambda s: [s.project.pk], mirror=True, both=expect({"office", "county"})
    ),
    action(
        "performance:table_save", lambda s: [s.project.pk], mirror=True, post=expect({"office", "county"})
    ),
    action(
        "performance:table_preview", lambda s: [s.project.pk], mirror=True, post=expect({"office", "county"})
    ),
    page(
        "performance:project_import", lambda s: [s.project.pk], mirror=True, both=expect({"office", "county"})
    ),
    page("performance:export_xlsx", lambda s: [s.project.pk], mirror=True, get=expect({"office", "county"})),
    page("performance:report_docx", lambda s: [s.project.pk], mirror=True, get=expect({"office", "county"})),
    page("performance:report_pdf", lambda s: [s.project.pk], mirror=True, get=expect({"office", "county"})),
    action(
        "performance:project_submit",
        lambda s: [s.project.pk],
        mirror=True,
        post=expect({"office", "county"}, status=302),
    ),
    action(
        "performance:project_reopen",
        lambda s: [s.project_submitted.pk],
        mirror=True,
        post=expect({"office"}, status=302, county=403),
    ),
    action(
        "performance:project_delete",
        lambda s: [s.project.pk],
        mirror=True,
        post=expect({"office"}, status=302, county=403),
    ),
    api("/api/v1/performance/selfeval/score/", post=expect(BUSINESS, status=400, denied=403)),
    api("/api/v1/performance/metrics/", get=expect(BUSINESS, denied=403)),
    api("/api/v1/performance/projects/", get=expect(EVERYONE), post=expect(BUSINESS, status=400, denied=403)),
    api(
        "/api/v1/performance/projects/{pk}/",
        lambda s: {"pk": s.project.pk},
        mirror=True,
        get=expect({"office", "county"}),
        patch=expect({"office", "county"}),
        delete=expect({"office"}, status=204, county=403),
    ),
    api(
        "/api/v1/performance/projects/{pk}/reopen/",
        lambda s: {"pk": s.project_submitted.pk},
        mirror=True,
        post=expect({"office"}, county=403),
    ),
    api(
        "/api/v1/performance/projects/{pk}/score/",
        lambda s: {"pk": s.project.pk},
        mirror=True,
        get=expect({"office", "county"}),
    ),
    api(
        "/api/v1/performance/projects/{pk}/submit/",
        lambda s: {"pk": s.project.pk},
        mirror=True,
        post=expect({"office", "county"}),
    ),
    api("/api/v1/performance/indicators/", post=expect(EVERYONE, status=400)),
    api(
        "/api/v1/performance/indicators/{pk}/",
        lambda s: {"pk": s.project_indicator.pk},
        mirror=True,
        get=expect({"office", "county"}),
        patch=expect({"office", "county"}),
        delete=expect({"office", "county"}, status=204),
    ),
]

PROVINCIAL = [
    page("provincial:home", get=expect({"office", "county", "stranger"}, status=302)),
    page("provincial:framework_list", get=expect({"office"})),
    page("provincial:framework_import", both=expect({"office"})),
    page("provincial:framework_template", get=expect({"office"})),
    page("provincial:framework_detail", lambda s: [s.provincial_framework.pk], get=expect({"office"})),
    page("provincial:framework_gaps", lambda s: [s.provincial_framework.pk], get=expect({"office"})),
    page("provincial:framework_edit", lambda s: [s.provincial_framework.pk], both=expect({"office"})),
    action(
        "provincial:framework_delete",
        lambda s: [s.provincial_framework.pk],
        post=expect({"office"}, status=302),
    ),
    page("provincial:framework_export", lambda s: [s.provincial_framework.pk], get=expect({"office"})),
    action(
        "provincial:framework_package",
        lambda s: [s.provincial_framework.pk],
        post=expect({"office"}, status=302),
    ),
    page("provincial:indicator_detail", lambda s: [s.provincial_indicator.pk], both=expect({"office"})),
    page("provincial:task_list", get=expect({"office", "county", "stranger"})),
    page("provincial:task_detail", lambda s: [s.task.pk], mirror=True, get=expect({"office", "county"})),
    action(
        "provincial:task_report",
        lambda s: [s.task.pk],
        mirror=True,
        data=lambda s: {"note": "已完成", "self_score": "3"},
        post=expect({"county"}, status=302, office=403),
    ),
    action(
        "provincial:task_evidence_add",
        lambda s: [s.task.pk],
        mirror=True,
        data=lambda s: {"file": upload()},
        post=expect({"county"}, status=302, office=403),
    ),
    action(
        "provincial:task_evidence_remove",
        lambda s: [s.task.pk, s.task_evidence.pk],
        mirror=True,
        post=expect({"county"}, status=302, office=403),
    ),
    action(
        "provincial:task_submit",
        lambda s: [s.task.pk],
        mirror=True,
        post=expect({"county"}, status=400, office=403),
    ),
    action(
        "provincial:task_accept",
        lambda s: [s.task_submitted.pk],
        mirror=True,
        post=expect({"office"}, status=302, county=403),
    ),
    action(
        "provincial:task_return",
        lambda s: [s.task_submitted.pk],
        mirror=True,
        data=lambda s: {"reason": "佐证不全"},
        post=expect({"office"}, status=302, county=403),
    ),
    page("provincial:task_edit", lambda s: [s.task.pk], mirror=True, both=expect({"office"}, county=403)),
    action(
        "provincial:task_delete",
        lambda s: [s.task.pk],
        mirror=True,
        post=expect({"office"}, status=302, county=403),
    ),
    page("provincial:result_list", both=expect({"office"})),
    page("provincial:result_export", get=expect({"office"})),
    api("/api/v1/provincial/frameworks/", get=expect({"office"}, denied=403)),
    api(
        "/api/v1/provincial/frameworks/{pk}/",
        lambda s: {"pk": s.provincial_framework.pk},
        get=expect({"office"}),
    ),
    api(
        "/api/v1/provincial/frameworks/{pk}/overview/",
        lambda s: {"pk": s.provincial_framework.pk},
        get=expect({"office"}),
    ),
    api("/api/v1/provincial/indicators/", get=expect({"office"}, denied=403)),
    api(
        "/api/v1/provincial/indicators/{pk}/",
        lambda s: {"pk": s.provincial_indicator.pk},
        get=expect({"office"}),
    ),
    api(
        "/api/v1/provincial/tasks/",
        get=expect({"office", "county", "stranger"}),
        post=expect({"office"}, status=400, denied=403),
    ),
    api(
        "/api/v1/provincial/tasks/{pk}/",
        lambda s: {"pk": s.task.pk},
        mirror=True,
        get=expect({"office", "county"}),
        patch=expect({"office", "county"}),
        delete=expect({"office"}, status=204, county=403),
    ),
    api(
        "/api/v1/provincial/tasks/{pk}/accept/",
        lambda s: {"pk": s.task_submitted.pk},
        mirror=True,
        post=expect({"office"}, county=403),
    ),
    api(
        "/api/v1/provincial/tasks/{pk}/evidence/",
        lambda s: {"pk": s.task.pk},
        mirror=True,
        data=lambda s: {"file": upload()},
        post=expect({"county"}, status=201, office=403),
    ),
    api(
        "/api/v1/provincial/tasks/{pk}/return/",
        lambda s: {"pk": s.task_submitted.pk},
        mirror=True,
        data=lambda s: {"reason": "佐证不全"},
        post=expect({"office"}, county=403),
    ),
    api(
        "/api/v1/provincial/tasks/{pk}/submit/",
        lambda s: {"pk": s.task.pk},
        mirror=True,
        post=expect({"county"}, status=400, office=403),
    ),
    api(
        "/api/v1/provincial/results/",
        get=expect({"office"}, denied=403),
        post=expect({"office"}, status=400, denied=403),
    ),
]

ASSESSMENTS_SETUP = [
    page("assessments:framework_list", get=expect({"office"}, denied=403)),
    page("assessments:framework_create", both=expect({"office"}, denied=403)),
    page("assessments:framework_import", both=expect({"office"}, denied=403)),
    page("assessments:framework_table_import", both=expect({"office"}, denied=403)),
    # the token names a table parsed in the office's own session: any other is unknown (404)
    page(
        "assessments:framework_table_preview",
        lambda s: ["not-a-token"],
        both=expect({"office"}, status=404, denied=403),
    ),
    page("assessments:framework_diff", get=expect({"office"}, denied=403)),
    page("assessments:framework_detail", lambda s: [s.framework.pk], get=expect({"office"})),
    page("assessments:framework_edit", lambda s: [s.draft.pk], both=expect({"office"})),
    action("assessments:framework_lock", lambda s: [s.draft.pk], post=expect({"office"}, status=302)),
    page("assessments:framework_clone", lambda s: [s.framework.pk], both=expect({"office"})),
    action(
        "assessments:framework_new_version", lambda s: [s.framework.pk], post=expect({"office"}, status=302)
    ),
    action("assessments:framework_delete", lambda s: [s.draft.pk], post=expect({"office"}, status=302)),
    page("assessments:framework_export", lambda s: [s.framework.pk], get=expect({"office"})),
    page("assessments:framework_issue_docx", lambda s: [s.framework.pk], get=expect({"office"})),
    page("assessments:framework_issue_pdf", lambda s: [s.framework.pk], get=expect({"office"})),
    action("assessments:framework_import_into", lambda s: [s.draft.pk], post=expect({"office"}, status=302)),
    page("assessments:section_create", lambda s: [s.draft.pk], both=expect({"office"})),
    page("assessments:section_edit", lambda s: [s.draft.pk, s.draft_section.pk], both=expect({"office"})),
    action(
        "assessments:section_delete",
        lambda s: [s.draft.pk, s.draft_section.pk],
        post=expect({"office"}, status=302),
    ),
    page("assessments:group_create", lambda s: [s.draft.pk, s.draft_section.pk], both=expect({"office"})),
    page("assessments:group_edit", lambda s: [s.draft.pk, s.draft_group.pk], both=expect({"office"})),
    action(
        "assessments:group_delete",
        lambda s: [s.draft.pk, s.draft_group.pk],
        post=expect({"office"}, status=302),
    ),
    page("assessments:indicator_create", lambda s: [s.draft.pk], both=expect({"office"})),
    page("assessments:indicator_edit", lambda s: [s.draft.pk, s.draft_indicator.pk], both=expect({"office"})),
    action(
        "assessments:indicator_delete",
        lambda s: [s.draft.pk, s.draft_indicator.pk],
        post=expect({"office"}, status=302),
    ),
    page("assessments:rule_create", lambda s: [s.draft.pk, s.draft_indicator.pk], both=expect({"office"})),
    page(
        "assessments:rule_edit",
        lambda s: [s.draft.pk, s.draft_indicator.pk, s.draft_rule.pk],
        both=expect({"office"}),
    ),
    action(
        "assessments:rule_delete",
        lambda s: [s.draft.pk, s.draft_indicator.pk, s.draft_rule.pk],
        post=expect({"office"}, status=302),
    ),
    page("assessments:campaign_list", get=expect(BUSINESS - {"expert"}, denied=403)),
    page("assessments:campaign_create", both=expect({"office"}, denied=403)),
    page("assessments:campaign_detail", lambda s: [s.c_score.pk], get=expect(BUSINESS - {"expert"})),
    page(
        "assessments:campaign_edit",
        lambda s: [s.c_score.pk],
        both=expect({"office"}, denied=403, **OUTSIDE_404),
    ),
    action(
        "assessments:campaign_advance",
        lambda s: [s.c_score.pk],
        data=lambda s: {"force": "on", "note": "测试推进"},
        post=expect({"office"}, status=302, denied=403, **OUTSIDE_404),
    ),
    page(
        "assessments:campaign_matrix",
        lambda s: [s.c_score.pk],
        get=expect({"office", "assessor", "assessor_b", "reviewer", "reviewer_b"}, county=403, stranger=403),
    ),
    page(
        "assessments:campaign_matrix_export",
        lambda s: [s.c_score.pk],
        get=expect({"office", "assessor", "assessor_b", "reviewer", "reviewer_b"}, county=403, stranger=403),
    ),
    page(
        "assessments:extensions",
        lambda s: [s.c_score.pk],
        both=expect({"office"}, denied=403, **OUTSIDE_404),
    ),
    page(
        "assessments:social",
        lambda s: [s.c_score.pk],
        both=expect({"office"}, denied=403, **OUTSIDE_404),
    ),
    page(
        "assessments:unit_classes",
        lambda s: [s.c_score.pk],
        both=expect({"office"}, denied=403, **OUTSIDE_404),
    ),
    page(
        "assessments:unit_class_edit",
        lambda s: [s.c_score.pk, s.unit_class.pk],
        both=expect({"office"}, denied=403, **OUTSIDE_404),
    ),
    action(
        "assessments:unit_class_delete",
        lambda s: [s.c_score.pk, s.unit_class.pk],
        post=expect({"office"}, status=302, denied=403, **OUTSIDE_404),
    ),
    page(
        "assessments:social_template",
        lambda s: [s.c_score.pk],
        get=expect({"office"}, denied=403, **OUTSIDE_404),
    ),
    page(
        "assessments:duty_list",
        data=lambda s: {"user": s.assessor_user.pk, "duty": "review"},
        get=expect({"office", "sysadmin"}, denied=403),
        post=expect({"office", "sysadmin"}, status=302, denied=403),
    ),
    api(
        "/api/v1/assessments/frameworks/",
        get=expect({"office"}, denied=403),
        post=expect({"office"}, status=400, denied=403),
    ),
    api("/api/v1/assessments/frameworks/{pk}/", lambda s: {"pk": s.framework.pk}, get=expect({"office"})),
    api(
        "/api/v1/assessments/frameworks/{pk}/clone/",
        lambda s: {"pk": s.framework.pk},
        post=expect({"office"}, status=400),
    ),
    api("/api/v1/assessments/frameworks/{pk}/lock/", lambda s: {"pk": s.draft.pk}, post=expect({"office"})),
    api(
        "/api/v1/assessments/frameworks/{pk}/new-version/",
        lambda s: {"pk": s.framework.pk},
        post=expect({"office"}, status=201),
    ),
    api(
        "/api/v1/assessments/campaigns/",
        get=expect(EVERYONE),
        post=expect({"office"}, status=400, denied=403),
    ),
    api(
        "/api/v1/assessments/campaigns/{pk}/",
        lambda s: {"pk": s.c_score.pk},
        get=expect(BUSINESS - {"expert"}),
    ),
    api(
        "/api/v1/assessments/campaigns/{pk}/advance/",
        lambda s: {"pk": s.c_score.pk},
        data=lambda s: {"force": True, "note": "测试推进"},
        post=expect({"office"}, denied=403, **OUTSIDE_404),
    ),
    api(
        "/api/v1/assessments/campaigns/{pk}/extensions/",
        lambda s: {"pk": s.c_score.pk},
        get=expect({"office"}, denied=403, **OUTSIDE_404),
        post=expect({"office"}, status=400, denied=403, **OUTSIDE_404),
    ),
    api(
        "/api/v1/assessments/campaigns/{pk}/missing/",
        lambda s: {"pk": s.c_score.pk},
        get=expect({"office"}, denied=403, **OUTSIDE_404),
    ),
    api(
        "/api/v1/assessments/unit-classes/",
        data=lambda s: {"campaign": s.c_score.pk, "name": "", "full_marks": "80"},
        get=expect({"office"}, denied=403),
        post=expect({"office"}, status=400, denied=403),
    ),
    api(
        "/api/v1/assessments/unit-classes/{pk}/",
        lambda s: {"pk": s.unit_class.pk},
        data=lambda s: {"name": "县（市、区）", "full_marks": "90"},
        get=expect({"office"}, denied=403, **OUTSIDE_404),
        put=expect({"office"}, denied=403, **OUTSIDE_404),
        patch=expect({"office"}, denied=403, **OUTSIDE_404),
        delete=expect({"office"}, status=204, denied=403, **OUTSIDE_404),
    ),
    api("/api/v1/assessments/scoring-duties/", get=expect({"office", "sysadmin"}, denied=403)),
    api(
        "/api/v1/assessments/scoring-duties/{pk}/",
        lambda s: {"pk": s.assessor_user.pk},
        data=lambda s: {"duty": "review"},
        put=expect({"office", "sysadmin"}, denied=403),
    ),
]

ASSESSMENTS_WORK = [
    page("assessments:self_home", lambda s: [s.c_self.pk], get=expect(BUSINESS - {"expert"}, status=302)),
    page(
        "assessments:self_list",
        lambda s: [s.c_self.pk, s.org.pk],
        mirror=True,
        get=expect({"office", "county"}),
    ),
    action(
        "assessments:self_submit_all",
        lambda s: [s.c_self.pk, s.org.pk],
        mirror=True,
        post=expect({"county"}, status=302, office=quiet(302)),  # the office may not submit for a unit
    ),
    page(
        "assessments:self_detail",
        lambda s: [s.sa.pk],
        mirror=True,
        note="submitted",
        get=expect({"office", "county", "assessor", "reviewer"}),
        post=expect({"county"}, office=403, assessor=403, reviewer=403),
    ),
    page(
        "assessments:self_detail",
        lambda s: [s.sa_draft.pk],
        mirror=True,
        note="a draft",
        get=expect({"office", "county"}),
        post=expect({"county"}, status=302, office=403),
    ),
    action(
        "assessments:self_return",
        lambda s: [s.sa.pk],
        mirror=True,
        post=expect({"office"}, status=302, county=403, assessor=403, reviewer=403),
    ),
    action(
        "assessments:self_evidence",
        lambda s: [s.sa_draft.pk],
        mirror=True,
        data=lambda s: {"file": upload()},
        post=expect({"county"}, status=302, office=403),
    ),
    page("assessments:bonus_claims", lambda s: [s.c_self.pk], get=expect(BUSINESS - {"expert"})),
    page(
        "assessments:bonus_claim_create",
        lambda s: [s.c_self.pk],
        both=expect({"county", "stranger"}, denied=403, **OUTSIDE_404),
    ),
    page(
        "assessments:bonus_claim_detail",
        lambda s: [s.bonus_claim.pk],
        mirror=True,
        get=expect({"office", "county", "assessor", "reviewer"}),
    ),
    action(
        "assessments:bonus_claim_withdraw",
        lambda s: [s.bonus_claim.pk],
        mirror=True,
        post=expect({"county"}, status=302, office=403, assessor=403, reviewer=403),
    ),
    api(
        "/api/v1/assessments/bonus-claims/",
        get=expect(EVERYONE),
        post=expect({"county", "stranger"}, status=400, denied=403),
    ),
    api(
        "/api/v1/assessments/bonus-claims/{pk}/",
        lambda s: {"pk": s.bonus_claim.pk},
        mirror=True,
        get=expect({"office", "county", "assessor", "reviewer"}),
    ),
    api(
        "/api/v1/assessments/bonus-claims/{pk}/withdraw/",
        lambda s: {"pk": s.bonus_claim.pk},
        mirror=True,
        post=expect({"county"}, office=403, assessor=403, reviewer=403),
    ),
    page(
        "assessments:scoring",
        lambda s: [s.c_score.pk],
        get=expect({"office", "assessor", "assessor_b", "reviewer", "reviewer_b"}, county=403, stranger=403),
    ),
    action(
        "assessments:scoring_approve_all",
        lambda s: [s.c_score.pk],
        post=expect(
            {"reviewer", "reviewer_b"},
            status=302,
            denied=403,
            sysadmin=404,
            secadmin=404,
            auditadmin=404,
            expert=404,
        ),
    ),
    page(
        "assessments:score_detail",
        lambda s: [s.score_draft.pk],
        mirror=True,
        note="a draft",
        get=expect({"office", "assessor", "reviewer"}),
        post=expect({"assessor"}, office=403, reviewer=403),
    ),
    page(
        "assessments:score_detail",
        lambda s: [s.score_submitted.pk],
        mirror=True,
        note="waiting for 审核",
        get=expect({"office", "assessor", "reviewer"}),
        post=expect({"assessor"}, office=403, reviewer=403),
    ),
    action(
        "assessments:score_approve",
        lambda s: [s.score_submitted.pk],
        mirror=True,
        data=lambda s: {"version": s.score_submitted.version},
        post=expect({"reviewer"}, status=302, office=403, assessor=quiet(200)),  # a 经办 never approves
    ),
    action(
        "assessments:score_reject",
        lambda s: [s.score_submitted.pk],
        mirror=True,
        data=lambda s: {"version": s.score_submitted.version, "note": "依据不足"},
        post=expect({"reviewer"}, status=302, office=403, assessor=quiet(200)),
    ),
    action(
        "assessments:score_reopen",
        lambda s: [s.score_approved.pk],
        mirror=True,
        data=lambda s: {"version": s.score_approved.version, "reason": "依据有误"},
        post=expect({"office"}, status=302, assessor=403, reviewer=403),
    ),
    api("/api/v1/assessments/self-assessments/", get=expect(EVERYONE)),
    api(
        "/api/v1/assessments/self-assessments/{pk}/",
        lambda s: {"pk": s.sa_draft.pk},
        mirror=True,
        data=lambda s: {"narrative": "已按要求完成"},
        get=expect({"office", "county"}),
        put=expect(denied=405),
        patch=expect({"county"}, office=403),
    ),
    api(
        "/api/v1/assessments/self-assessments/{pk}/return/",
        lambda s: {"pk": s.sa.pk},
        mirror=True,
        data=lambda s: {"reason": "佐证不全"},
        post=expect({"office"}, county=403, assessor=403, reviewer=403),
    ),
    api(
        "/api/v1/assessments/self-assessments/{pk}/submit/",
        lambda s: {"pk": s.sa_draft.pk},
        mirror=True,
        post=expect({"county"}, office=403),
    ),
    api("/api/v1/assessments/scores/", get=expect(EVERYONE)),
    api(
        "/api/v1/assessments/scores/{pk}/",
        lambda s: {"pk": s.score_draft.pk},
        mirror=True,
        data=lambda s: {"version": s.score_draft.version, "items": [], "reason": ""},
        get=expect({"office", "assessor", "reviewer"}),
        put=expect({"assessor"}, office=403, reviewer=403),
        patch=expect({"assessor"}, office=403, reviewer=403),
    ),
    api(
        "/api/v1/assessments/scores/{pk}/approve/",
        lambda s: {"pk": s.score_submitted.pk},
        mirror=True,
        data=lambda s: {"version": s.score_submitted.version},
        post=expect({"reviewer"}, office=403, assessor=403),
    ),
    api(
        "/api/v1/assessments/scores/{pk}/reject/",
        lambda s: {"pk": s.score_submitted.pk},
        mirror=True,
        data=lambda s: {"version": s.score_submitted.version, "note": "依据不足"},
        post=expect({"reviewer"}, office=403, assessor=403),
    ),
    api(
        "/api/v1/assessments/scores/{pk}/reopen/",
        lambda s: {"pk": s.score_approved.pk},
        mirror=True,
        data=lambda s: {"version": s.score_approved.version, "reason": "依据有误"},
        post=expect({"office"}, assessor=403, reviewer=403),
    ),
]

ASSESSMENTS_RESULTS = [
    page("assessments:results_index", get=expect(BUSINESS - {"expert"}, denied=403)),
    page("assessments:trends", get=expect({"office", "county", "stranger"}, denied=403)),
    page("assessments:history_import", both=expect({"office"}, denied=403)),
    page(
        "assessments:trends_chart",
        lambda s: ["total"],
        get=expect({"office", "county", "stranger"}, denied=403),
    ),
    page(
        "assessments:trends_xlsx",
        lambda s: ["total"],
        get=expect({"office", "county", "stranger"}, denied=403),
    ),
    page("assessments:results", lambda s: [s.c_review.pk], get=expect(BUSINESS - {"expert"})),
    page(
        "assessments:what_if",
        lambda s: [s.c_review.pk],
        get=expect({"office"}, denied=403, **OUTSIDE_404),
    ),
    page(
        "assessments:results_live_xlsx",
        lambda s: [s.c_review.pk],
        get=expect({"office"}, denied=403, **OUTSIDE_404),
    ),
    action(
        "assessments:publish",
        lambda s: [s.c_review.pk],
        post=expect({"office"}, status=302, denied=403, **OUTSIDE_404),
    ),
    page("assessments:publication", lambda s: [s.c_pub.pk], get=expect(BUSINESS - {"expert"})),
    page(
        "assessments:publication_snapshot",
        lambda s: [s.c_pub.pk],
        get=expect({"office"}, denied=403, **OUTSIDE_404),
    ),
    page("assessments:publication_notice", lambda s: [s.c_pub.pk], get=expect(BUSINESS - {"expert"})),
    page("assessments:publication_ranking", lambda s: [s.c_pub.pk], get=expect(BUSINESS - {"expert"})),
    page(
        "assessments:feedback",
        lambda s: [s.c_pub.pk, s.org.pk],
        mirror=True,
        get=expect({"office", "county"}),
    ),
    page(
        "assessments:feedback_docx",
        lambda s: [s.c_pub.pk, s.org.pk],
        mirror=True,
        get=expect({"office", "county"}),
    ),
    action(
        "assessments:feedback_rectify",
        lambda s: [s.c_pub.pk, s.org.pk],
        mirror=True,
        data=lambda s: {"indicator": f"B{s.twin}"},
        post=expect({"office", "county"}, status=302),
    ),
    page(
        "assessments:target_scores",
        lambda s: [s.c_appeal.pk, s.org.pk],
        mirror=True,
        get=expect({"office", "county"}),
    ),
    page(
        "assessments:score_drilldown",
        lambda s: [s.score_published.pk],
        mirror=True,
        get=expect({"office", "county", "assessor", "reviewer"}),
    ),
    page("assessments:appeal_list", get=expect(BUSINESS - {"expert"}, denied=403)),
    page(
        "assessments:appeal_create",
        lambda s: [s.score_appealable.pk],
        mirror=True,
        data=lambda s: {"reason": "扣分依据不足"},
        get=expect({"county"}, office=403, assessor=403, reviewer=403),
        post=expect({"county"}, status=302, office=403, assessor=403, reviewer=403),
    ),
    page(
        "assessments:appeal_detail",
        lambda s: [s.appeal.pk],
        mirror=True,
        get=expect({"office", "county", "assessor", "reviewer"}),
    ),
    action(
        "assessments:appeal_answer",
        lambda s: [s.appeal.pk],
        mirror=True,
        data=lambda s: {"answer": "维持原评分"},
        post=expect({"assessor", "reviewer"}, status=302, office=403, county=403),
    ),
    action(
        "assessments:appeal_decide",
        lambda s: [s.appeal_answered.pk],
        mirror=True,
        data=lambda s: {"decision": "upheld", "decision_note": "维持"},
        post=expect({"office"}, status=302, county=403, assessor=403, reviewer=403),
    ),
    # the 整改清单 is the problem tracker now: its addresses send the office and the
    # targets there (nothing written); whoever had no 整改清单 is still refused
    page(
        "assessments:rectification_list",
        get=expect({"office", "county", "stranger"}, status=302, denied=403),
    ),
    action(
        "assessments:rectification_done",
        lambda s: [s.rectification.pk],
        mirror=True,
        post=expect({"office", "county", "stranger"}, status=quiet(302), denied=403),
    ),
    api("/api/v1/assessments/results/", get=expect(BUSINESS - {"expert"}, denied=403)),
    api(
        "/api/v1/assessments/results/{pk}/",
        lambda s: {"pk": s.c_review.pk},
        get=expect({"office"}, denied=403, **OUTSIDE_404),
    ),
    api(
        "/api/v1/assessments/results/{pk}/publication/",
        lambda s: {"pk": s.c_pub.pk},
        get=expect(BUSINESS - {"expert"}),
    ),
    api(
        "/api/v1/assessments/results/{pk}/publish/",
        lambda s: {"pk": s.c_review.pk},
        post=expect({"office"}, status=201, denied=403, **OUTSIDE_404),
    ),
    api(
        "/api/v1/assessments/results/{pk}/what-if/",
        lambda s: {"pk": s.c_review.pk},
        post=expect({"office"}, denied=403, **OUTSIDE_404),
    ),
    api(
        "/api/v1/assessments/appeals/",
        mirror=True,
        data=lambda s: {"score": s.score_appealable.pk, "reason": "扣分依据不足"},
        get=expect(BUSINESS - {"expert"}, denied=403),
        post=expect({"county"}, status=201, office=403, assessor=403, reviewer=403),
    ),
    api(
        "/api/v1/assessments/appeals/{pk}/",
        lambda s: {"pk": s.appeal.pk},
        mirror=True,
        get=expect({"office", "county", "assessor", "reviewer"}),
    ),
    api(
        "/api/v1/assessments/appeals/{pk}/answer/",
        lambda s: {"pk": s.appeal.pk},
        mirror=True,
        data=lambda s: {"answer": "维持原评分"},
        post=expect({"assessor", "reviewer"}, office=403, county=403),
    ),
    api(
        "/api/v1/assessments/appeals/{pk}/decide/",
        lambda s: {"pk": s.appeal_answered.pk},
        mirror=True,
        data=lambda s: {"decision": "upheld", "note": "维持"},
        post=expect({"office"}, county=403, assessor=403, reviewer=403),
    ),
    api(
        "/api/v1/assessments/rectifications/",
        mirror=True,
        data=lambda s: {"campaign": s.c_pub.pk, "target": s.org.code, "indicator": f"B{s.twin}"},
        get=expect({"office", "county", "stranger"}, denied=403),
        post=expect({"office", "county"}, status=201),
    ),
    api(
        "/api/v1/assessments/rectifications/{pk}/",
        lambda s: {"pk": s.rectification.pk},
        mirror=True,
        get=expect({"office", "county"}, denied=403, stranger=404),
    ),
    api(  # superseded by /api/v1/problems/: 410 to whoever may see the former item
        "/api/v1/assessments/rectifications/{pk}/done/",
        lambda s: {"pk": s.rectification.pk},
        mirror=True,
        post=expect({"office", "county"}, status=410, denied=403, stranger=404),
    ),
]

MATRIX = [*PLATFORM, *PERFORMANCE, *PROVINCIAL, *ASSESSMENTS_SETUP, *ASSESSMENTS_WORK, *ASSESSMENTS_RESULTS]

# 咨询专家库: the office keeps the pool and draws; every business user may look the pool
# up; the expert sees its own profile, its tasks and the draws it was a candidate of
# (which it may not execute or cancel: 403). Forms posted empty answer 400.
ADMINS_404 = dict.fromkeys(("sysadmin", "secadmin", "auditadmin"), 404)
OFFICE_ONLY = expect({"office"}, denied=403, **ADMINS_404)

EXPERTS = [
    page("experts:home", get=expect(BUSINESS, status=302)),
    page("experts:expert_list", get=expect(BUSINESS)),
    page("experts:expert_export", get=expect(BUSINESS)),
    page("experts:expert_create", both=expect({"office"})),
    page("experts:expert_detail", lambda s: [s.other_expert.pk], get=expect(BUSINESS)),
    page(
        "experts:expert_edit",
        lambda s: [s.other_expert.pk],
        both=OFFICE_ONLY,
    ),
    action(
        "experts:conflict_add",
        lambda s: [s.other_expert.pk],
        post=expect({"office"}, status=400, denied=403, **ADMINS_404),
    ),
    action(
        "experts:conflict_withdraw", lambda s: [s.conflict.pk], post=expect({"office", "expert"}, status=302)
    ),
    page("experts:my_profile", get=expect({"expert"}), post=expect({"expert"}, status=400)),
    action("experts:my_conflict_add", post=expect({"expert"}, status=400)),
    page("experts:my_tasks", get=expect({"expert"})),
    action(
        "experts:assignment_decline",
        lambda s: [s.assignment.pk],
        post=expect({"office", "expert"}, status=302),
    ),
    action("experts:assignment_evaluate", lambda s: [s.assignment.pk], post=expect({"office"}, status=302)),
    page("experts:draw_list", get=expect({"office"})),
    page("experts:draw_create", get=expect({"office"}), post=expect({"office"}, status=400)),
    action("experts:draw_preview", post=expect({"office"})),
    page("experts:draw_detail", lambda s: [s.draw.pk], get=expect({"office", "expert"})),
    page("experts:draw_record", lambda s: [s.draw.pk], get=expect({"office", "expert"})),
    action("experts:draw_execute", lambda s: [s.draw.pk], post=expect({"office"}, status=302, expert=403)),
    action("experts:draw_cancel", lambda s: [s.draw.pk], post=expect({"office"}, status=400, expert=403)),
    api(
        "/api/v1/experts/profiles/",
        get=expect(BUSINESS, denied=403),
        post=expect({"office"}, status=400, denied=403),
    ),
    api("/api/v1/experts/profiles/me/", get=expect({"expert"}), patch=expect({"expert"})),
    api(
        "/api/v1/experts/profiles/{pk}/",
        lambda s: {"pk": s.other_expert.pk},
        get=expect(BUSINESS),
        patch=expect({"office"}, denied=403, **ADMINS_404),
    ),
    api(
        "/api/v1/experts/profiles/{pk}/conflicts/",
        lambda s: {"pk": s.other_expert.pk},
        post=expect({"office"}, status=400, denied=403, **ADMINS_404),
    ),
    api("/api/v1/experts/fields/", get=expect(BUSINESS, denied=403)),
    api(
        "/api/v1/experts/draws/",
        get=expect({"office"}, denied=403),
        post=expect({"office"}, status=400, denied=403),
    ),
    api("/api/v1/experts/draws/{pk}/", lambda s: {"pk": s.draw.pk}, get=expect({"office", "expert"})),
    api(
        "/api/v1/experts/draws/{pk}/cancel/",
        lambda s: {"pk": s.draw.pk},
        post=expect({"office"}, status=400, expert=403),
    ),
    api(
        "/api/v1/experts/draws/{pk}/execute/",
        lambda s: {"pk": s.draw.pk},
        post=expect({"office"}, expert=403),
    ),
    api(
        "/api/v1/experts/draws/{pk}/verify/",
        lambda s: {"pk": s.draw_executed.pk},
        get=expect({"office", "expert"}),
    ),
    api("/api/v1/experts/assignments/", get=expect({"office", "expert"}, denied=403)),
    api(
        "/api/v1/experts/assignments/{pk}/",
        lambda s: {"pk": s.assignment.pk},
        get=expect({"office", "expert"}),
    ),
    api(
        "/api/v1/experts/assignments/{pk}/decline/",
        lambda s: {"pk": s.assignment.pk},
        post=expect({"office", "expert"}, status=400),
    ),
    api(
        "/api/v1/experts/assignments/{pk}/evaluate/",
        lambda s: {"pk": s.assignment.pk},
        post=expect({"office"}, status=400, expert=403),
    ),
]

# 惠民实事: the office runs an edition; units nominate and follow their own projects (the
# county may see, not screen, its own nomination: 403); the panel's experts review what
# they are assigned; the public pages are for anyone, an edition not open answers 404.
UNITS = frozenset({"county", "stranger", "assessor", "assessor_b", "reviewer", "reviewer_b"})
PUBLIC = expect(EVERYONE, anonymous=200)
CLOSED = expect(denied=404, anonymous=404)


def office_action(route: str, status: int) -> Entry:
    return action(
        route, lambda s: [s.edition.pk], post=expect({"office"}, status=status, denied=403, **ADMINS_404)
    )


SELECTIONS = [
    page("selections:home", get=expect(UNITS | {"office", "expert"}, status=302)),
    page("selections:edition_list", get=expect(UNITS | {"office"})),
    page("selections:edition_create", both=expect({"office"}, denied=403)),
    page("selections:edition_detail", lambda s: [s.edition.pk], get=expect(UNITS | {"office"})),
    page("selections:edition_edit", lambda s: [s.edition.pk], both=OFFICE_ONLY),
    page("selections:edition_rules", lambda s: [s.edition.pk], both=OFFICE_ONLY),
    office_action("selections:edition_advance", 400),
    page("selections:nominate", lambda s: [s.edition.pk], both=expect(UNITS)),
    page("selections:panel", lambda s: [s.edition.pk], both=OFFICE_ONLY),
    page("selections:panel_draw", lambda s: [s.edition.pk], both=OFFICE_ONLY),
    office_action("selections:panel_draw_execute", 302),
    page("selections:votes", lambda s: [s.edition.pk], get=OFFICE_ONLY),
    office_action("selections:votes_decide", 302),
    office_action("selections:votes_rescreen", 302),
    office_action("selections:vote_codes", 302),
    page(
        "selections:objections",
        lambda s: [s.edition.pk],
        get=OFFICE_ONLY,
        post=expect(denied=403, office=404, **ADMINS_404),
        note="answering no objection",
    ),
    page("selections:notice_docx", lambda s: [s.tracked.pk], get=OFFICE_ONLY),
    page(
        "selections:nomination_detail",
        lambda s: [s.nomination.pk],
        mirror=True,
        get=expect({"office", "county", "expert"}),
    ),
    action(
        "selections:nomination_screen",
        lambda s: [s.nomination.pk],
        post=expect({"office"}, status=400, county=403, expert=403),
    ),
    action(
        "selections:nomination_responsible",
        lambda s: [s.huimin_project.pk],
        post=expect({"office"}, status=400, county=403, expert=403),
    ),
    page("selections:my_reviews", get=expect({"expert"})),
    page(
        "selections:review_detail",
        lambda s: [s.review.pk],
        get=expect({"office", "expert"}),
        post=expect({"expert"}, status=400, office=403),
    ),
    page("selections:project_list", get=expect(UNITS | {"office"})),
    page(
        "selections:project_detail",
        lambda s: [s.huimin_project.pk],
        mirror=True,
        get=expect({"office", "county"}),
    ),
    action(
        "selections:milestone_add",
        lambda s: [s.huimin_project.pk],
        mirror=True,
        post=expect({"office", "county"}, status=400),
    ),
    action(
        "selections:progress_add",
        lambda s: [s.huimin_project.pk],
        mirror=True,
        post=expect({"office", "county"}, status=400),
    ),
    action(
        "selections:milestone_done",
        lambda s: [s.milestone.pk],
        mirror=True,
        post=expect({"office", "county"}, status=302),
    ),
    page("huimin:index", get=PUBLIC),
    page("huimin:captcha", get=PUBLIC),
    page("huimin:status", both=PUBLIC),
    page("huimin:nominate", lambda s: [s.edition.pk], both=CLOSED, note="in review: closed"),
    page("huimin:vote", lambda s: [s.edition.pk], both=CLOSED, note="in review: closed"),
    page("huimin:publicity", lambda s: [s.edition.pk], both=CLOSED, note="in review: closed"),
    page("huimin:results", lambda s: [s.tracked.pk], get=PUBLIC),
    page("huimin:notice", lambda s: [s.tracked.pk], get=PUBLIC),
    api(
        "/api/v1/selections/public/editions/{pk}/votes/",
        lambda s: {"pk": s.edition.pk},
        post=expect(denied=400, anonymous=400),
    ),
    api("/api/v1/selections/editions/", get=expect(UNITS | {"office", "expert"}, denied=403)),
    api(
        "/api/v1/selections/editions/{pk}/",
        lambda s: {"pk": s.edition.pk},
        get=expect(UNITS | {"office", "expert"}, denied=403),
    ),
    api("/api/v1/selections/editions/{pk}/vote-stats/", lambda s: {"pk": s.edition.pk}, get=OFFICE_ONLY),
    api("/api/v1/selections/nominations/", get=expect(UNITS | {"office", "expert"}, denied=403)),
    api(
        "/api/v1/selections/nominations/{pk}/",
        lambda s: {"pk": s.nomination.pk},
        mirror=True,
        get=expect({"office", "county", "expert"}),
    ),
    api(
        "/api/v1/selections/nominations/{pk}/screen/",
        lambda s: {"pk": s.nomination.pk},
        post=expect({"office"}, status=400, county=403, expert=403),
    ),
    api("/api/v1/selections/reviews/", get=expect({"office", "expert"}, denied=403)),
    api(
        "/api/v1/selections/reviews/{pk}/",
        lambda s: {"pk": s.review.pk},
        get=expect({"office", "expert"}),
        patch=expect({"expert"}, office=403),
    ),
    api(
        "/api/v1/selections/reviews/{pk}/submit/",
        lambda s: {"pk": s.review.pk},
        post=expect({"expert"}, status=400, office=403),
    ),
    api("/api/v1/selections/public/results/", get=PUBLIC),
    api("/api/v1/selections/public/results/{pk}/", lambda s: {"pk": s.tracked.pk}, get=PUBLIC),
]

MATRIX = [*MATRIX, *EXPERTS, *SELECTIONS]

# 述评督考责: the office runs 述法 rounds, 督察 plans and 问责建议; a leader (领导干部) writes
# its own report and sees its own dossier; the county sees its own org's dossier and its
# leaders' reports; the round's reviewer (`assessor`) rates the submitted report; the
# plan's team (`assessor_b`) records findings. Whoever else is not told they exist (404);
# the three admins are refused by the API before any lookup (403).
LEADERS_OWN = frozenset({"office", "county"})
ACC_API_ADMINS = dict.fromkeys(("sysadmin", "secadmin", "auditadmin"), 403)


def acc_api(ok: set[str] | frozenset[str], status: int = 200, **others: int) -> dict[str, int]:
    return expect(ok, status=status, denied=404, **{**ACC_API_ADMINS, **others})


ACCOUNTABILITY = [
    page(
        "accountability:home",
        get=expect({"office", "county", "stranger", "assessor", "assessor_b"}, status=302),
    ),
    page("accountability:round_list", get=expect({"office"})),
    page("accountability:round_create", both=expect({"office"})),
    page("accountability:round_detail", lambda s: [s.shufa_round.pk], both=expect({"office"})),
    action("accountability:round_close", lambda s: [s.shufa_round.pk], post=expect({"office"}, status=302)),
    page("accountability:report_write", lambda s: [s.shufa_round.pk], both=expect()),
    page("accountability:my_reports", get=expect()),
    page("accountability:my_reviews", get=expect({"assessor"})),
    page(
        "accountability:report_detail",
        lambda s: [s.shufa_report.pk],
        get=expect({"office", "county", "assessor"}),
    ),
    action(
        "accountability:report_submit",
        lambda s: [s.shufa_report.pk],
        post=expect(office=403, county=403, assessor=403),
    ),
    action(
        "accountability:report_return",
        lambda s: [s.shufa_report.pk],
        post=expect({"office"}, status=302),
    ),
    action(
        "accountability:report_rate",
        lambda s: [s.shufa_report.pk],
        data=lambda s: {"grade": "满意", "score": "90"},
        post=expect({"assessor"}, status=302, office=403, county=403),
    ),
    page("accountability:plan_list", get=expect({"office", "assessor_b"})),
    page("accountability:plan_create", both=expect({"office"})),
    page("accountability:plan_detail", lambda s: [s.plan.pk], get=expect({"office", "assessor_b"})),
    action(
        "accountability:record_create",
        lambda s: [s.plan.pk],
        data=lambda s: {
            "record-target": s.org.pk,
            "record-visited_on": "2026-11-20",
            "record-notes": "查阅台账",
        },
        post=expect({"office", "assessor_b"}, status=302),
    ),
    action(
        "accountability:finding_create",
        lambda s: [s.plan.pk],
        data=lambda s: {
            "finding-target": s.org.pk,
            "finding-text": "未按期公开",
            "finding-severity": "general",
            "finding-deadline": "2026-12-31",
        },
        post=expect({"office", "assessor_b"}, status=302),
    ),
    # the world's plan has a finding: the office's delete is refused (302 back with the message)
    action(
        "accountability:plan_delete",
        lambda s: [s.plan.pk],
        post=expect({"office"}, status=302, assessor_b=403),
    ),
    action(
        "accountability:record_delete",
        lambda s: [s.record.pk],
        post=expect({"office", "assessor_b"}, status=302),
    ),
    page("accountability:action_list", get=expect({"office"})),
    action("accountability:actions_propose", post=expect({"office"}, status=302)),
    action("accountability:action_decide", lambda s: [s.action.pk], post=expect({"office"}, status=302)),
    action("accountability:action_follow_up", lambda s: [s.action.pk], post=expect({"office"}, status=302)),
    page("accountability:indicator_figures", both=expect({"office"})),
    action(
        "accountability:indicator_figure_unlink",
        lambda s: [s.figure_link.pk],
        post=expect({"office"}, status=302),
    ),
    page("accountability:my_dossier", get=expect()),
    page(
        "accountability:leader_dossier",
        lambda s: [s.leader.pk, 2026],
        get=expect(LEADERS_OWN),
    ),
    page("accountability:org_dossier", lambda s: [s.org.pk, 2026], get=expect(LEADERS_OWN)),
    api("/api/v1/accountability/rounds/", get=acc_api({"office"}), post=acc_api({"office"}, status=400)),
    api(
        "/api/v1/accountability/rounds/{pk}/close/",
        lambda s: {"pk": s.shufa_round.pk},
        post=acc_api({"office"}),
    ),
    api(
        "/api/v1/accountability/rounds/{pk}/reviewers/",
        lambda s: {"pk": s.shufa_round.pk},
        put=acc_api({"office"}),
    ),
    api(
        "/api/v1/accountability/rounds/{pk}/",
        lambda s: {"pk": s.shufa_round.pk},
        get=acc_api({"office"}),
    ),
    api(
        "/api/v1/accountability/reports/",
        get=expect(BUSINESS, denied=403),
        post=expect(denied=400, **ACC_API_ADMINS),
    ),
    api(
        "/api/v1/accountability/reports/{pk}/",
        lambda s: {"pk": s.shufa_report.pk},
        get=acc_api({"office", "county", "assessor"}),
    ),
    api(
        "/api/v1/accountability/reports/{pk}/submit/",
        lambda s: {"pk": s.shufa_report.pk},
        post=acc_api(set(), office=403, county=403, assessor=403),
    ),
    api(
        "/api/v1/accountability/reports/{pk}/return/",
        lambda s: {"pk": s.shufa_report.pk},
        post=acc_api({"office", "county", "assessor"}, status=400),
    ),
    api(
        "/api/v1/accountability/reports/{pk}/rate/",
        lambda s: {"pk": s.shufa_report.pk},
        post=acc_api({"office", "county", "assessor"}, status=400),
    ),
    api(
        "/api/v1/accountability/plans/",
        get=expect(BUSINESS, denied=403),
        post=expect({"office"}, status=400, denied=403),
    ),
    api(
        "/api/v1/accountability/plans/{pk}/",
        lambda s: {"pk": s.plan.pk},
        data=lambda s: {"version": s.plan.version, "topic": "督察（修改）"},
        get=acc_api({"office", "assessor_b"}),
        patch=acc_api({"office"}, assessor_b=403),
        # the world's plan has a finding: refused with 400 even to the office
        delete=acc_api({"office"}, status=400, assessor_b=403),
    ),
    api(
        "/api/v1/accountability/records/{pk}/",
        lambda s: {"pk": s.record.pk},
        delete=acc_api({"office", "assessor_b"}, status=204),
    ),
    api(
        "/api/v1/accountability/plans/{pk}/records/",
        lambda s: {"pk": s.plan.pk},
        data=lambda s: {"target": s.org.pk, "visited_on": s.plan.start_on.isoformat(), "notes": "查阅台账"},
        post=acc_api({"office", "assessor_b"}, status=201),
    ),
    api(
        "/api/v1/accountability/findings/",
        data=lambda s: {
            "plan": s.plan.pk,
            "target": s.org.pk,
            "text": "未按期公开",
            "severity": "general",
            "deadline": s.plan.start_on.isoformat(),
        },
        get=expect(BUSINESS, denied=403),
        post=acc_api({"office", "assessor_b"}, status=201),
    ),
    api(
        "/api/v1/accountability/findings/{pk}/",
        lambda s: {"pk": s.finding.pk},
        get=acc_api({"office", "county", "assessor_b"}),
    ),
    api(
        "/api/v1/accountability/indicator-figures/",
        data=lambda s: {"year": 2026, "indicator_code": "无此指标", "figure": "rating"},
        get=acc_api({"office"}),
        post=acc_api({"office"}, status=400),
    ),
    api(
        "/api/v1/accountability/indicator-figures/{pk}/",
        lambda s: {"pk": s.figure_link.pk},
        delete=acc_api({"office"}, status=204),
    ),
    api(
        "/api/v1/accountability/actions/",
        get=acc_api({"office"}),
        post=expect({"office"}, status=400, denied=403),
    ),
    api(
        "/api/v1/accountability/actions/{pk}/",
        lambda s: {"pk": s.action.pk},
        get=acc_api({"office"}),
    ),
    api(
        "/api/v1/accountability/actions/{pk}/decide/",
        lambda s: {"pk": s.action.pk},
        data=lambda s: {"decision": "dismiss", "reason": "证据不足"},
        post=acc_api({"office"}),
    ),
    api(
        "/api/v1/accountability/actions/{pk}/follow-up/",
        lambda s: {"pk": s.action.pk},
        data=lambda s: {"note": "已约谈", "done": True},
        post=acc_api({"office"}, status=400),
    ),
    api(
        "/api/v1/accountability/dossiers/leaders/{pk}/{year}/",
        lambda s: {"pk": s.leader.pk, "year": 2026},
        get=acc_api(LEADERS_OWN),
    ),
    api(
        "/api/v1/accountability/dossiers/orgs/{pk}/{year}/",
        lambda s: {"pk": s.org.pk, "year": 2026},
        get=acc_api(LEADERS_OWN),
    ),
]

MATRIX = [*MATRIX, *ACCOUNTABILITY]
# 通知公告, 发文字号, 联络员, reminders and printed forms (notices/access.py): the office
# sends and keeps the register; a unit's business users read, sign and answer what was
# sent to their own org and keep their own 联络员; the three admins are not told (404).
# Another unit's 联络员: seen (masked), not changed (403); the admins are not told (404).
ADMINS_404 = dict.fromkeys(("sysadmin", "secadmin", "auditadmin"), 404)
NOTICES = [
    page("notices:list", get=expect(BUSINESS)),
    page("notices:create", get=expect({"office"}), post=expect({"office"}, status=400)),
    page("notices:detail", lambda s: [s.notice.pk], mirror=True, get=expect({"office", "county"})),
    action(
        "notices:sign",
        lambda s: [s.notice.pk],
        mirror=True,
        post=expect({"county"}, status=302, office=403),
    ),
    action(
        "notices:receipt",
        lambda s: [s.notice.pk],
        mirror=True,
        post=expect({"county"}, status=400, office=403),
    ),
    action(
        "notices:urge_all",
        lambda s: [s.notice.pk],
        mirror=True,
        post=expect({"office"}, status=302, county=404),
    ),
    page("notices:docx", lambda s: [s.notice.pk], mirror=True, get=expect({"office", "county"})),
    page("notices:receipts_export", lambda s: [s.notice.pk], mirror=True, get=expect({"office"})),
    action(
        "notices:urge",
        lambda s: [s.notice_row.pk],
        mirror=True,
        post=expect({"office"}, status=302, county=403),
    ),
    page("notices:number_list", get=expect({"office"})),
    action(
        "notices:number_reserve",
        data=lambda s: {"agency": "江依法治办", "year": 2026, "purpose": "矩阵测试"},
        post=expect({"office"}, status=302),
    ),
    action(
        "notices:number_void",
        lambda s: [s.number.pk],
        data=lambda s: {"reason": "矩阵测试"},
        post=expect({"office"}, status=302),
    ),
    action(
        "notices:number_use",
        lambda s: [s.number.pk],
        data=lambda s: {"target_repr": "矩阵测试文件"},
        post=expect({"office"}, status=302),
    ),
    page("notices:contact_list", get=expect(BUSINESS)),
    page("notices:contact_create", get=expect(BUSINESS), post=expect(BUSINESS, status=400)),
    page(
        "notices:contact_edit",
        lambda s: [s.contact.pk],
        mirror=True,
        get=expect({"office", "county"}, denied=403, **ADMINS_404),
        post=expect({"office", "county"}, status=400, denied=403, **ADMINS_404),
    ),
    action(
        "notices:contact_delete",
        lambda s: [s.contact.pk],
        mirror=True,
        post=expect(
            {"office", "county"},
            status=302,
            denied=403,
            **ADMINS_404,
        ),
    ),
    page("notices:reminder_list", get=expect({"office"})),
    action("notices:reminder_retry", lambda s: [s.reminder.pk], post=expect({"office"}, status=302)),
    page("notices:preferences", both=expect(BUSINESS)),
    page(
        "notices:print_self_assessment",
        lambda s: [s.c_self.pk, s.org.pk],
        mirror=True,
        get=expect({"office", "county"}),
    ),
    page(
        "notices:print_scoring",
        lambda s: [s.c_score.pk, s.assessor_user.org_id],
        mirror=True,
        get=expect({"office", "assessor", "reviewer"}),
    ),
    page("notices:print_tasks", get=expect({"office", "county", "stranger"})),
    api(
        "/api/v1/notices/",
        get=expect(BUSINESS, denied=403),
        post=expect({"office"}, status=400, denied=403),
    ),
    api(
        "/api/v1/notices/{pk}/", lambda s: {"pk": s.notice.pk}, mirror=True, get=expect({"office", "county"})
    ),
    api(
        "/api/v1/notices/{pk}/sign/",
        lambda s: {"pk": s.notice.pk},
        mirror=True,
        post=expect({"county"}, office=403),
    ),
    api(
        "/api/v1/notices/{pk}/receipt/",
        lambda s: {"pk": s.notice.pk},
        mirror=True,
        post=expect({"county"}, status=400, office=403),
    ),
    api(
        "/api/v1/notices/{pk}/urge/",
        lambda s: {"pk": s.notice.pk},
        mirror=True,
        post=expect({"office"}, county=403),
    ),
    api(
        "/api/v1/notices/numbers/",
        get=expect({"office"}, denied=403),
        post=expect({"office"}, status=400, denied=403),
    ),
    api("/api/v1/notices/numbers/{pk}/", lambda s: {"pk": s.number.pk}, get=expect({"office"}, denied=403)),
    api(
        "/api/v1/notices/numbers/{pk}/void/",
        lambda s: {"pk": s.number.pk},
        post=expect({"office"}, status=400, denied=403),
    ),
    api(
        "/api/v1/notices/numbers/{pk}/use/",
        lambda s: {"pk": s.number.pk},
        post=expect({"office"}, status=400, denied=403),
    ),
    api(
        "/api/v1/notices/contacts/",
        get=expect(BUSINESS, denied=403),
        post=expect(BUSINESS, status=400, denied=403),
    ),
    api(
        "/api/v1/notices/contacts/{pk}/",
        lambda s: {"pk": s.contact.pk},
        mirror=True,
        get=expect(BUSINESS),
        patch=expect({"office", "county"}, denied=403, **ADMINS_404),
        delete=expect(
            {"office", "county"},
            status=204,
            denied=403,
            **ADMINS_404,
        ),
    ),
]

MATRIX = [*MATRIX, *NOTICES]
# 问题线索 (problems/access.py): the office registers, 交办, 验收 and 销号 every problem and
# runs the 专项整治; a unit's business users see and work their own org's problems (and the
# campaigns they have problems in); whoever is not told a problem exists gets 404. The
# other party's step is refused as such (403) whatever the state; a step out of order is
# 409. Each side's county has its own campaign and clue (authz_world._problems).
PROBLEM_UNITS = frozenset(
    {"office", "county", "stranger", "assessor", "assessor_b", "reviewer", "reviewer_b"}
)
PROBLEM_OFFICE = expect({"office"})
PROBLEM_OWN = expect({"office", "county"})
PROBLEM_API_LIST = expect(PROBLEM_UNITS, denied=403)
NOTE = {"note": "矩阵测试", "reason": "矩阵测试"}


def unit_step(status: int, **others: int) -> dict[str, int]:
    """A step of the responsible unit on its assigned problem: the office is refused as the other party."""
    return expect({"county"}, status=status, office=403, **others)


def office_step(status: int, **others: int) -> dict[str, int]:
    """A step of the office: the responsible unit is refused as the other party."""
    return expect({"office"}, status=status, county=403, **others)


def problem_api(step: str, table: dict[str, int], signed: bool = False, body: dict | None = None) -> Entry:
    """A step through the API on the side's assigned problem (`signed`: the one
    with a pending 延期申请); a valid body, so a refusal is the refusal of the party."""
    return api(
        f"/api/v1/problems/{{pk}}/{step}/",
        lambda s: {"pk": (s.signed_problem if signed else s.problem).pk},
        data=lambda s: dict(body or NOTE),
        mirror=True,
        post=table,
    )


PROBLEMS = [
    page("problems:list", get=expect(PROBLEM_UNITS)),
    page("problems:export", get=expect(PROBLEM_UNITS)),
    page("problems:register", get=PROBLEM_OFFICE, post=expect({"office"}, status=400)),
    page("problems:duplicates", get=PROBLEM_OFFICE),
    page(
        "problems:import",
        get=PROBLEM_OFFICE,
        post=expect({"office"}, status=400),
        data=lambda s: {"file": upload("问题.xlsx", b"not a workbook")},
    ),
    page("problems:import_template", get=PROBLEM_OFFICE),
    page("problems:stats", get=expect(PROBLEM_UNITS)),
    page("problems:stats_chart", lambda s: ["state"], get=expect(PROBLEM_UNITS)),
    page("problems:stats_xlsx", lambda s: ["unit"], get=expect(PROBLEM_UNITS)),
    page("problems:campaign_list", get=PROBLEM_OFFICE),
    page("problems:campaign_create", get=PROBLEM_OFFICE, post=expect({"office"}, status=400)),
    page("problems:campaign_detail", lambda s: [s.problem_campaign.pk], mirror=True, get=PROBLEM_OWN),
    page(
        "problems:campaign_edit",
        lambda s: [s.problem_campaign.pk],
        mirror=True,
        get=PROBLEM_OFFICE,
        post=expect({"office"}, status=302),
        data=lambda s: {
            "name": s.problem_campaign.name,
            "year": 2026,
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "categories": "逐利执法",
        },
    ),
    action(
        "problems:measure_create",
        lambda s: [s.problem_campaign.pk],
        mirror=True,
        data=lambda s: {"title": "矩阵测试措施"},
        post=expect({"office"}, status=302),
    ),
    action(
        "problems:measure_delete",
        lambda s: [s.problem_campaign.pk, s.measure.pk],
        mirror=True,
        post=expect({"office"}, status=302),
    ),
    page("problems:campaign_report", lambda s: [s.problem_campaign.pk], mirror=True, get=PROBLEM_OFFICE),
    page("problems:detail", lambda s: [s.problem.pk], mirror=True, get=PROBLEM_OWN),
    action("problems:act", lambda s: [s.problem.pk, "sign"], mirror=True, post=unit_step(302)),
    action(
        "problems:act",
        lambda s: [s.problem.pk, "close"],
        mirror=True,
        note="a step of the office out of order",
        post=office_step(409),
    ),
    action(
        "problems:supervise",
        lambda s: [s.problem.pk],
        mirror=True,
        data=lambda s: {"on": "1"},
        post=office_step(302),
    ),
    action(
        "problems:extension_request",
        lambda s: [s.problem.pk],
        mirror=True,
        data=lambda s: {"requested_deadline": "2099-01-01", "reason": "矩阵测试"},
        post=unit_step(302),
    ),
    action(
        "problems:extension_decide",
        lambda s: [s.signed_problem.pk, s.extension.pk],
        mirror=True,
        data=lambda s: {"decision": "refuse", "note": "矩阵测试"},
        post=office_step(302),
    ),
    api(
        "/api/v1/problems/",
        get=PROBLEM_API_LIST,
        post=expect({"office"}, status=400, denied=403),
        data=lambda s: {"title": "x"},
    ),
    api("/api/v1/problems/stats/", get=PROBLEM_API_LIST),
    api("/api/v1/problems/{pk}/", lambda s: {"pk": s.problem.pk}, mirror=True, get=PROBLEM_OWN),
    problem_api("sign", unit_step(200)),
    problem_api("return", unit_step(200)),
    problem_api("verify", unit_step(409)),
    problem_api("plan", unit_step(409)),
    problem_api("rectify-now", unit_step(409)),
    problem_api("complete", unit_step(409)),
    problem_api("extension", unit_step(201), body={"requested_deadline": "2099-01-01", "reason": "矩阵测试"}),
    problem_api("assign", office_step(409)),
    problem_api("accept", office_step(409)),
    problem_api("reject", office_step(409)),
    problem_api("close", office_step(409)),
    problem_api("dismiss", office_step(409)),
    problem_api("supervise", office_step(200), body={"on": True, "note": "矩阵测试"}),
    problem_api("extension/decide", office_step(200), signed=True, body={"grant": False, "note": "矩阵测试"}),
    api("/api/v1/problem-campaigns/", get=PROBLEM_API_LIST),
    api(
        "/api/v1/problem-campaigns/{pk}/",
        lambda s: {"pk": s.problem_campaign.pk},
        mirror=True,
        get=expect({"office", "county"}, expert=403, sysadmin=403, secadmin=403, auditadmin=403),
    ),
]
MATRIX = [*MATRIX, *PROBLEMS]

# 驾驶舱 (workbench/cockpit/): the office's home page; its charts and exports are the office's only.
COCKPIT = [
    page(
        "workbench:cockpit_chart",
        lambda s: ["assessments", "progress"],
        get=expect({"office"}),
    ),
    page("workbench:cockpit_export", lambda s: ["accountability"], get=expect({"office"})),
]

MATRIX = [*MATRIX, *COCKPIT]
