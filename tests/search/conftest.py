"""Search tests: a real engine (embedded, or ``ELASTICSEARCH_URL``), empty indices per test,
and two small test-only sources on a real union model (``mechanisms.PartnerOrganisation``)."""

from __future__ import annotations

import pytest

from search.registry import SearchDocument, SearchSource, source_register, source_unregister
from tenants.mechanisms.models import PartnerOrganisation
from tests.search.fixtures import search_engine, search_index  # noqa: F401

PUBLIC_KIND = "test_partner"
STAFF_KIND = "test_partner_staff"
STAFF_PERMISSION = "mechanisms.view_partnerorganisation"


def partner_public(partner: PartnerOrganisation) -> SearchDocument | None:
    """Public while its offer is not a draft (草稿): a draft is "unpublished"."""
    if partner.offer.startswith("草稿"):
        return None
    return SearchDocument(
        title=partner.name,
        body=partner.offer,
        url=f"/partners/{partner.pk}/",
        date=partner.agreement_starts_on,
    )


def partner_staff(partner: PartnerOrganisation) -> SearchDocument:
    return SearchDocument(
        title=partner.name,
        body=partner.contact_person,
        url=f"/admin/partners/{partner.pk}/",
        permission=STAFF_PERMISSION,
    )


@pytest.fixture
def test_sources():
    registered = [
        SearchSource(
            kind=PUBLIC_KIND, label=PartnerOrganisation._meta.verbose_name, model=PartnerOrganisation, visibility="public",
            document=partner_public, queryset=lambda: PartnerOrganisation.objects.all(),
        ),
        SearchSource(
            kind=STAFF_KIND, label=PartnerOrganisation._meta.verbose_name, model=PartnerOrganisation, visibility="staff",
            document=partner_staff, queryset=lambda: PartnerOrganisation.objects.all(),
        ),
    ]  # fmt: skip
    for source in registered:
        source_register(source)
    yield registered
    for source in registered:
        source_unregister(source.kind)
