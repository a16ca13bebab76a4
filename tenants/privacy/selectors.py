"""Reads of the privacy app."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Consent, SensitiveAccess


def consents_of(worker) -> QuerySet[Consent]:
    return Consent.objects.filter(worker=worker).select_related("recorded_by")


def accesses_of(obj) -> QuerySet[SensitiveAccess]:
    return SensitiveAccess.objects.filter(model=obj._meta.label_lower, object_pk=str(obj.pk))
