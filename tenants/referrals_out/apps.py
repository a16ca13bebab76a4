from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsOutConfig(AppConfig):
    """转介 on the union's side: cases this union refers to its station, district, the city or a
    sister union, and their status; and what sister unions refer to it (收到的转介)."""

    name = "tenants.referrals_out"
    label = "referrals_out"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from stations.registry import referral_received_task_register, referral_sync_task_register
        from tenants.events.delivery import handler_register

        from .delivery import referral_rated_deliver, referral_sent_deliver
        from .tasks import referral_received_notify_task, referral_sync_task

        handler_register("referral.sent", referral_sent_deliver)
        handler_register("referral.rated", referral_rated_deliver)
        referral_sync_task_register(referral_sync_task)
        referral_received_task_register(referral_received_notify_task)
