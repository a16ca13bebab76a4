"""Fixtures of the portal notification tests: the referral tests' unions, stations, staff and
administrators (union A on 望京街道 in 朝阳, union B in 海淀), and a helper for what one portal
user was told."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from portal_notifications.models import PortalNotification
from tests.referrals.conftest import appeal, refer, sister  # noqa: F401
from tests.stations.conftest import (  # noqa: F401
    accepted,
    applied,
    district_admins,
    failed,
    frozen,
    people,
    send_and_deliver,
    staff,
    stations,
    streets,
)


def told(user) -> list[PortalNotification]:
    """What ``user`` (a portal user) was told, oldest first."""
    connection.set_schema_to_public()
    return list(PortalNotification.objects.filter(recipient=user).order_by("created_at", "pk"))


@pytest.fixture
def same_id_union_user(union_a):
    """``make(portal_user)``: a member of union A whose user id is that portal user's, and their
    account (to sign in with). A union's users are another table, so the same number is another
    person, who must see nothing of the portal's."""

    def make(portal_user):
        from django.contrib.auth.models import Group

        from tenants.users.models import User
        from tests.factories import make_account

        with tenant_context(union_a):
            user = User.objects.filter(pk=portal_user.pk).select_related("account").first()
            if user is None:
                account = make_account(name="同号职工", home_union=union_a)
                user = User(pk=portal_user.pk, username=account.mobile, account=account, name=account.name)
                user.set_unusable_password()
                user.save()
                user.groups.add(*Group.objects.filter(name="member"))
            elif user.account is None:
                user.account = make_account(name=user.name or "同号职工", home_union=union_a)
                user.save(update_fields=["account"])
            account = user.account
        connection.set_schema_to_public()
        return user, account

    return make
