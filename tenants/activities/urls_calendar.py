"""The union's activity calendar and its iCalendar feeds, under /activities/ (beside the
activities' own list and pages)."""

from django.urls import path, re_path

from . import views_calendar as views

app_name = "activity_calendar"
urlpatterns = [
    path("calendar/", views.calendar_page, name="month"),
    path("feed.ics", views.union_feed_view, name="feed"),
    re_path(r"^my/(?P<token>[A-Za-z0-9_-]{16,64})\.ics$", views.personal_feed_view, name="my_feed"),
]
