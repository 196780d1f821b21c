from django.urls import path

from accounts import views, views_admin_roles

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/totp/", views.login_totp, name="login_totp"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.password_change, name="password_change"),
    path("totp/", views.totp_setup, name="totp_setup"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("admin-roles/", views_admin_roles.admin_role_list, name="admin_role_list"),
    path("admin-roles/new/", views_admin_roles.admin_role_propose, name="admin_role_propose"),
    path("admin-roles/<int:pk>/", views_admin_roles.admin_role_detail, name="admin_role_detail"),
    path("admin-roles/<int:pk>/decide/", views_admin_roles.admin_role_decide, name="admin_role_decide"),
    path("admin-roles/<int:pk>/withdraw/", views_admin_roles.admin_role_withdraw, name="admin_role_withdraw"),
    path("token/", views.api_token, name="api_token"),
    path("security/", views.security_policy, name="security_policy"),
    path("security/unlock/", views.lockout_unlock, name="lockout_unlock"),
]
