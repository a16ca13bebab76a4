"""/my/activities/: a signed-in worker's own activities."""

from django.urls import path

from . import views

app_name = "my_activities"
urlpatterns = [path("", views.MyActivitiesView.as_view(), name="list")]
