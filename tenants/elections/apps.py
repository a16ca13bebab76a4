from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "tenants.elections"
    label = "elections"
    verbose_name = _("Elections")

    def ready(self) -> None:
        from approvals.registry import approval_kind_register
        from tenants.events.delivery import handler_register
        from tenants.users.roles import role_permissions_grant

        from .delivery import plan_submitted_deliver, result_submitted_deliver
        from .tasks import election_approval_apply_task

        handler_register("election.plan_submitted", plan_submitted_deliver)
        handler_register("election.result_submitted", result_submitted_deliver)
        approval_kind_register(
            "election_plan", label=_("Election plan"), decided_task=election_approval_apply_task
        )
        approval_kind_register(
            "election_result", label=_("Election result"), decided_task=election_approval_apply_task
        )
        for role in ("chairman", "officer"):
            role_permissions_grant(
                role,
                "elections.view_electionplan",
                "elections.add_electionplan",
                "elections.change_electionplan",
            )
