from django.urls import path

from . import views

app_name = "counselling_my"
urlpatterns = [
    path("", views.MyAppointmentsView.as_view(), name="index"),
    path("<int:pk>/cancel/", views.MyAppointmentCancelView.as_view(), name="cancel"),
]
