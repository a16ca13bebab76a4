from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobReferralsConfig(AppConfig):
    name = "tenants.job_referrals"
    label = "job_referrals"
    verbose_name = _("Skills and job referral")

    def ready(self) -> None:
        from tenants.users.roles import role_permissions_grant

        manage = (
            "job_referrals.view_referral", "job_referrals.add_referral", "job_referrals.change_referral",
            "job_referrals.view_referralfollowup", "job_referrals.add_referralfollowup",
        )  # fmt: skip
        role_permissions_grant("chairman", *manage)
        role_permissions_grant("officer", *manage)
