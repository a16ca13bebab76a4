"""The demo publishes each union's resources once and books the previous union's resource."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django_tenants.utils import tenant_context

from docking.demo import demo_fill
from docking.models import BookingRequest, SharedResource

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_and_books_and_is_idempotent(union_a, union_b, placed):
    specs = [SimpleNamespace(short_name="星河科技", address="朝阳区望京科技园A座"),
             SimpleNamespace(short_name="恒通物流", address="海淀区上地十街1号")]  # fmt: skip
    for _round in range(2):
        for index, union in enumerate((union_a, union_b)):
            with tenant_context(union):
                demo_fill(spec=specs[index], index=index)
    assert SharedResource.objects.filter(union=union_a, is_published=True).count() == 2
    assert SharedResource.objects.filter(union=union_b, is_published=True).count() == 2
    booking = BookingRequest.objects.get()
    assert booking.requester_union == union_b and booking.resource.union == union_a
    assert booking.status == "approved" and booking.reply
