from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_RECORDS = ("jointmeeting", "partnerorganisation", "activist", "staffduty", "inforeport")
_CHANGE = tuple(f"mechanisms.{verb}_{model}" for model in _RECORDS for verb in ("view", "add", "change"))
_VIEW = tuple(f"mechanisms.view_{model}" for model in _RECORDS)
# 考核: staff appraisal records are the chairman's alone.
_APPRAISAL = tuple(f"mechanisms.{verb}_staffappraisal" for verb in ("view", "add", "change"))
MECHANISM_GRANTS: dict[str, tuple[str, ...]] = {
    "chairman": (*_CHANGE, *_APPRAISAL),
    "officer": _CHANGE,
    "mediator": _VIEW,
    "counsellor": _VIEW,
}


class MechanismsConfig(AppConfig):
    name = "tenants.mechanisms"
    label = "mechanisms"
    verbose_name = _("Working mechanisms")

    def ready(self) -> None:
        from tenants.events.delivery import handler_register
        from tenants.users.roles import role_permissions_grant

        from .delivery import report_sent_deliver

        for role, permissions in MECHANISM_GRANTS.items():
            role_permissions_grant(role, *permissions)
        handler_register("report.sent", report_sent_deliver)
