"""Joining a union: registration by invite code or open registration, or a request."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from accounts.services import account_create, local_user_for_account
from accounts.validators import normalize_mobile
from tenants.users.models import User
from workershome.errors import Conflict, ServiceError
from workershome.tenancy import current_tenant, on_commit_in_schema, on_portal

from .models import MembershipRequest


@dataclass(frozen=True)
class Registration:
    outcome: str  # "joined" | "requested" | "already_member"
    account: Account
    user: User | None = None
    request: MembershipRequest | None = None


@transaction.atomic
def worker_register(
    *, mobile: str, name: str, password: str, invite_code: str = "", email: str = "", department: str = ""
) -> Registration:
    """Register a worker in the current union.

    A new number gets a global account; a number that already has one must give that account's
    password (one password everywhere). With the union's invite code, or where the union lets
    any worker register, the worker joins at once; otherwise an officer approves a request.
    """
    union = current_tenant()
    if on_portal():
        raise ServiceError("not_a_union", _("Register on your union's own site."))
    account = Account.objects.filter(mobile=normalize_mobile(mobile)).first()
    if account is None:
        account = account_create(mobile=mobile, name=name, password=password, email=email)
    elif not account.check_password(password):
        raise Conflict(
            "account_exists",
            _("This mobile number already has an account: enter that account's password, or reset it."),
            field="password",
        )
    existing = local_user_for_account(account=account)
    if existing is not None:
        return Registration("already_member", account, user=existing)

    code = (invite_code or "").strip().upper()
    if code and code != union.invite_code.upper():
        raise ServiceError(
            "invite_code_invalid", _("The invite code is not this union's."), field="invite_code"
        )
    if code or union.registration == union.Registration.OPEN:
        return Registration("joined", account, user=_join(account))

    pending = MembershipRequest.objects.filter(
        account=account, status=MembershipRequest.Status.PENDING
    ).first()
    if pending is None:
        pending = MembershipRequest.objects.create(
            account=account, name=name.strip() or account.name, mobile=account.mobile, department=department
        )
    return Registration("requested", account, request=pending)


def _join(account: Account) -> User:
    union = current_tenant()
    if account.home_union_id is None:
        account.home_union_id = union.pk
        account.save(update_fields=["home_union"])
    user = local_user_for_account(account=account, create=True, roles=("member",))
    assert user is not None
    return user


@transaction.atomic
def membership_request_decide(*, request: MembershipRequest, approve: bool, by: User) -> MembershipRequest:
    """An officer approves (the worker becomes a member) or rejects a pending request."""
    request = MembershipRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != MembershipRequest.Status.PENDING:
        raise Conflict("request_decided", _("This request has already been decided."))
    if approve:
        _join(Account.objects.get(pk=request.account_id))
    request.status = MembershipRequest.Status.APPROVED if approve else MembershipRequest.Status.REJECTED
    request.decided_at = timezone.now()
    request.decided_by = by
    request.save(update_fields=["status", "decided_at", "decided_by"])
    from .tasks import membership_decision_notify

    on_commit_in_schema(lambda: membership_decision_notify.delay(request_id=request.pk))
    return request
