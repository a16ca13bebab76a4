"""Reads of federation notices: the portal's management list and a union's published ones."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django_tenants.utils import get_public_schema_name

from workershome.tenancy import current_tenant, on_portal

from .models import FederationNotice, NoticeReceipt
from .permissions import _roles, districts_publishable_by, is_city_admin


def notices_visible_to(user) -> QuerySet[FederationNotice]:
    """On the portal: a city administrator every notice, a district administrator those sent to
    every union or to one of their districts; anyone else none."""
    notices = FederationNotice.objects.prefetch_related("districts")
    if not _roles(user):
        return notices.none()
    if is_city_admin(user):
        return notices
    own = districts_publishable_by(user)
    return notices.filter(Q(to_all=True) | Q(districts__in=own)).distinct()


def notices_for_union(union) -> QuerySet[FederationNotice]:
    """Published, not withdrawn notices addressed to ``union``: to all unions, or to its district."""
    addressed = Q(to_all=True)
    if union.district_id is not None:
        addressed |= Q(districts=union.district_id)
    return FederationNotice.objects.filter(addressed, withdrawn_at__isnull=True).distinct()


def notices_for_current_union() -> QuerySet[FederationNotice]:
    if on_portal():
        return FederationNotice.objects.none()
    return notices_for_union(current_tenant())


def notices_unread_for_union(union) -> QuerySet[FederationNotice]:
    receipts = NoticeReceipt.objects.filter(notice=OuterRef("pk"), union=union)
    return notices_for_union(union).filter(~Exists(receipts))


def unions_addressed_by(notice: FederationNotice) -> list[str]:
    """The schema names of the unions a notice reaches (whose pages must be refreshed)."""
    from tenants.registry.models import Union

    unions = Union.objects.exclude(schema_name=get_public_schema_name())
    if not notice.to_all:
        unions = unions.filter(district__in=notice.districts.all())
    return list(unions.values_list("schema_name", flat=True))
