"""Writes of the privacy app: the audit log of sensitive reads, and consents."""

from __future__ import annotations

import datetime

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workershome.errors import ServiceError

from .models import Consent, ConsentScope, SensitiveAccess


def sensitive_read_log(
    *, user, obj: models.Model, action: str, purpose: str = "", via: str = ""
) -> SensitiveAccess:
    """Write one row of the audit log: ``user`` read (``read``), exported (``export``) or was
    refused (``refused``) the sensitive record ``obj``, through ``via``, for ``purpose``.

    Call it where the read happens (the view, the API, the export), outside any transaction
    that a refusal rolls back, so that a refused read is recorded too.
    """
    if action not in SensitiveAccess.Action.values:
        raise ValueError(f"unknown action {action!r}")
    known = user is not None and getattr(user, "pk", None) is not None
    return SensitiveAccess.objects.create(
        user_id=user.pk if known else None,
        user_name=(user.get_full_name() or user.get_username())[:150] if known else "",
        model=obj._meta.label_lower,
        object_pk=str(obj.pk),
        action=action,
        via=via[:20],
        purpose=(purpose or "")[:200],
    )


@transaction.atomic
def consent_record(
    *,
    worker,
    scope: str,
    purpose: str,
    method: str,
    by,
    given_at: datetime.datetime | None = None,
) -> Consent:
    """Record a worker's separate consent to the collection of sensitive data for ``purpose``."""
    if worker is None or getattr(worker, "pk", None) is None:
        raise ServiceError("consent_worker", _("Choose the worker who gives the consent."), field="worker")
    if scope not in ConsentScope.values:
        raise ServiceError("consent_scope", _("Unknown scope of consent."), field="scope")
    if method not in Consent.Method.values:
        raise ServiceError("consent_method", _("Say how the consent was given."), field="method")
    purpose = (purpose or "").strip()
    if len(purpose) < 4:
        raise ServiceError(
            "consent_purpose", _("State the purpose the data is collected for, as told to the worker."),
            field="purpose",
        )  # fmt: skip
    now = timezone.now()
    given_at = given_at or now
    if given_at > now + datetime.timedelta(minutes=5):
        raise ServiceError("consent_future", _("A consent cannot be given in the future."), field="given_at")
    return Consent.objects.create(
        worker=worker, scope=scope, purpose=purpose, method=method, given_at=given_at, recorded_by=by
    )


@transaction.atomic
def consent_withdraw(*, consent: Consent, by) -> Consent:
    """The worker withdraws the consent: no new sensitive data is collected under it."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is None:
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
    return consent


def consent_require(*, worker, scope: str) -> Consent:
    """The worker's active consent for ``scope``, or a refusal: no sensitive data without one."""
    consent = (
        Consent.objects.filter(worker=worker, scope=scope, withdrawn_at__isnull=True)
        .order_by("-given_at")
        .first()
        if worker is not None
        else None
    )
    if consent is None:
        raise ServiceError(
            "consent_required",
            _("Record the worker's consent, with the purpose stated, before collecting sensitive data."),
            field="consent",
        )
    return consent
