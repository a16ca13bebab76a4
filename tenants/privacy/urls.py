from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [path("", views.my_records, name="my_records")]
