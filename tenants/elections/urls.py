"""/elections/: the online secret ballots of this union, and their published ballots."""

from django.urls import path

from . import views

app_name = "elections"
urlpatterns = [
    path("", views.my_elections, name="list"),
    path("<uuid:uuid>/", views.BallotView.as_view(), name="ballot"),
    path("<uuid:uuid>/ballots/", views.PublishedBallotsView.as_view(), name="ballots"),
]
