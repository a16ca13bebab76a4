from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "federation"
    label = "federation"
    verbose_name = _("Federation")

    def ready(self) -> None:
        from tenants.events.delivery import fact_sink_register, handler_register

        from .city_calendar import city_activity_list, city_activity_unlist
        from .facts import fact_reaction_register, facts_receive, union_member_count_sync
        from .facts_admin import facts_collector_register
        from .sidebar import sidebar_cache_install

        # Every union event becomes a fact; some also update the federation's own records.
        fact_sink_register(facts_receive)
        fact_reaction_register("membership.roster_counted", union_member_count_sync)
        handler_register("activity.listed", city_activity_list)
        handler_register("activity.unlisted", city_activity_unlist)
        facts_collector_register()
        sidebar_cache_install()  # the portal admin's sidebar, cached per user
