"""Reads on the union's organisation: committees with their current terms and positions, the
identity board the site shows (亮身份), the chairman's public contact, terms due for renewal."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.users.models import User

from .models import ROLE_ORDER, Committee, Position, Term

BOARD_CACHE_KEY = "committees:board:v1"
BOARD_CACHE_SECONDS = 60 * 60


def current_term(committee: Committee, *, today: datetime.date | None = None) -> Term | None:
    """The term serving now: the latest one already started. A term past its end with no
    successor still serves (it is overdue for renewal)."""
    today = today or timezone.localdate()
    return committee.terms.filter(starts_on__lte=today).order_by("-starts_on").first()


def term_is_overdue(term: Term, *, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        term.ends_on < today
        and not Term.objects.filter(committee_id=term.committee_id, starts_on__gt=term.starts_on).exists()
    )


def positions_sorted(positions) -> list[Position]:
    return sorted(positions, key=lambda p: (ROLE_ORDER.get(p.role, 99), p.order, p.pk))


@dataclass
class CommitteeView:
    committee: Committee
    term: Term | None
    positions: list[Position] = field(default_factory=list)
    overdue: bool = False
    later_terms: int = 0


def committees_overview(*, today: datetime.date | None = None) -> list[CommitteeView]:
    """Every committee with its serving term and that term's positions (three queries)."""
    today = today or timezone.localdate()
    committees = list(
        Committee.objects.prefetch_related(
            Prefetch("terms", queryset=Term.objects.order_by("-starts_on")),
            Prefetch(
                "terms__positions",
                queryset=Position.objects.select_related("member", "member__photo").order_by("order", "pk"),
            ),
        )
    )
    views = []
    for committee in committees:
        terms = list(committee.terms.all())
        serving = next((t for t in terms if t.starts_on <= today), None)
        later = sum(1 for t in terms if t.starts_on > today)
        views.append(
            CommitteeView(
                committee=committee,
                term=serving,
                positions=positions_sorted(serving.positions.all()) if serving else [],
                overdue=bool(serving and serving.ends_on < today and not later),
                later_terms=later,
            )
        )
    return views


# --- The identity board (亮身份) on the site -------------------------------------------------------


def role_label(position_role: str, kind: str = "") -> str:
    """The position's name as the site shows it; a union group's ordinary members are 组员."""
    if kind == Committee.Kind.UNION_GROUP and position_role == Position.Role.MEMBER:
        return str(_("Group member"))
    return str(Position.Role(position_role).label)


def board() -> dict | None:
    """What the site's people page shows from the committees, or ``None`` when the union has no
    committee data yet (no serving term with anyone in it): then the page keeps its own list.

    Plain values (names, labels, image ids), cached per union and cleared on every change to
    committees, terms, positions or the roster entries holding them, so the home page and the
    people page cost no query for it when warm.
    """
    cached = cache.get(BOARD_CACHE_KEY)
    if cached is not None:
        return cached or None
    today = timezone.localdate()
    committees = []
    chairman = None
    for view in committees_overview(today=today):
        if view.term is None or not view.positions:
            continue
        people = []
        for position in view.positions:
            member = position.member
            people.append({
                "name": member.name, "role": position.role, "role_label": role_label(position.role, view.committee.kind),
                "badge_number": member.badge_number, "photo_id": member.photo_id, "duties": position.duties,
            })  # fmt: skip
            if (
                chairman is None
                and view.committee.kind == Committee.Kind.UNION_COMMITTEE
                and position.role == Position.Role.CHAIRMAN
            ):
                chairman = {
                    "name": member.name, "mobile": position.public_mobile, "email": position.public_email,
                    "photo_id": member.photo_id,
                }  # fmt: skip
        committees.append({
            "name": view.committee.name, "kind": view.committee.kind,
            "term": f"第{view.term.number}届（{view.term.starts_on:%Y.%m}—{view.term.ends_on:%Y.%m}）",
            "people": people,
        })  # fmt: skip
    result = {"committees": committees, "chairman": chairman} if committees else {}
    cache.set(BOARD_CACHE_KEY, result, BOARD_CACHE_SECONDS)
    return result or None


def board_cache_clear() -> None:
    cache.delete(BOARD_CACHE_KEY)


# --- Who is told ---------------------------------------------------------------------------------


def union_chairman_users() -> list[User]:
    """Whom renewal reminders go to: the person holding the union committee's chairman position
    (when they have a user here), else everyone in the chairman role."""
    today = timezone.localdate()
    committee = Committee.objects.filter(kind=Committee.Kind.UNION_COMMITTEE).first()
    term = current_term(committee, today=today) if committee else None
    if term is not None:
        position = (
            term.positions.filter(role=Position.Role.CHAIRMAN, member__user__is_active=True)
            .select_related("member__user")
            .first()
        )
        if position is not None and position.member.user is not None:
            return [position.member.user]
    return list(User.objects.filter(is_active=True, groups__name="chairman").distinct())


def terms_serving() -> QuerySet[Term]:
    """Each committee's latest started term, with its committee (what the renewal check reads)."""
    today = timezone.localdate()
    return (
        Term.objects.filter(starts_on__lte=today)
        .select_related("committee")
        .order_by("committee_id", "-starts_on")
        .distinct("committee_id")
    )
