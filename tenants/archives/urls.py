"""The archives on the union's site, under /archives/."""

from django.urls import path

from . import views

app_name = "archives"
urlpatterns = [
    path("", views.ArchiveListView.as_view(), name="list"),
    path("<int:pk>/", views.ArchiveDetailView.as_view(), name="detail"),
    path("files/<int:pk>/", views.ArchiveFileView.as_view(), name="file"),
]
