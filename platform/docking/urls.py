from django.urls import path

from . import site_views

app_name = "docking"
urlpatterns = [
    path("", site_views.catalogue, name="catalogue"),
    path("<int:pk>/photo/", site_views.photo, name="photo"),
]
