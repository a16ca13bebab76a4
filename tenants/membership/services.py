"""Joining a union: registration by invite code or open registration, or a request."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name, schema_context

from accounts.models import Account
from accounts.services import account_create, local_user_for_account
from accounts.validators import normalize_mobile
from tenants.registry.models import Union
from tenants.users.models import User
from workershome.errors import Conflict, ServiceError
from workershome.tenancy import current_schema, current_tenant, on_commit_in_schema, on_portal

from .models import Member, MembershipRequest, MemberTransfer
from .roster import ImportReport, roster_rows_read, row_check, upload_check


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
        return Registration("joined", account, user=_join(account, department=department))

    pending = MembershipRequest.objects.filter(
        account=account, status=MembershipRequest.Status.PENDING
    ).first()
    if pending is None:
        pending = MembershipRequest.objects.create(
            account=account, name=name.strip() or account.name, mobile=account.mobile, department=department
        )
    return Registration("requested", account, request=pending)


def _join(account: Account, *, department: str = "") -> User:
    union = current_tenant()
    if account.home_union_id is None:
        account.home_union_id = union.pk
        account.save(update_fields=["home_union"])
    user = local_user_for_account(account=account, create=True, roles=("member",))
    assert user is not None
    roster_entry_ensure(account=account, user=user, department=department)
    return user


@transaction.atomic
def membership_request_decide(*, request: MembershipRequest, approve: bool, by: User) -> MembershipRequest:
    """An officer approves (the worker becomes a member) or rejects a pending request."""
    request = MembershipRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != MembershipRequest.Status.PENDING:
        raise Conflict("request_decided", _("This request has already been decided."))
    if approve:
        _join(Account.objects.get(pk=request.account_id), department=request.department)
    request.status = MembershipRequest.Status.APPROVED if approve else MembershipRequest.Status.REJECTED
    request.decided_at = timezone.now()
    request.decided_by = by
    request.save(update_fields=["status", "decided_at", "decided_by"])
    from .tasks import membership_decision_notify

    on_commit_in_schema(lambda: membership_decision_notify.delay(request_id=request.pk))
    return request


# --- The roster (会员名册) ------------------------------------------------------------------------


def roster_changed() -> None:
    """Tell the federation the roster's counts (active, transferred out, left): counted facts, no
    names. Call inside the transaction of the change."""
    from tenants.events.services import event_emit

    counts = dict(Member.objects.values_list("status").annotate(n=Count("pk")).order_by())
    event_emit(
        name="membership.roster_counted",
        payload={status: counts.get(status, 0) for status in Member.Status.values},
    )


def _link_person(member: Member) -> None:
    """Link the roster entry to the person's global account and this union's local user, by mobile."""
    if member.account_id is None:
        member.account = Account.objects.filter(mobile=member.mobile).first()
    if member.user_id is None:
        user = None
        if member.account_id is not None:
            user = User.objects.filter(account_id=member.account_id).first()
        user = user or User.objects.filter(username=member.mobile).first()
        if user is not None and not Member.objects.filter(user=user).exclude(pk=member.pk).exists():
            member.user = user


def _fields_check(values: dict, *, member: Member | None = None) -> dict:
    """The single-member form's check: the import's row check, then uniqueness on the roster."""
    cleaned, problems = row_check(values, today=timezone.localdate())
    if problems:
        column, message = problems[0]
        raise ServiceError("member_invalid", message, field=column)
    others = Member.objects.exclude(pk=member.pk) if member else Member.objects.all()
    if others.filter(mobile=cleaned["mobile"]).exists():
        raise Conflict(
            "member_mobile_taken", _("This mobile number is already on the roster."), field="mobile"
        )
    if cleaned["card_number"] and others.filter(card_number=cleaned["card_number"]).exists():
        raise Conflict(
            "member_card_taken", _("This member card number is already on the roster."), field="card_number"
        )
    return cleaned


def _extras(member: Member, *, badge_number: str | None, photo, note: str | None) -> None:
    if badge_number is not None:
        if len(badge_number.strip()) > 20:
            raise ServiceError(
                "member_invalid", _("The badge number is longer than 20 characters."), field="badge_number"
            )
        member.badge_number = badge_number.strip()
    if photo is not None or photo is False:
        member.photo = photo or None
    if note is not None:
        member.note = note.strip()[:300]


@transaction.atomic
def member_create(
    *,
    name: str,
    mobile: str,
    gender: str = "",
    department: str = "",
    joined_on=None,
    card_number: str = "",
    badge_number: str = "",
    photo=None,
    note: str = "",
    by=None,
) -> Member:
    """Put one person on the roster (active), linked to their account and local user if they have them."""
    cleaned = _fields_check({
        "name": name, "mobile": mobile, "gender": {"male": "男", "female": "女"}.get(gender, gender),
        "department": department, "joined_on": joined_on, "card_number": card_number,
    })  # fmt: skip
    member = Member(**cleaned, status=Member.Status.ACTIVE)
    _extras(member, badge_number=badge_number, photo=photo, note=note)
    _link_person(member)
    member.save()
    roster_changed()
    return member


@transaction.atomic
def member_update(
    *,
    member: Member,
    by=None,
    name: str,
    mobile: str,
    gender: str = "",
    department: str = "",
    joined_on=None,
    card_number: str = "",
    badge_number: str | None = None,
    photo=None,
    note: str | None = None,
) -> Member:
    """Change a roster entry's details (not its status: see ``member_status_set`` and transfers)."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    cleaned = _fields_check({
        "name": name, "mobile": mobile, "gender": {"male": "男", "female": "女"}.get(gender, gender),
        "department": department, "joined_on": joined_on, "card_number": card_number,
    }, member=member)  # fmt: skip
    if cleaned["mobile"] != member.mobile:
        member.account = None
        member.user = None
    for key, value in cleaned.items():
        setattr(member, key, value)
    _extras(member, badge_number=badge_number, photo=photo, note=note)
    _link_person(member)
    member.save()
    return member


