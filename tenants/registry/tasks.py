from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext as _

from accounts.models import Account
from accounts.sms import send_sms
from workershome.tenancy import current_schema

from .models import Union


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def union_welcome_send(*, union_id: int, account_id: int) -> None:
    """Tell the first officer that their union's site is open and how to sign in."""
    from .services import union_url

    union = Union.objects.get(pk=union_id)
    account = Account.objects.get(pk=account_id)
    how = (
        _("sign in with your mobile number")
        if account.has_usable_password()
        else _("set your password with “Forgot password” and sign in with your mobile number")
    )
    text = _("[Workers' Home] %(union)s is now open at %(url)s; %(how)s.") % {
        "union": union.name, "url": union_url(union), "how": how,
    }  # fmt: skip
    send_sms(mobile=account.mobile, text=text)


@shared_task
def schema_probe() -> dict:
    """Which schema a worker ran this task in, and how many users it sees there.

    Operations use it (``manage.py check_worker``) to prove that workers are up and that a task
    sent on behalf of a union runs in that union's schema, never in another or in public.
    """

    from tenants.users.models import User

    return {"schema": current_schema(), "users": User.objects.count()}


@shared_task(ignore_result=True)
def spare_schemas_refill() -> int:
    """Make the spare schemas provisioning took (``spares.py``); one filler at a time."""
    from .spares import spare_schemas_fill

    return spare_schemas_fill()
