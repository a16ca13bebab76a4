from django.urls import path

from . import views

app_name = "room_booking_my"
urlpatterns = [
    path("", views.MyBookingsView.as_view(), name="index"),
    path("<int:pk>/cancel/", views.MyBookingCancelView.as_view(), name="cancel"),
]
