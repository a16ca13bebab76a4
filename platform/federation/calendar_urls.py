from django.urls import path

from . import calendar_views

app_name = "city_calendar"
urlpatterns = [
    path("", calendar_views.city_calendar, name="list"),
    path("feed.ics", calendar_views.city_calendar_feed, name="feed"),
]
