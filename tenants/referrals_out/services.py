"""Referring a case across the three levels, keeping the sender's record in step with the
receiver's, re-sending a declined referral, and what a receiving sister union is told.

Sending records the worker's consent to share (``tenants.privacy``), keeps only the items the
sender chose, and emits ``referral.sent`` (counted facts only: kind, receiver kind,
difficulty); the outbox delivery hands the chosen items to the public record (``delivery``).
The receiver's changes come back through ``referral_sync``, run by a task in this union's
schema, which also tells the sender.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stations.models import Difficulty, ReceiverKind, ReferralStatus, receiver_label
from stations.selectors import referral_for_union, station_for_union
from tenants.cases.models import Case
from tenants.cases.roles import cases_visible_to, is_staff_for, roles_of
from tenants.events.services import event_emit
from tenants.mediation.models import MediationCase
from tenants.notifications.services import notify
from tenants.privacy.models import Consent, ConsentScope
from tenants.privacy.services import consent_record
from tenants.registry.models import Union
from workershome.errors import Conflict, ServiceError
from workershome.tenancy import current_schema

from .models import OutgoingReferral, items_for

# Every referral's sharing is recorded under a scope of its own, whatever the kind of case: the
# consent to mediation (or hardship assistance, counselling) covers the union collecting the
# data, not handing it to another party (PIPL art. 23).
CONSENT_SCOPE = ConsentScope.CASE_REFERRAL
CONSENT_PURPOSE = "向%(receiver)s转介案件，并共享所选信息"


def referral_consent_withdrawn(worker) -> Consent | None:
    """The worker's withdrawal of a case-referral consent, while it is still their last word (no
    consent recorded since): nothing about them is referred until they agree again."""
    if worker is None:
        return None
    consents = Consent.objects.filter(worker=worker, scope=CONSENT_SCOPE)
    withdrawn = consents.filter(withdrawn_at__isnull=False).order_by("-withdrawn_at", "-pk").first()
    if (
        withdrawn is None
        or consents.filter(withdrawn_at__isnull=True, given_at__gt=withdrawn.withdrawn_at).exists()
    ):
        return None
    return withdrawn


def may_refer(user, case: Case) -> bool:
    """The chairman, or staff who handle this kind of case and may see this one."""
    roles = roles_of(user)
    if not roles:
        return False
    return ("chairman" in roles or is_staff_for(user, case.kind)) and cases_visible_to(user).filter(
        pk=case.pk
    ).exists()


def refers_cases(user) -> bool:
    """Whether ``user`` handles any kind of case (and so may see the referral pages)."""
    from tenants.cases.kinds import staff_kinds

    return bool(staff_kinds(roles_of(user)))


def referable_cases(user) -> QuerySet[Case]:
    """The cases ``user`` may refer now: open ones, and mediation cases that failed; none
    already referred (a declined one is re-sent from its referral instead)."""
    from django.db.models import Q

    return (
        cases_visible_to(user)
        .filter(
            Q(status=Case.Status.OPEN) | Q(kind="mediation", mediation__outcome=MediationCase.Outcome.FAILED)
        )
        .filter(outgoing_referrals__isnull=True)
        .order_by("-opened_at", "-pk")
    )


def referral_worker(case: Case):
    """The worker whose consent the referral needs: the mediation's applicant, else the member
    who raised the case."""
    mediation = MediationCase.objects.filter(case=case).first()
    return mediation.worker if mediation is not None else case.requester


def _receiver(*, receiver_kind: str, station_id: int | None, sister_union: str) -> tuple[str, str]:
    """Check the receiver the sender chose; returns (its name, the sister union's schema)."""
    union = Union.objects.select_related("district").get(schema_name=current_schema())
    if receiver_kind == ReceiverKind.STATION:
        station = station_for_union(union)
        if station is None:
            raise ServiceError(
                "referral_no_station",
                _("The federation has not registered a service station on this union's street yet."),
                field="receiver_kind",
            )
        if station_id is not None and int(station_id) != station.pk:
            raise ServiceError(
                "referral_station_outside_street",
                _("A union refers cases only to the service station of its own street."),
                field="station",
            )
        return station.name, ""
    if receiver_kind == ReceiverKind.DISTRICT:
        if union.district is None:
            raise ServiceError(
                "referral_no_district",
                _("This union is not placed in a district yet."),
                field="receiver_kind",
            )
        return receiver_label(kind=receiver_kind, district=union.district.name), ""
    if receiver_kind == ReceiverKind.CITY:
        return receiver_label(kind=receiver_kind), ""
    if receiver_kind != ReceiverKind.UNION:
        raise ServiceError("referral_receiver", _("Choose who receives the referral."), field="receiver_kind")
    sister = Union.objects.filter(schema_name=str(sister_union or "")).first()
    if sister is None or sister.is_portal:
        raise ServiceError(
            "referral_sister_union", _("Choose the sister union to refer to."), field="sister_union"
        )
    if sister.pk == union.pk:
        raise ServiceError(
            "referral_to_itself", _("A union cannot refer a case to itself."), field="sister_union"
        )
    if sister.status != Union.Status.ACTIVE:
        raise ServiceError(
            "referral_union_suspended",
            _("This sister union is suspended and cannot receive referrals."),
            field="sister_union",
        )
    return sister.name, sister.schema_name


def _create(
    *,
    case: Case,
    receiver_kind: str,
    station_id: int | None,
    sister_union: str,
    shared: list[str],
    difficulty: str,
    consent_given: bool,
    consent_method: str,
    consent_renewed: bool,
    note: str,
    previous: OutgoingReferral | None,
    by,
) -> OutgoingReferral:
    receiver_name, sister_schema = _receiver(
        receiver_kind=receiver_kind, station_id=station_id, sister_union=sister_union
    )
    if difficulty not in Difficulty.values:
        raise ServiceError("referral_difficulty", _("Choose how difficult the case is."), field="difficulty")
    allowed = [value for value, _label in items_for(case.kind)]
    wanted = set(shared or [])
    chosen = [item for item in allowed if item in wanted]
    if len(chosen) != len(wanted):
        raise ServiceError("referral_shared", _("Choose what to share from the list."), field="shared")
    worker = referral_worker(case)
    if worker is None:
        raise ServiceError(
            "referral_no_worker",
            _("Only a member's case can be referred: the worker's consent must be recorded."),
        )
    if not consent_given:
        raise ServiceError(
            "consent_required",
            _("Record the worker's consent to share this with the receiver first."),
            field="consent_given",
        )
    withdrawn = referral_consent_withdrawn(worker)
    if withdrawn is not None and not consent_renewed:
        raise ServiceError(
            "consent_withdrawn",
            _("The worker withdrew their consent to referrals on %(date)s, so nothing about them is referred. "
              "Only if they have agreed again, in writing, since then, record that they did."),
            params={"date": timezone.localtime(withdrawn.withdrawn_at).date().isoformat()},
            field="consent_renewed",
        )  # fmt: skip
    note = str(note or "").strip()
    if len(note) > 2000:
        raise ServiceError(
            "referral_note", _("The note is too long (at most 2000 characters)."), field="note"
        )
    consent = consent_record(
        worker=worker,
        scope=CONSENT_SCOPE,
        purpose=CONSENT_PURPOSE % {"receiver": receiver_name},
        method=consent_method,
        by=by,
    )
    referral = OutgoingReferral.objects.create(
        case=case, receiver_kind=receiver_kind, receiver_union_schema=sister_schema, previous=previous,
        consent=consent, shared=chosen, difficulty=difficulty, note=note, receiver_name=receiver_name[:100],
        sent_at=timezone.now(), sent_by=by,
    )  # fmt: skip
    mediation = MediationCase.objects.filter(case=case).first()
    event_emit(
        name="referral.sent",
        payload={"referral": str(referral.uuid), "case_kind": case.kind, "target": receiver_kind,
                 "difficulty": difficulty, "claim_kind": mediation.claim_kind if mediation else "",
                 "resent": previous is not None},
    )  # fmt: skip
    return referral


@transaction.atomic
def referral_send(
    *,
    case: Case | None = None,
    mediation: MediationCase | None = None,
    receiver_kind: str = ReceiverKind.STATION,
    station_id: int | None = None,
    sister_union: str = "",
    shared: list[str],
    difficulty: str,
    consent_given: bool,
    consent_method: str = Consent.Method.WRITTEN,
    consent_renewed: bool = False,
    note: str = "",
    by,
) -> OutgoingReferral:
    """Refer a case (any kind; a mediation case once it failed) to the union's street station,
    its district's or the city's service centre, or a sister union, sharing only the chosen
    items, once the worker's consent is recorded (scope ``case_referral``; refused while the
    worker's last word is a withdrawal of it, unless ``consent_renewed`` records that they
    agreed again). A case is referred once; a declined referral is re-sent with
    ``referral_resend``."""
    if case is None and mediation is not None:
        case = mediation.case
    if case is None:
        raise ServiceError("referral_case", _("Choose the case to refer."), field="case")
    if not may_refer(by, case):
        raise ServiceError(
            "referral_forbidden", _("Only the staff handling this kind of case can refer it."), status=404
        )
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.kind == "mediation":
        med = MediationCase.objects.select_for_update().filter(case=case).first()
        if med is None or med.outcome != MediationCase.Outcome.FAILED:
            raise Conflict(
                "referral_not_failed", _("A mediation case is referred only once the mediation has failed.")
            )
    elif case.status != Case.Status.OPEN:
        raise Conflict("referral_case_closed", _("A closed case cannot be referred."))
    if OutgoingReferral.objects.filter(case=case).exists():
        raise Conflict("referral_sent", _("This case has already been referred."))
    return _create(
        case=case, receiver_kind=receiver_kind, station_id=station_id, sister_union=sister_union, shared=shared,
        difficulty=difficulty, consent_given=consent_given, consent_method=consent_method,
        consent_renewed=consent_renewed, note=note, previous=None, by=by,
    )  # fmt: skip


@transaction.atomic
def referral_resend(
    *,
    referral: OutgoingReferral,
    receiver_kind: str,
    station_id: int | None = None,
    sister_union: str = "",
    shared: list[str],
    difficulty: str,
    consent_given: bool,
    consent_method: str = Consent.Method.WRITTEN,
    consent_renewed: bool = False,
    note: str = "",
    by,
) -> OutgoingReferral:
    """Send a declined referral again, to the same receiver or another: a new referral linked
    to the declined one (the worker's consent is recorded again, naming the new receiver).
    A declined referral is re-sent once; the new one may itself be re-sent if declined."""
    if not may_refer(by, referral.case):
        raise ServiceError(
            "referral_forbidden", _("Only the staff handling this kind of case can refer it."), status=404
        )
    locked = OutgoingReferral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    if locked.status != ReferralStatus.DECLINED:
        raise Conflict("referral_not_declined", _("Only a declined referral can be sent again."))
    if OutgoingReferral.objects.filter(previous=locked).exists():
        raise Conflict("referral_resent", _("This referral has already been sent again."))
    return _create(
        case=locked.case, receiver_kind=receiver_kind, station_id=station_id, sister_union=sister_union,
        shared=shared, difficulty=difficulty, consent_given=consent_given, consent_method=consent_method,
        consent_renewed=consent_renewed, note=note, previous=locked, by=by,
    )  # fmt: skip


def _receiver_name(row: dict[str, Any]) -> str:
    return receiver_label(
        kind=row["receiver_kind"], station=row["station__name"] or "",
        district=row["receiver_district__name"] or "", union=row["receiver_union__name"] or "",
    )  # fmt: skip


@transaction.atomic
def referral_sync(*, referral_uuid: str) -> str | None:
    """In the sender's schema: copy the receiver's status, note and escalation onto the union's
    record, and tell the person who sent it when the status changed. Reads the receiver's
    current record, so a repeated or late task (the sweep after the change task, or a task
    queued before a later change) changes nothing and never moves the status back. Returns the
    status copied, or None when nothing changed."""
    row: dict[str, Any] | None = referral_for_union(referral_uuid=referral_uuid)
    if row is None:
        return None
    referral = OutgoingReferral.objects.select_for_update().filter(uuid=referral_uuid).first()
    if referral is None:
        return None
    if (
        referral.status_changed_at is not None
        and row["changed_at"] is not None
        and row["changed_at"] < referral.status_changed_at
    ):
        return None
    status_changed = referral.status != row["status"] or referral.status_note != row["status_note"]
    escalated = referral.escalated_at is None and row["escalated_at"] is not None
    if not status_changed and not escalated:
        return None
    referral.status, referral.status_note = row["status"], row["status_note"]
    referral.status_changed_at, referral.receiver_name = row["changed_at"], _receiver_name(row)[:100]
    referral.escalated_at = row["escalated_at"]
    referral.save(
        update_fields=["status", "status_note", "status_changed_at", "receiver_name", "escalated_at"]
    )
    if status_changed and referral.sent_by_id:
        with translation.override("zh-hans"):
            notify(
                recipients=[referral.sent_by],
                title=gettext("Referral %(reference)s: %(status)s") % {
                    "reference": referral.reference, "status": referral.get_status_display()},
                body=gettext("%(receiver)s: %(note)s") % {
                    "receiver": referral.receiver_name, "note": referral.status_note or "—"},
                url=f"/admin/referrals-out/{referral.pk}/",
                channels=("site", "email"),
            )  # fmt: skip
    return referral.status if status_changed else None


@transaction.atomic
def referral_rate(*, referral: OutgoingReferral, rating: int, by) -> OutgoingReferral:
    """Record the worker's rating (1–5) of a referral the receiver closed; it goes to the
    receiver's record through the outbox (``referral.rated``, a number only)."""
    if not may_refer(by, referral.case):
        raise ServiceError(
            "referral_forbidden", _("Only the staff handling this kind of case can refer it."), status=404
        )
    referral = OutgoingReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.CLOSED:
        raise Conflict(
            "referral_not_closed", _("The worker rates the referral once the receiver has closed it.")
        )
    if referral.rating is not None:
        raise Conflict("referral_rated", _("The worker has already rated this referral."))
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ServiceError("referral_rating", _("A rating is from 1 to 5."), field="rating")
    referral.rating = value
    referral.save(update_fields=["rating"])
    event_emit(name="referral.rated", payload={"referral": str(referral.uuid), "rating": value})
    return referral


def referral_received_notify(*, referral_uuid: str) -> int:
    """In the receiving sister union's schema: tell its chairman and officers (in-site and by
    email) that a referral arrived — the reference and the sending union only. Idempotent: a
    repeated task finds the notification already there. Returns how many were told."""
    from stations.models import StationReferral
    from tenants.notifications.models import Notification

    referral = (
        StationReferral.objects.filter(
            referral_uuid=referral_uuid,
            receiver_kind=ReceiverKind.UNION,
            receiver_union__schema_name=current_schema(),
        )
        .select_related("union")
        .first()
    )
    if referral is None:
        return 0
    url = f"/admin/referrals-received/{referral.pk}/"
    if Notification.objects.filter(url=url).exists():
        return 0
    from tenants.users.models import User

    people = list(
        User.objects.filter(is_active=True, groups__name__in=("chairman", "officer"))
        .distinct()
        .order_by("pk")
    )
    with translation.override("zh-hans"):
        notify(
            recipients=people,
            title=gettext("New referral %(reference)s from %(union)s") % {
                "reference": referral.reference, "union": referral.union.name},
            body=gettext("Difficulty: %(difficulty)s; due by %(due)s.") % {
                "difficulty": referral.get_difficulty_display(), "due": referral.due_on.isoformat()},
            url=url,
            channels=("site", "email"),
        )  # fmt: skip
    return len(people)
