"""The activity pages under /activities/ (the calendar helper's pages and feeds live in
``urls_calendar.py``: /activities/calendar/, /activities/feed.ics, /activities/my/<token>.ics)."""

from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("", views.ActivityListView.as_view(), name="list"),
    path("<int:pk>/", views.ActivityDetailView.as_view(), name="detail"),
    path("<int:pk>/signup/", views.SignupView.as_view(), name="signup"),
    path("<int:pk>/cancel/", views.SignupCancelView.as_view(), name="cancel"),
    path("<int:pk>/join/", views.JoinView.as_view(), name="join"),
    path("<int:pk>/rate/", views.RateView.as_view(), name="rate"),
    path("<int:pk>/check-in/<str:token>/", views.CheckInView.as_view(), name="check_in"),
]
