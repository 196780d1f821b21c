from django.urls import path

from selections import public_views as views

app_name = "huimin"
urlpatterns = [
    path("", views.index, name="index"),
    path("captcha.png", views.captcha_png, name="captcha"),
    path("status/", views.status, name="status"),
    path("<int:pk>/nominate/", views.nominate, name="nominate"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/publicity/", views.publicity, name="publicity"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/notice.docx", views.notice, name="notice"),
]
