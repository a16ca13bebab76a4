from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "tenants.mediation"
    label = "mediation"
    verbose_name = _("Dispute mediation")

    def ready(self) -> None:
        from tenants.privacy.registry import source_register
        from tenants.users.roles import role_permissions_grant

        from . import kinds  # noqa: F401  (registers the mediation kind of case)
        from .selectors import sensitive_records_for_worker

        source_register(sensitive_records_for_worker)
        handle = (
            "mediation.view_mediationcase", "mediation.add_mediationcase", "mediation.change_mediationcase",
            "mediation.view_mediationsession", "mediation.add_mediationsession",
        )  # fmt: skip
        answer = (
            "mediation.view_consultation",
            "mediation.add_consultation",
            "mediation.change_consultation",
        )
        role_permissions_grant("chairman", *handle, *answer)
        role_permissions_grant("mediator", *handle, *answer)
        role_permissions_grant("officer", *answer)
