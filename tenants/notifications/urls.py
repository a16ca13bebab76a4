from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.site_index, name="index"),
    path("read/", views.mark_read, name="read"),
]
