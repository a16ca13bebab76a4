"""Writes on the union's organisation: committees, terms (never overlapping), positions, and the
renewal check that reminds the chairman and reports overdue terms to the federation."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_mobile
from tenants.events.services import event_emit
from tenants.membership.models import Member
from workershome.errors import Conflict, ServiceError
from workershome.page_cache import page_cache_refresh
from workershome.tenancy import on_commit_in_schema

from .models import ROLES_BY_KIND, Committee, Position, Term, TermReminder
from .selectors import board_cache_clear, term_is_overdue, union_chairman_users

REMINDER_MONTHS = (6, 3, 1)


def board_changed() -> None:
    """After commit: the site's people page and chairman contact show the change at once."""
    on_commit_in_schema(board_cache_clear)
    page_cache_refresh()


# --- Committees ----------------------------------------------------------------------------------


def _committee_check(*, kind: str, name: str, committee: Committee | None = None) -> str:
    if kind not in Committee.Kind.values:
        raise ServiceError("committee_kind_invalid", _("Choose the kind of committee."), field="kind")
    name = (name or "").strip()
    if not name:
        raise ServiceError("committee_name_missing", _("Give the committee a name."), field="name")
    others = Committee.objects.exclude(pk=committee.pk) if committee else Committee.objects.all()
    if others.filter(name=name).exists():
        raise Conflict("committee_name_taken", _("Another committee already has this name."), field="name")
    if kind != Committee.Kind.UNION_GROUP and others.filter(kind=kind).exists():
        raise Conflict(
            "committee_kind_taken",
            _("The union already has its %(kind)s; only union groups can be several."),
            params={"kind": Committee.Kind(kind).label}, field="kind",
        )  # fmt: skip
    return name


@transaction.atomic
def committee_create(
    *, kind: str, name: str, description: str = "", order: int | None = None, by=None
) -> Committee:
    name = _committee_check(kind=kind, name=name)
    if order is None:
        order = list(Committee.Kind.values).index(kind) * 10
    committee = Committee.objects.create(
        kind=kind, name=name, description=description.strip()[:300], order=order
    )
    board_changed()
    return committee


@transaction.atomic
def committee_update(
    *,
    committee: Committee,
    name: str,
    description: str = "",
    order: int | None = None,
    by=None,
) -> Committee:
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    committee.name = _committee_check(kind=committee.kind, name=name, committee=committee)
    committee.description = description.strip()[:300]
    if order is not None:
        committee.order = order
    committee.save()
    board_changed()
    return committee


# --- Terms ---------------------------------------------------------------------------------------


def term_end_default(starts_on: datetime.date, years: int) -> datetime.date:
    """A term of N years ends the day before the election's anniversary."""
    return starts_on + relativedelta(years=years) - datetime.timedelta(days=1)


def _term_check(
    *, committee: Committee, number: int, years: int, starts_on, ends_on, term: Term | None = None
) -> datetime.date:
    if years not in Term.Years.values:
        raise ServiceError("term_years_invalid", _("A term lasts three or five years."), field="years")
    if not isinstance(starts_on, datetime.date):
        raise ServiceError("term_start_missing", _("Give the date the term starts."), field="starts_on")
    ends_on = ends_on or term_end_default(starts_on, years)
    if ends_on <= starts_on:
        raise ServiceError("term_dates", _("The term must end after it starts."), field="ends_on")
    if ends_on > term_end_default(starts_on, years) + datetime.timedelta(days=92):
        raise ServiceError(
            "term_too_long", _("A %(years)s-year term cannot end later than %(latest)s."),
            params={"years": years, "latest": term_end_default(starts_on, years) + datetime.timedelta(days=92)},
            field="ends_on",
        )  # fmt: skip
    if not number or number < 1:
        raise ServiceError("term_number_invalid", _("Give the term's number (1, 2, 3…)."), field="number")
    others = Term.objects.filter(committee=committee)
    if term is not None:
        others = others.exclude(pk=term.pk)
    if others.filter(number=number).exists():
        raise Conflict(
            "term_number_taken", _("This committee already has a term number %(number)s."),
            params={"number": number}, field="number",
        )  # fmt: skip
    clash = others.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).order_by("starts_on").first()
    if clash is not None:
        raise Conflict(
            "term_overlap",
            _("These dates overlap term %(number)s of this committee (%(start)s – %(end)s): terms of one "
              "committee cannot overlap."),
            params={"number": clash.number, "start": clash.starts_on, "end": clash.ends_on}, field="starts_on",
        )  # fmt: skip
    return ends_on


