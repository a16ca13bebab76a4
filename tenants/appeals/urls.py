"""/appeals/: the appeal form (named and anonymous) and following a case with its code."""

from django.urls import path

from . import views

app_name = "appeals"
urlpatterns = [
    path("", views.appeals_home, name="home"),
    path("new/", views.appeal_new, name="new"),
    path("anonymous/", views.appeal_anonymous, name="anonymous"),
    path("follow/", views.appeal_follow, name="follow"),
    path("follow/rate/", views.appeal_follow_rate, name="follow_rate"),
]
