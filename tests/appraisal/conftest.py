"""Fixtures of the appraisal tests: a round of union A rating the chairman and the union's work,
open now (subjects are added before it opens, then its opening is moved to an hour ago)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.appraisal.models import AppraisalRound
from tenants.appraisal.services import round_create, subject_add


def open_round(union, *, min_sample: int = 5) -> AppraisalRound:
    with tenant_context(union):
        now = timezone.now()
        appraisal_round = round_create(
            title="2026年度工会工作民主评议", opens_at=now + datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=8), min_sample=min_sample,
        )  # fmt: skip
        subject_add(appraisal_round=appraisal_round, kind="work", name="工会维权服务工作")
        subject_add(appraisal_round=appraisal_round, kind="work", name="职工文体活动组织")
        AppraisalRound.objects.filter(pk=appraisal_round.pk).update(
            opens_at=now - datetime.timedelta(hours=1)
        )
        appraisal_round.refresh_from_db()
        return appraisal_round


def close(appraisal_round: AppraisalRound) -> None:
    AppraisalRound.objects.filter(pk=appraisal_round.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    appraisal_round.refresh_from_db()


@pytest.fixture
def appraisal_round(union_a) -> AppraisalRound:
    return open_round(union_a)
