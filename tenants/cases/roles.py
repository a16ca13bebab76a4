"""Who may see and act on which cases."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .kinds import KINDS, staff_kinds
from .models import Case


def roles_of(user) -> set[str]:
    """The union role codes ``user`` holds (cached on the user object for the request)."""
    if user is None or not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_codes", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add("chairman")
        user._role_codes = cached
    return cached


def is_staff_for(user, kind: str) -> bool:
    return kind in staff_kinds(roles_of(user))


def may_act(user, *, case: Case, role: str) -> bool:
    """Whether ``user`` may take a step whose acting role is ``role`` (the chairman always may)."""
    roles = roles_of(user)
    return "chairman" in roles or (role in roles and is_staff_for(user, case.kind))


def cases_visible_to(user) -> QuerySet[Case]:
    """The cases ``user`` may see: staff those of the kinds they handle (restricted ones only when
    assigned to them, or as chairman); anyone their own."""
    roles = roles_of(user)
    if not roles and (user is None or not user.is_authenticated):
        return Case.objects.none()
    own = Q(requester=user)
    kinds = staff_kinds(roles)
    if not kinds:
        return Case.objects.filter(own)
    if "chairman" in roles:
        return Case.objects.all()
    visible = Q(confidentiality=Case.Confidentiality.NORMAL) | Q(assignee=user)
    staff = visible if set(kinds) >= set(KINDS) else Q(kind__in=kinds) & visible
    return Case.objects.filter(own | staff)


def staff_users_for(kind: str):
    """Active users who handle ``kind``: its staff roles and the chairman."""
    from tenants.users.models import User

    roles = {*KINDS[kind].staff_roles, "chairman"}
    return User.objects.filter(is_active=True, groups__name__in=roles).distinct()


def chairmen():
    from tenants.users.models import User

    return User.objects.filter(is_active=True, groups__name="chairman")
