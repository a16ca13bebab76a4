"""A worker's own calendar subscription, under /my/calendar/."""

from django.urls import path

from . import views_calendar as views

app_name = "my_calendar"
urlpatterns = [
    path("", views.SubscribeView.as_view(), name="subscribe"),
]
