"""Journey 6's demo: the overtime consultation answered; a case with two sessions settled by an
agreement (PDF) within the limit; a dismissal case referred to the street service station;
nothing added twice."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from tenants.mediation.demo import demo_fill
from tenants.mediation.models import Consultation, MediationCase
from tenants.registry.demo_data import UNIONS
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_the_demo_follows_journey_6_once(union_a, media_root):
    make_person(union_a, "mediator", name="钱调解")
    for name in ("王芳", "赵强", "孙丽", "周敏", "吴刚", "郑洁"):
        make_person(union_a, "member", name=name)
    with tenant_context(union_a):
        demo_fill(spec=UNIONS[0], index=0)
        consultation = Consultation.objects.get()
        assert (consultation.claim_kind, consultation.status) == ("working_hours", "answered")
        settled = MediationCase.objects.get(outcome="settled")
        assert (settled.sessions.count(), settled.within_limit, settled.consultation) == (
            2,
            True,
            consultation,
        )
        assert (settled.closed_at.date() - settled.accepted_at.date()).days == 8
        text = "".join(page.extract_text() for page in PdfReader(settled.agreement_pdf.path).pages)
        assert UNIONS[0].employer in text and "12480" in text
        failed = MediationCase.objects.get(outcome="failed")
        assert (failed.referral_target, failed.claim_kind) == ("service_station", "dismissal")
        demo_fill(spec=UNIONS[0], index=0)
        assert Consultation.objects.count() == 1 and MediationCase.objects.count() == 2
