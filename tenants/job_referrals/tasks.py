from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils.translation import gettext

from tenants.notifications.services import notify
from workershome.periodic import for_each_union

from .models import Referral
from .selectors import follow_ups_due


def follow_ups_remind() -> int:
    """Tell the officer who made each referral that its follow-up is due, once per due date
    (``reminded_for`` is set in the same transaction as the reminder)."""
    sent = 0
    for referral in follow_ups_due().filter(referred_by__isnull=False):
        if referral.reminded_for == referral.next_follow_up_on:
            continue
        with transaction.atomic():
            notify(
                recipients=[referral.referred_by],
                title=gettext("A referral is due for follow-up"),
                body=gettext("%(kind)s referral of %(date)s: ask how it went.")
                % {"kind": referral.get_kind_display(), "date": f"{referral.referred_on:%Y-%m-%d}"},
                url=f"/admin/job-referrals/{referral.pk}/",
                channels=("site",),
            )
            Referral.objects.filter(pk=referral.pk).update(reminded_for=referral.next_follow_up_on)
        sent += 1
    return sent


@shared_task(acks_late=True)
def referral_follow_ups_remind() -> int:
    """This union's referral follow-ups due (idempotent)."""
    return follow_ups_remind()


@shared_task
def referral_follow_ups_remind_all() -> int:
    """Periodic: queue ``referral_follow_ups_remind`` in every active union."""
    return for_each_union(referral_follow_ups_remind)
