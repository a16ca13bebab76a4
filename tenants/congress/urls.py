"""The workers' congress on a union's site, under /congress/."""

from django.urls import path

from . import views

app_name = "congress"

urlpatterns = [
    path("", views.congress_index, name="index"),
    path("motions/new/", views.motion_new, name="motion_new"),
    path("motions/<int:pk>/", views.motion_detail, name="motion"),
    path("motions/<int:pk>/cosign/", views.motion_cosign_view, name="cosign"),
    path("motions/<int:pk>/submit/", views.motion_submit_view, name="submit"),
    path("motions/<int:pk>/rate/", views.motion_rate_view, name="rate"),
]
