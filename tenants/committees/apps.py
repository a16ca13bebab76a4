from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "tenants.committees"
    label = "committees"
    verbose_name = _("Committees and terms")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from tenants.membership.models import Member

        def member_saved(sender, instance, **kwargs) -> None:
            # A position holder's name, photo or badge is shown on the site's identity board.
            from .services import board_changed

            if not kwargs.get("raw") and instance.positions.exists():
                board_changed()

        post_save.connect(member_saved, sender=Member, dispatch_uid="committees_member_saved")