@transaction.atomic
def member_status_set(*, member: Member, status: str, by=None, on=None) -> Member:
    """Mark a member as having left the union, or active again. A transfer out is only ever the
    result of an accepted transfer request."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if status not in (Member.Status.ACTIVE, Member.Status.LEFT):
        raise ServiceError(
            "member_status_invalid",
            _("A member is transferred out only by a transfer request."),
            field="status",
        )
    if member.status == status:
        return member
    if (
        status == Member.Status.LEFT
        and MemberTransfer.objects.filter(member=member, status=MemberTransfer.Status.PENDING).exists()
    ):
        raise Conflict("member_transfer_pending", _("Withdraw the pending transfer request first."))
    member.status = status
    member.status_changed_on = on or timezone.localdate()
    member.save(update_fields=["status", "status_changed_on", "updated_at"])
    roster_changed()
    return member


def roster_entry_ensure(*, account: Account, user: User | None, department: str = "") -> Member:
    """The roster entry of a person who has just joined (registration approved, invite code):
    created, or linked and made active again if the mobile number is already on the roster."""
    member = Member.objects.select_for_update().filter(mobile=account.mobile).first()
    if member is None:
        member = Member(
            name=account.name, mobile=account.mobile, department=department[:100],
            joined_on=timezone.localdate(), status=Member.Status.ACTIVE,
        )  # fmt: skip
    elif member.status != Member.Status.ACTIVE:
        member.status = Member.Status.ACTIVE
        member.status_changed_on = timezone.localdate()
    member.account_id = member.account_id or account.pk
    if member.user_id is None and user is not None and not Member.objects.filter(user=user).exists():
        member.user = user
    member.save()
    roster_changed()
    return member


def _roster_lock() -> None:
    """One import at a time per union: a transaction-level advisory lock keyed on the schema."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"roster_import:{current_schema()}"])


