from django.urls import path

from selections import views

app_name = "selections"
urlpatterns = [
    path("", views.home, name="home"),
    path("editions/", views.edition_list, name="edition_list"),
    path("editions/new/", views.edition_create, name="edition_create"),
    path("editions/<int:pk>/", views.edition_detail, name="edition_detail"),
    path("editions/<int:pk>/edit/", views.edition_edit, name="edition_edit"),
    path("editions/<int:pk>/rules/", views.edition_rules, name="edition_rules"),
    path("editions/<int:pk>/advance/", views.edition_advance, name="edition_advance"),
    path("editions/<int:pk>/nominate/", views.nominate, name="nominate"),
    path("editions/<int:pk>/panel/", views.panel, name="panel"),
    path("editions/<int:pk>/panel/draw/", views.panel_draw, name="panel_draw"),
    path("editions/<int:pk>/panel/draw/execute/", views.panel_draw_execute, name="panel_draw_execute"),
    path("editions/<int:pk>/votes/", views.votes, name="votes"),
    path("editions/<int:pk>/votes/decide/", views.votes_decide, name="votes_decide"),
    path("editions/<int:pk>/votes/rescreen/", views.votes_rescreen, name="votes_rescreen"),
    path("editions/<int:pk>/votes/codes/", views.vote_codes, name="vote_codes"),
    path("editions/<int:pk>/objections/", views.objections, name="objections"),
    path("editions/<int:pk>/notice.docx", views.notice_docx, name="notice_docx"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination_detail"),
    path("nominations/<int:pk>/screen/", views.nomination_screen, name="nomination_screen"),
    path("nominations/<int:pk>/responsible/", views.nomination_responsible, name="nomination_responsible"),
    path("reviews/", views.my_reviews, name="my_reviews"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("projects/<int:pk>/progress/", views.progress_add, name="progress_add"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
]
