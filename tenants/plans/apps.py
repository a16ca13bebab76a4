from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Who may do what with work plans (role code -> permissions); granted in every union.
_PLANS_CHANGE = (
    "work_plans.view_workplan", "work_plans.add_workplan", "work_plans.change_workplan",
    "work_plans.view_planitem", "work_plans.add_planitem", "work_plans.change_planitem",
)  # fmt: skip
PLAN_GRANTS: dict[str, tuple[str, ...]] = {
    "chairman": _PLANS_CHANGE,
    "officer": _PLANS_CHANGE,
    # The other staff roles read the plan (their items are on it); members read it on the site.
    "mediator": ("work_plans.view_workplan", "work_plans.view_planitem"),
    "counsellor": ("work_plans.view_workplan", "work_plans.view_planitem"),
    "librarian": ("work_plans.view_workplan", "work_plans.view_planitem"),
    "editor": ("work_plans.view_workplan", "work_plans.view_planitem"),
}


class WorkPlansConfig(AppConfig):
    name = "tenants.plans"
    label = "work_plans"
    verbose_name = _("Work plans")

    def ready(self) -> None:
        from tenants.users.roles import role_permissions_grant

        for role, permissions in PLAN_GRANTS.items():
            role_permissions_grant(role, *permissions)
