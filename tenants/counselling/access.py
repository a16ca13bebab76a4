"""Who may see what of counselling (PIPL: minimum necessary; health data).

- Counsellors, their slots and the lectures are public within the union (the site shows them);
  the chairman and officers manage them.
- An appointment is seen by the worker who made it and the counsellor it is with: nobody else,
  not the chairman, not a superuser, not federation staff. The union's managers see counts.
- A session note is read by its author alone. Any other reader is answered 404 and the refused
  read is written to the privacy audit log; the author's reads are written there too.
"""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.cases.roles import roles_of
from tenants.privacy.services import sensitive_read_log

from .models import Appointment, Counsellor, SessionNote

MANAGING_ROLES = ("chairman", "officer")


def manages_counselling(user) -> bool:
    """Chairman or officer: counsellors, slots, lectures and counts (never appointments)."""
    return bool(roles_of(user) & set(MANAGING_ROLES))


def counsellor_of(user) -> Counsellor | None:
    """The counsellor profile of a signed-in ``user``, if they have one."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Counsellor.objects.filter(user=user).first()


def uses_counselling_admin(user) -> bool:
    from workershome.tenancy import on_portal

    if on_portal():  # the portal has no counselling (and no counselling tables)
        return False
    return manages_counselling(user) or counsellor_of(user) is not None


def appointments_of_counsellor(user) -> QuerySet[Appointment]:
    """The appointments with the counsellor ``user`` (none for anyone who is not one)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Appointment.objects.none()
    return Appointment.objects.filter(slot__counsellor__user=user)


def may_read_note(user, note: SessionNote) -> bool:
    """Only the author: no exception for the chairman, a superuser or another counsellor."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and note.author_id is not None
        and note.author_id == user.pk
    )


def note_read(user, note: SessionNote, *, via: str, purpose: str) -> bool:
    """Whether ``user`` may read ``note``, with the read or the refusal written to the audit log."""
    allowed = may_read_note(user, note)
    sensitive_read_log(user=user, obj=note, action="read" if allowed else "refused", via=via, purpose=purpose)
    return allowed