def roster_import(
    *, upload, by=None, progress: Callable[[int], None] | None = None, batch_size: int = 2000
) -> ImportReport:
    """Import an Excel roster: every good row is saved, every bad row reported with its reason.

    Wrong columns refuse the whole file with one message naming them. A row is refused when a
    field is bad or its mobile number is already on the roster or earlier in the file, so
    importing the same file twice saves nothing the second time. People who already have an
    account (and a user here) are linked to it. ``progress(n)`` is called as rows are read and
    as they are saved (each row counts twice: ``2 × rows`` in all).
    """
    upload_check(upload)
    with transaction.atomic():
        _roster_lock()
        existing_mobiles = set(Member.objects.values_list("mobile", flat=True))
        existing_cards = set(Member.objects.exclude(card_number="").values_list("card_number", flat=True))
        read = roster_rows_read(
            upload, existing_mobiles=existing_mobiles, existing_cards=existing_cards,
            today=timezone.localdate(), progress=progress,
        )  # fmt: skip
        report = ImportReport(rows=read.rows, problems=read.problems)
        for start in range(0, len(read.good), batch_size):
            batch = read.good[start : start + batch_size]
            mobiles = [values["mobile"] for _number, values in batch]
            accounts = dict(Account.objects.filter(mobile__in=mobiles).values_list("mobile", "pk"))
            users = dict(
                User.objects.filter(username__in=mobiles, roster_entry__isnull=True).values_list(
                    "username", "pk"
                )
            )
            members = [
                Member(**values, status=Member.Status.ACTIVE, account_id=accounts.get(values["mobile"]),
                       user_id=users.get(values["mobile"]))
                for _number, values in batch
            ]  # fmt: skip
            Member.objects.bulk_create(members, batch_size=batch_size)
            report.created += len(members)
            if progress is not None:
                progress(len(members))
        if report.created:
            roster_changed()
    return report


# --- Transfers to another union (会员组织关系转接) --------------------------------------------------


def _this_union() -> Union:
    """The registry row of the union whose schema the connection is on."""
    return Union.objects.get(schema_name=current_schema())


def transfer_targets() -> QuerySet[Union]:
    """The unions a member can be transferred to: every active union but this one and the portal."""
    return (
        Union.objects.filter(status=Union.Status.ACTIVE)
        .exclude(schema_name__in=[current_schema(), get_public_schema_name()])
        .order_by("name")
    )


@transaction.atomic
def member_transfer_request(
    *, member: Member, to_union: Union | None, reason: str = "", by
) -> MemberTransfer:
    """Ask another union to take a member of this one.

    Writes the outgoing request here and the incoming one in the receiving union's schema (one
    transaction, schema switched explicitly); the receiving union's staff are told.
    """
    if on_portal():
        raise ServiceError("not_a_union", _("Transfers are made on a union's own site."))
    member = Member.objects.select_for_update().get(pk=member.pk)
    here = _this_union()
    target = Union.objects.filter(pk=getattr(to_union, "pk", None)).first()
    if target is None or target.pk == here.pk or target.is_portal:
        raise ServiceError(
            "transfer_target_invalid", _("Choose another union to transfer to."), field="to_union"
        )
    if target.status != Union.Status.ACTIVE:
        raise ServiceError(
            "transfer_target_inactive",
            _("That union is not active and cannot receive members."),
            field="to_union",
        )
    if member.status != Member.Status.ACTIVE:
        raise Conflict("transfer_member_inactive", _("Only an active member can be transferred."))
    if MemberTransfer.objects.filter(member=member, status=MemberTransfer.Status.PENDING).exists():
        raise Conflict("transfer_pending", _("This member already has a transfer request waiting."))
    snapshot = {
        "name": member.name, "mobile": member.mobile, "gender": member.gender, "joined_on": member.joined_on,
        "card_number": member.card_number, "account_id": member.account_id, "reason": reason.strip()[:300],
    }  # fmt: skip
    reference = uuid.uuid4()
    outgoing = MemberTransfer.objects.create(
        reference=reference, direction=MemberTransfer.Direction.OUTGOING, peer_union=target, member=member,
        requested_by=by, **snapshot,
    )  # fmt: skip
    with schema_context(target.schema_name):
        MemberTransfer.objects.create(
            reference=reference, direction=MemberTransfer.Direction.INCOMING, peer_union=here, **snapshot
        )
        _transfer_staff_notify(
            title=gettext("Transfer request: %(name)s from %(union)s")
            % {"name": member.name, "union": here.name},
            body=gettext("Accept or decline it in the admin (会员管理 → 会员转接)."),
        )
    return outgoing


