from django.urls import path

from . import views

app_name = "reception"
urlpatterns = [
    path("", views.ReceptionIndexView.as_view(), name="index"),
    path("bookings/<int:pk>/cancel/", views.BookingCancelView.as_view(), name="booking_cancel"),
]
