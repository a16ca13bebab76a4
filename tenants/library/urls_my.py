"""/my/library/: a signed-in member's loans and reservations."""

from django.urls import path

from . import views

app_name = "my_library"
urlpatterns = [path("", views.MyLibraryView.as_view(), name="index")]
