"""Democratic appraisal on a union's site, under /appraisal/."""

from django.urls import path

from . import views

app_name = "appraisal"

urlpatterns = [
    path("", views.appraisal_index, name="index"),
    path("<int:pk>/", views.appraisal_rate, name="rate"),
    path("<int:pk>/results/", views.appraisal_results, name="results"),
]
