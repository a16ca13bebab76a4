from django.urls import path

from . import views

app_name = "room_booking"
urlpatterns = [
    path("", views.RoomListView.as_view(), name="index"),
    path("<int:pk>/", views.RoomBookView.as_view(), name="room"),
]
