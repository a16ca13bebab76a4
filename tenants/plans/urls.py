"""The published work plan on the union's site: /plan/ (the latest) and /plan/<year>/."""

from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.PlanPageView.as_view(), name="current"),
    path("<int:year>/", views.PlanPageView.as_view(), name="year"),
]