def _transfer_staff_notify(*, title: str, body: str) -> None:
    """Tell the current schema's staff who handle transfers (in-site notice)."""
    from tenants.notifications.services import notify

    staff = User.objects.filter(
        is_active=True, groups__permissions__codename="change_membertransfer"
    ).distinct()
    notify(
        recipients=list(staff), title=title, body=body, url="/admin/members/transfers/", channels=("site",)
    )


def _incoming_locked(transfer: MemberTransfer) -> MemberTransfer:
    """This union's incoming request, locked; another union's id, or an outgoing one, is not found."""
    found = (
        MemberTransfer.objects.select_for_update()
        .filter(pk=transfer.pk, direction=MemberTransfer.Direction.INCOMING)
        .first()
    )
    if found is None:
        raise ServiceError(
            "transfer_not_found", _("No such transfer request is addressed to this union."), status=404
        )
    if found.status != MemberTransfer.Status.PENDING:
        raise Conflict("transfer_decided", _("This transfer request has already been decided."))
    return found


def _outgoing_of(incoming: MemberTransfer, *, receiver: Union) -> MemberTransfer:
    """The sender's row of an incoming request, in the sender's schema (the caller switched to
    it): found only if it names ``receiver`` as the union it was sent to."""
    outgoing = (
        MemberTransfer.objects.select_for_update()
        .filter(
            reference=incoming.reference, direction=MemberTransfer.Direction.OUTGOING, peer_union=receiver
        )
        .first()
    )
    if outgoing is None or outgoing.status != MemberTransfer.Status.PENDING:
        raise Conflict("transfer_withdrawn", _("The sending union has withdrawn this request."))
    return outgoing


@transaction.atomic
def member_transfer_accept(*, transfer: MemberTransfer, by) -> MemberTransfer:
    """The receiving union accepts: the person is an active member here, "transferred out" in
    the sending union, and their account's home union is this one."""
    incoming = _incoming_locked(transfer)
    here = _this_union()
    sender = Union.objects.get(pk=incoming.peer_union_id)
    today, now = timezone.localdate(), timezone.now()
    with schema_context(sender.schema_name):
        outgoing = _outgoing_of(incoming, receiver=here)
        outgoing.status, outgoing.decided_at = MemberTransfer.Status.ACCEPTED, now
        outgoing.save(update_fields=["status", "decided_at"])
        if outgoing.member_id is not None:
            Member.objects.filter(pk=outgoing.member_id).update(
                status=Member.Status.TRANSFERRED_OUT, status_changed_on=today, updated_at=now
            )
        roster_changed()
        _requester_notify(outgoing, accepted=True, receiver=here)

    account = Account.objects.filter(mobile=incoming.mobile).first()
    if incoming.account_id is not None:
        account = Account.objects.filter(pk=incoming.account_id).first() or account
    member = Member.objects.select_for_update().filter(mobile=incoming.mobile).first() or Member(
        mobile=incoming.mobile
    )
    member.name, member.status, member.status_changed_on = incoming.name, Member.Status.ACTIVE, today
    member.gender = member.gender or incoming.gender
    member.joined_on = member.joined_on or incoming.joined_on
    if (
        incoming.card_number
        and not Member.objects.filter(card_number=incoming.card_number).exclude(pk=member.pk).exists()
    ):
        member.card_number = member.card_number or incoming.card_number
    if account is not None:
        account.home_union = here
        account.save(update_fields=["home_union"])
        member.account = account
        user = local_user_for_account(account=account, create=True, roles=("member",))
        if user is not None and not Member.objects.filter(user=user).exclude(pk=member.pk).exists():
            member.user = user
    member.save()
    incoming.member = member
    incoming.status, incoming.decided_at, incoming.decided_by = MemberTransfer.Status.ACCEPTED, now, by
    incoming.save(update_fields=["member", "status", "decided_at", "decided_by"])
    roster_changed()
    return incoming


