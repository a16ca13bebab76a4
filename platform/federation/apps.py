from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "federation"
    label = "federation"
    verbose_name = _("Federation")

    def ready(self) -> None:
        from tenants.events.delivery import fact_sink_register

        from .facts import fact_reaction_register, facts_receive, union_member_count_sync

        fact_sink_register(facts_receive)
        fact_reaction_register("membership.roster_counted", union_member_count_sync)
