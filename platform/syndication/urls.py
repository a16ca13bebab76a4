"""The federation's notices on a union's site: /notices/."""

from django.urls import path

from . import union_views

app_name = "union_notices"
urlpatterns = [
    path("", union_views.notice_list, name="list"),
    path("<int:pk>/", union_views.notice_detail, name="detail"),
    path("<int:pk>/attachment/", union_views.notice_attachment, name="attachment"),
    path("<int:pk>/read/", union_views.notice_read, name="read"),
]
