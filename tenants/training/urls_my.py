"""``/my/training/``: a member's own training (included from the union's URL conf)."""

from django.urls import path

from . import views

app_name = "training_my"
urlpatterns = [path("", views.MyTrainingView.as_view(), name="index")]