@transaction.atomic
def term_create(
    *,
    committee: Committee,
    number: int,
    years: int,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    elected_at_meeting: str = "",
    by=None,
) -> Term:
    """Record a committee's new term; refused (nothing saved) when it overlaps another term of
    the same committee. The end defaults to the day before the election's N-th anniversary."""
    committee = Committee.objects.select_for_update().get(pk=committee.pk)  # one term change at a time
    ends_on = _term_check(
        committee=committee, number=number, years=years, starts_on=starts_on, ends_on=ends_on
    )
    term = Term.objects.create(
        committee=committee, number=number, years=years, starts_on=starts_on, ends_on=ends_on,
        elected_at_meeting=elected_at_meeting.strip()[:200],
    )  # fmt: skip
    event_emit(
        name="committee.term_started",
        payload={"committee_kind": committee.kind, "years": years, "starts_on": starts_on.isoformat(),
                 "ends_on": ends_on.isoformat()},
    )  # fmt: skip
    board_changed()
    return term


@transaction.atomic
def term_update(
    *,
    term: Term,
    number: int,
    years: int,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    elected_at_meeting: str = "",
    by=None,
) -> Term:
    committee = Committee.objects.select_for_update().get(pk=term.committee_id)
    term = Term.objects.select_for_update().get(pk=term.pk)
    ends_on = _term_check(
        committee=committee, number=number, years=years, starts_on=starts_on, ends_on=ends_on, term=term
    )
    if ends_on != term.ends_on:
        term.reminders.all().delete()  # a new end date: the reminders count from it
        term.overdue_reported_at = None
    term.number, term.years, term.starts_on, term.ends_on = number, years, starts_on, ends_on
    term.elected_at_meeting = elected_at_meeting.strip()[:200]
    term.save()
    board_changed()
    return term


# --- Positions -----------------------------------------------------------------------------------


def _position_check(
    *,
    term: Term,
    member: Member,
    role: str,
    public_mobile: str,
    public_email: str,
    position: Position | None = None,
) -> tuple[str, str]:
    allowed = ROLES_BY_KIND[term.committee.kind]
    if role not in allowed:
        raise ServiceError(
            "position_role_invalid", _("A %(kind)s has these positions: %(roles)s."),
            params={"kind": term.committee.get_kind_display(),
                    "roles": "、".join(str(Position.Role(r).label) for r in allowed)},
            field="role",
        )  # fmt: skip
    if member.status != Member.Status.ACTIVE:
        raise ServiceError(
            "position_member_inactive", _("Only an active member can hold a position."), field="member"
        )
    others = term.positions.exclude(pk=position.pk) if position else term.positions.all()
    if others.filter(member=member).exists():
        raise Conflict(
            "position_member_taken", _("This member already holds a position in this term."), field="member"
        )
    if role == allowed[0] and others.filter(role=role).exists():
        raise Conflict(
            "position_leader_taken", _("This term already has its %(role)s."),
            params={"role": Position.Role(role).label}, field="role",
        )  # fmt: skip
    mobile = normalize_mobile(public_mobile) if public_mobile else ""
    email = (public_email or "").strip()
    if (mobile or email) and not (
        term.committee.kind == Committee.Kind.UNION_COMMITTEE and role == "chairman"
    ):
        raise ServiceError(
            "position_contact_not_public",
            _("Only the union committee's chairman publishes a mobile number and email."), field="public_mobile",
        )  # fmt: skip
    if mobile:
        import re

        if not re.match(r"^1[3-9]\d{9}$", mobile):
            raise ServiceError(
                "position_mobile_invalid",
                _("Enter a valid mainland China mobile number (11 digits starting with 1)."), field="public_mobile",
            )  # fmt: skip
    if email:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError as error:
            raise ServiceError(
                "position_email_invalid", _("Enter a valid email address."), field="public_email"
            ) from error
    return mobile, email


