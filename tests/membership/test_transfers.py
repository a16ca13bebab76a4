"""Transfers of a member to another union (会员组织关系转接): union A asks, union B accepts or
declines in its admin; on acceptance the person is active in B, "transferred out" in A, and
their account's home union is B. A union acts only on requests addressed to it."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from accounts.models import Account
from tenants.membership.models import Member, MemberTransfer
from tenants.membership.services import (
    member_create,
    member_transfer_accept,
    member_transfer_cancel,
    member_transfer_decline,
    member_transfer_request,
)
from tenants.notifications.models import Notification
from tenants.users.models import User
from tests.factories import make_person
from tests.membership.roster_helpers import staff_client
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def moving(union_a):
    """A member of union A with an account (home union A), and A's officer."""
    account, _user = make_person(union_a, "member", name="刘志强")
    _officer_account, officer = make_person(union_a, "officer", name="李干事")
    with tenant_context(union_a):
        member = member_create(name="刘志强", mobile=account.mobile, department="生产部", card_number="HY100")
    return account, member, officer


def request_transfer(union_a, union_b, member, officer) -> MemberTransfer:
    with tenant_context(union_a):
        return member_transfer_request(member=member, to_union=union_b, reason="调入恒通物流工作", by=officer)


def incoming_of(union_b) -> MemberTransfer:
    with tenant_context(union_b):
        return MemberTransfer.objects.get(direction="incoming")


def test_an_accepted_transfer_moves_the_member_and_the_home_union(union_a, union_b, moving):
    account, member, officer = moving
    _b_account, b_officer = make_person(union_b, "officer", name="王干事")
    # Given union A asked union B to take the member
    outgoing = request_transfer(union_a, union_b, member, officer)
    assert outgoing.status == "pending" and outgoing.peer_union_id == union_b.pk
    incoming = incoming_of(union_b)
    assert (incoming.name, incoming.peer_union_id, incoming.reference) == (
        "刘志强",
        union_a.pk,
        outgoing.reference,
    )
    with tenant_context(union_b):
        assert Notification.objects.filter(recipient=b_officer, title__contains="刘志强").exists()
    # When union B accepts
    with tenant_context(union_b):
        decided = member_transfer_accept(transfer=incoming, by=b_officer)
        # Then the person is an active member of B, linked to their account and a user there
        here = Member.objects.get(mobile=account.mobile)
        assert (decided.status, here.status, here.card_number) == ("accepted", "active", "HY100")
        assert here.account_id == account.pk and here.user is not None
        assert here.user.groups.filter(name="member").exists()
    # And "transferred out" in A, whose request shows accepted and whose officer is told
    with tenant_context(union_a):
        member.refresh_from_db()
        assert member.status == "transferred_out" and member.status_changed_on is not None
        assert MemberTransfer.objects.get(pk=outgoing.pk).status == "accepted"
        assert Notification.objects.filter(recipient=officer, title__contains="刘志强").exists()
    # And the account's home union is B
    account.refresh_from_db()
    assert account.home_union_id == union_b.pk


def test_a_declined_transfer_leaves_the_member_where_they_are(union_a, union_b, moving):
    account, member, officer = moving
    request_transfer(union_a, union_b, member, officer)
    with tenant_context(union_b):
        member_transfer_decline(transfer=incoming_of(union_b), by=None, reason="本单位未录用该职工")
        assert not Member.objects.filter(mobile=account.mobile).exists()
    with tenant_context(union_a):
        member.refresh_from_db()
        outgoing = MemberTransfer.objects.get(direction="outgoing")
        assert (member.status, outgoing.status, outgoing.decline_reason) == (
            "active",
            "declined",
            "本单位未录用该职工",
        )
    account.refresh_from_db()
    assert account.home_union_id == union_a.pk


