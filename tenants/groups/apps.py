from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterestGroupsConfig(AppConfig):
    name = "tenants.groups"
    label = "interest_groups"
    verbose_name = _("Interest groups")

    def ready(self) -> None:
        from tenants.activities.calendar import calendar_source_register

        from .selectors import meeting_calendar_entries

        calendar_source_register(meeting_calendar_entries)
