from __future__ import annotations

from celery import shared_task
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.sms import send_sms
from tenants.registry.models import Union
from workershome.tenancy import current_schema

from .models import MembershipRequest


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def membership_decision_notify(*, request_id: int) -> None:
    """Tell the worker by SMS that their request to join was approved or declined.

    Runs in the union's schema (the task carries it); sending twice is harmless.
    """
    request = MembershipRequest.objects.get(pk=request_id)
    union = Union.objects.get(schema_name=current_schema())  # the registry row, not a stand-in
    with translation.override("zh-hans"):
        if request.status == MembershipRequest.Status.APPROVED:
            text = _("[Workers' Home] Welcome to %(union)s! Sign in with your mobile number.")
        else:
            text = _("[Workers' Home] Your request to join %(union)s was not approved; please ask the union.")
        send_sms(mobile=request.mobile, text=text % {"union": union.name})