def test_the_sender_cannot_accept_its_own_request_nor_anyone_act_twice(union_a, union_b, moving):
    _account, member, officer = moving
    outgoing = request_transfer(union_a, union_b, member, officer)
    with tenant_context(union_a):
        # Union A's outgoing row is not a request addressed to A
        with pytest.raises(ServiceError) as refused:
            member_transfer_accept(transfer=outgoing, by=officer)
        assert refused.value.code == "transfer_not_found"
        # A second request for the same member while one waits is refused
        with pytest.raises(ServiceError) as twice:
            member_transfer_request(member=member, to_union=union_b, by=officer)
        assert twice.value.code == "transfer_pending"
    incoming = incoming_of(union_b)
    with tenant_context(union_b):
        member_transfer_accept(transfer=incoming, by=None)
        with pytest.raises(ServiceError) as again:
            member_transfer_accept(transfer=incoming, by=None)
        assert again.value.code == "transfer_decided"


def test_a_union_cannot_act_on_a_transfer_not_addressed_to_it(union_a, union_b, moving, client_for):
    """Union A's id of its outgoing request, tried on B's host, and B's id of the incoming one,
    tried on A's host: neither finds anything, through services, admin or API."""
    _account, member, officer = moving
    outgoing = request_transfer(union_a, union_b, member, officer)
    incoming = incoming_of(union_b)
    # Through the service, run in the wrong union's schema
    with tenant_context(union_a), pytest.raises(ServiceError):
        member_transfer_accept(transfer=MemberTransfer(pk=incoming.pk), by=None)
    # Through the admin of union A (the sender): B's incoming id is not A's to decide
    admin_a = staff_client(client_for, union_a, "chairman")
    admin_a.post("/admin/members/transfers/", {"transfer": incoming.pk, "action": "accept"})
    with tenant_context(union_b):
        assert MemberTransfer.objects.get(pk=incoming.pk).status == "pending"
    with tenant_context(union_a):
        assert MemberTransfer.objects.get(pk=outgoing.pk).status == "pending"
        member.refresh_from_db()
        assert member.status == "active"


def test_a_transfer_to_itself_the_portal_or_a_suspended_union_is_refused(union_a, union_b, portal, moving):
    _account, member, officer = moving
    with tenant_context(union_a):
        for target in (union_a, portal, None):
            with pytest.raises(ServiceError) as refused:
                member_transfer_request(member=member, to_union=target, by=officer)
            assert refused.value.code == "transfer_target_invalid"
    union_b.status = "suspended"
    union_b.save(update_fields=["status"])
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as refused:
            member_transfer_request(member=member, to_union=union_b, by=officer)
        assert refused.value.code == "transfer_target_inactive"
        assert not MemberTransfer.objects.exists()


def test_the_sender_withdraws_a_waiting_request_and_the_receiver_can_no_longer_accept(
    union_a, union_b, moving
):
    account, member, officer = moving
    outgoing = request_transfer(union_a, union_b, member, officer)
    with tenant_context(union_a):
        member_transfer_cancel(transfer=outgoing, by=officer)
    incoming = incoming_of(union_b)
    assert incoming.status == "cancelled"
    with tenant_context(union_b):
        with pytest.raises(ServiceError):
            member_transfer_accept(transfer=incoming, by=None)
        assert not Member.objects.filter(mobile=account.mobile).exists()
    assert Account.objects.get(pk=account.pk).home_union_id == union_a.pk
    with tenant_context(union_b):
        assert not User.objects.filter(account_id=account.pk).exists()


def test_the_receiving_admin_accepts_on_its_transfers_page(union_a, union_b, moving, client_for):
    account, member, officer = moving
    request_transfer(union_a, union_b, member, officer)
    admin_b = staff_client(client_for, union_b, "officer", name="王干事")
    page = admin_b.get("/admin/members/transfers/")
    assert page.status_code == 200 and "刘志强" in page.content.decode()
    incoming = incoming_of(union_b)
    response = admin_b.post("/admin/members/transfers/", {"transfer": incoming.pk, "action": "accept"})
    assert response.status_code == 302
    with tenant_context(union_b):
        assert Member.objects.get(mobile=account.mobile).status == "active"