@transaction.atomic
def position_assign(
    *,
    term: Term,
    member: Member,
    role: str,
    duties: str = "",
    public_mobile: str = "",
    public_email: str = "",
    order: int | None = None,
    by=None,
) -> Position:
    """Give a roster member a position in a term (one leader per term, one post per member)."""
    term = Term.objects.select_for_update().select_related("committee").get(pk=term.pk)
    member = Member.objects.get(pk=member.pk)
    mobile, email = _position_check(
        term=term, member=member, role=role, public_mobile=public_mobile, public_email=public_email
    )
    position = Position.objects.create(
        term=term, member=member, role=role, duties=duties.strip()[:200], public_mobile=mobile,
        public_email=email, order=order if order is not None else term.positions.count(), created_by=by,
    )  # fmt: skip
    board_changed()
    return position


@transaction.atomic
def position_update(
    *,
    position: Position,
    role: str,
    duties: str = "",
    public_mobile: str = "",
    public_email: str = "",
    order: int | None = None,
    by=None,
) -> Position:
    position = (
        Position.objects.select_for_update().select_related("term__committee", "member").get(pk=position.pk)
    )
    Term.objects.select_for_update().get(pk=position.term_id)
    mobile, email = _position_check(
        term=position.term, member=position.member, role=role, public_mobile=public_mobile,
        public_email=public_email, position=position,
    )  # fmt: skip
    position.role, position.duties = role, duties.strip()[:200]
    position.public_mobile, position.public_email = mobile, email
    if order is not None:
        position.order = order
    position.save()
    board_changed()
    return position


@transaction.atomic
def position_remove(*, position: Position, by=None) -> None:
    Position.objects.filter(pk=position.pk).delete()
    board_changed()


# --- Renewal reminders and overdue terms ------------------------------------------------------------


def _chairman_tell(*, title: str, body: str) -> None:
    from tenants.notifications.services import notify

    notify(recipients=union_chairman_users(), title=title, body=body, url="/admin/organisation/committees/")


@transaction.atomic
def term_renewal_check(*, term: Term) -> str | None:
    """Remind the chairman 6, 3 and 1 months before a serving term ends (each once), and report a
    term that ended with no successor as overdue (once). Returns what was done, if anything.

    When several reminders fall due at once (the check did not run for a while, or the term was
    entered late), only the most urgent is sent; the others are recorded as passed over.
    """
    term = Term.objects.select_for_update().select_related("committee").get(pk=term.pk)
    today = timezone.localdate()
    now = timezone.now()
    if (
        term.starts_on > today
        or Term.objects.filter(committee=term.committee, starts_on__gt=term.starts_on).exists()
    ):
        return None  # not serving yet, or already renewed
    kind = term.committee.kind
    params = {"committee": term.committee.name, "number": term.number, "end": term.ends_on}
    if term_is_overdue(term, today=today):
        if term.overdue_reported_at is not None:
            return None
        term.overdue_reported_at = now
        term.save(update_fields=["overdue_reported_at"])
        event_emit(
            name="committee.term_overdue",
            payload={"committee_kind": kind, "ends_on": term.ends_on.isoformat(),
                     "days_overdue": (today - term.ends_on).days},
        )  # fmt: skip
        _chairman_tell(
            title=gettext("Term renewal overdue: %(committee)s, term %(number)s") % params,
            body=gettext("The term ended on %(end)s and no new term has been recorded. Hold the election "
                         "(换届) and record the new term.") % params,
        )  # fmt: skip
        return "overdue"
    due = [months for months in REMINDER_MONTHS if today >= term.ends_on - relativedelta(months=months)]
    done = set(term.reminders.values_list("months_before", flat=True))
    waiting = [months for months in due if months not in done]
    if not waiting:
        return None
    send = min(waiting)
    TermReminder.objects.bulk_create(
        [TermReminder(term=term, months_before=months, sent=months == send, at=now) for months in waiting]
    )
    event_emit(
        name="committee.term_expiring",
        payload={"committee_kind": kind, "months_before": send, "ends_on": term.ends_on.isoformat()},
    )
    _chairman_tell(
        title=gettext("Term renewal due: %(committee)s, term %(number)s ends on %(end)s") % params,
        body=gettext("About %(months)s month(s) left. Prepare the election (换届): the election plan needs the "
                     "higher-level union's approval.") % {"months": send},
    )  # fmt: skip
    return f"reminded_{send}"
