from django.urls import path

from attachments import views

app_name = "attachments"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("upload/", views.upload, name="upload"),
    path("<uuid:pk>/download/", views.download, name="download"),
    path("<uuid:pk>/preview/", views.preview, name="preview"),
    path("<uuid:pk>/preview/image/", views.preview_image, name="preview_image"),
    path("<uuid:pk>/delete/", views.delete, name="delete"),
]