@transaction.atomic
def member_transfer_decline(*, transfer: MemberTransfer, by, reason: str = "") -> MemberTransfer:
    """The receiving union declines: the member stays active in the sending union, which is told why."""
    incoming = _incoming_locked(transfer)
    here = _this_union()
    sender = Union.objects.get(pk=incoming.peer_union_id)
    now = timezone.now()
    reason = reason.strip()[:300]
    with schema_context(sender.schema_name):
        outgoing = _outgoing_of(incoming, receiver=here)
        outgoing.status, outgoing.decided_at, outgoing.decline_reason = (
            MemberTransfer.Status.DECLINED,
            now,
            reason,
        )
        outgoing.save(update_fields=["status", "decided_at", "decline_reason"])
        _requester_notify(outgoing, accepted=False, receiver=here)
    incoming.status, incoming.decided_at, incoming.decided_by = MemberTransfer.Status.DECLINED, now, by
    incoming.decline_reason = reason
    incoming.save(update_fields=["status", "decided_at", "decided_by", "decline_reason"])
    return incoming


@transaction.atomic
def member_transfer_cancel(*, transfer: MemberTransfer, by) -> MemberTransfer:
    """The sending union withdraws a request still waiting; the receiving union's copy goes too."""
    outgoing = (
        MemberTransfer.objects.select_for_update()
        .filter(pk=transfer.pk, direction=MemberTransfer.Direction.OUTGOING)
        .first()
    )
    if outgoing is None:
        raise ServiceError(
            "transfer_not_found", _("No such transfer request was sent by this union."), status=404
        )
    if outgoing.status != MemberTransfer.Status.PENDING:
        raise Conflict("transfer_decided", _("This transfer request has already been decided."))
    here = _this_union()
    receiver = Union.objects.get(pk=outgoing.peer_union_id)
    now = timezone.now()
    with schema_context(receiver.schema_name):
        MemberTransfer.objects.filter(
            reference=outgoing.reference, direction=MemberTransfer.Direction.INCOMING, peer_union=here,
            status=MemberTransfer.Status.PENDING,
        ).update(status=MemberTransfer.Status.CANCELLED, decided_at=now)  # fmt: skip
    outgoing.status, outgoing.decided_at, outgoing.decided_by = MemberTransfer.Status.CANCELLED, now, by
    outgoing.save(update_fields=["status", "decided_at", "decided_by"])
    return outgoing


def _requester_notify(outgoing: MemberTransfer, *, accepted: bool, receiver: Union) -> None:
    """In the sending union's schema: tell whoever asked for the transfer how it was decided."""
    from tenants.notifications.services import notify

    if outgoing.requested_by_id is None:
        return
    params = {"name": outgoing.name, "union": receiver.name}
    if accepted:
        title = gettext("%(union)s accepted the transfer of %(name)s") % params
    else:
        title = gettext("%(union)s declined the transfer of %(name)s") % params
    requester = User.objects.filter(pk=outgoing.requested_by_id, is_active=True).first()
    notify(recipients=[requester], title=title, body=outgoing.decline_reason, channels=("site",),
           url="/admin/members/transfers/")  # fmt: skip
