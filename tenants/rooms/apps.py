from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoomBookingConfig(AppConfig):
    name = "tenants.rooms"
    label = "room_booking"
    verbose_name = _("Room booking")
