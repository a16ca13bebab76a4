"""The home's checklist: what a union's Workers' Home still lacks against 五亮 and 六有.

The federation requires each home to display five things (五亮: sign, identity, rules, services,
procedures) and to have six (六有: venue, facilities, staff, activities, service brand, docking).
``home_checklist()`` reads the current schema's site and says, item by item, what is in place,
what is missing and where in the Wagtail admin it is fixed. It only reads, needs no request and
runs a fixed, small number of queries (one per model), so the union's admin dashboard shows it
live and the federation's assessment can compute the same items for its scorecard.

Three states, not two. Some requirements depend on features that do not exist yet: docking
(有对接) comes with the docking module. Marking
them done would pretend; marking them missing would send the chairman looking for a fix that
does not exist. They are ``pending``: ``ok`` is ``False``
(nothing is claimed), they count towards ``total`` but not ``done``, ``all_ok`` stays ``False``
while any item is pending, and ``nothing_to_do`` says whether everything the union *can* do today
is done. When a module arrives, its item becomes an ordinary ``done``/``missing`` check here, as
procedures (亮程序) did with case management (done when every kind of case has a published
procedure) and activities (有活动) with the activities module (done when one was held in the last
three months).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from tenants.cases.kinds import KINDS
from tenants.cases.models import Procedure
from workershome.tenancy import current_tenant, on_portal

from .models import (
    BrandIndexPage,
    BulletinPage,
    HomePage,
    HomePhoto,
    NoticePage,
    PeoplePage,
    RoomIndexPage,
    RoomKind,
    RoomPage,
    RuleIndexPage,
    RulePage,
    ServiceBrandPage,
    ServiceDuty,
    ServiceIndexPage,
    ServiceItemPage,
)

# 亮项目: "a bulletin board outdoors, updated regularly" — regularly means within this many days.
BULLETIN_MAX_AGE_DAYS = 30

# The rooms a home should have (as a room's kind or as one of its uses: 一室多用 counts).
# 有活动: "held regularly" means at least one activity ended within this window.
ACTIVITIES_WINDOW = datetime.timedelta(days=90)
REQUIRED_ROOMS: tuple[tuple[str, str], ...] = (
    ("mediation_room", RoomKind.MEDIATION_ROOM),
    ("stress_relief_room", RoomKind.STRESS_RELIEF_ROOM),
    ("workers_library", RoomKind.LIBRARY),
)


# Each item's label, by its stable code: the site's checklist and the federation's assessment
# (which receives only codes) both read it.
ITEM_LABELS: dict[str, str | Promise] = {
    "name_plate": _("Name plate: address, opening hours, logo or photo"),
    "chairman_contact": _("Chairman's public mobile number and email"),
    "staff_badges": _("Staff badge numbers"),
    "rules_published": _("At least one rule published"),
    "services_published": _("Service items covering the six duties"),
    "bulletin_updated": format_lazy(
        _("Bulletin board updated in the last {days} days"), days=BULLETIN_MAX_AGE_DAYS
    ),
    "procedures_published": _("Each kind of case has a published procedure"),
    "rooms_declared": _("At least one room declared"),
    **{code: RoomKind(kind).label for code, kind in REQUIRED_ROOMS},
    "room_equipment": _("Rooms list their equipment"),
    "staff_listed": _("Staff and committee members listed"),
    "activities_held": _("Activities held regularly"),
    "service_brand": _("At least one service brand"),
    "docking": _("Docking with sister unions, stations and the federation"),
}


def checklist_item_label(code: str) -> str:
    """An item's label from its code (the code itself for one this version no longer has)."""
    label = ITEM_LABELS.get(code)
    return str(label) if label is not None else code


class Status:
    DONE = "done"
    MISSING = "missing"
    PENDING = "pending"  # depends on a feature not built yet; see the module docstring


FIVE_DISPLAYS = "five_displays"
SIX_HAVES = "six_haves"

# The requirement each item serves: code -> (family, label).
REQUIREMENTS: dict[str, tuple[str, str | Promise]] = {
    "sign": (FIVE_DISPLAYS, _("Display: sign")),
    "identity": (FIVE_DISPLAYS, _("Display: identity")),
    "rules": (FIVE_DISPLAYS, _("Display: rules")),
    "services": (FIVE_DISPLAYS, _("Display: services")),
    "procedures": (FIVE_DISPLAYS, _("Display: procedures")),
    "venue": (SIX_HAVES, _("Has: venue")),
    "facilities": (SIX_HAVES, _("Has: facilities")),
    "staff": (SIX_HAVES, _("Has: staff")),
    "activities": (SIX_HAVES, _("Has: activities")),
    "brand": (SIX_HAVES, _("Has: service brand")),
    "docking": (SIX_HAVES, _("Has: docking")),
}
FAMILY_LABELS = {FIVE_DISPLAYS: _("Five displays (五亮)"), SIX_HAVES: _("Six haves (六有)")}


@dataclass(frozen=True)
class ChecklistItem:
    """One thing the home must have or show, whether it is in place, and where it is fixed.

    ``code`` is stable (the federation stores it); ``label`` and ``detail`` are in the language
    active when the checklist was computed. ``fix_url`` is the admin page where the union fixes
    it, or ``None`` when there is nothing to do there (done items keep theirs, pending have none).
    """

    code: str
    requirement: str
    label: str
    status: str
    detail: str
    fix_url: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == Status.DONE

    @property
    def pending(self) -> bool:
        return self.status == Status.PENDING

    @property
    def family(self) -> str:
        return REQUIREMENTS[self.requirement][0]

    @property
    def requirement_label(self) -> str:
        return str(REQUIREMENTS[self.requirement][1])

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "requirement": self.requirement,
            "family": self.family,
            "label": self.label,
            "status": self.status,
            "ok": self.ok,
            "detail": self.detail,
            "fix_url": self.fix_url,
        }


@dataclass(frozen=True)
class Checklist:
    """The home's checklist: its items in a fixed order, and a summary."""

    items: list[ChecklistItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def done(self) -> int:
        return sum(item.ok for item in self.items)

    @property
    def missing(self) -> int:
        return sum(item.status == Status.MISSING for item in self.items)

    @property
    def pending(self) -> int:
        return sum(item.pending for item in self.items)

    @property
    def all_ok(self) -> bool:
        """Every requirement met: never while an item is still pending."""
        return bool(self.items) and self.done == self.total

    @property
    def nothing_to_do(self) -> bool:
        """Everything the union can do today is done (only pending items remain, if any)."""
        return bool(self.items) and self.missing == 0

    def item(self, code: str) -> ChecklistItem:
        return next(item for item in self.items if item.code == code)

    def by_family(self) -> list[tuple[str, list[ChecklistItem]]]:
        return [
            (str(FAMILY_LABELS[family]), [item for item in self.items if item.family == family])
            for family in (FIVE_DISPLAYS, SIX_HAVES)
        ]

    def as_dict(self) -> dict[str, object]:
        return {
            "items": [item.as_dict() for item in self.items],
            "summary": {
                "done": self.done,
                "total": self.total,
                "missing": self.missing,
                "pending": self.pending,
                "all_ok": self.all_ok,
                "nothing_to_do": self.nothing_to_do,
            },
        }


def _edit_url(page_id: int | None) -> str | None:
    return reverse("wagtailadmin_pages:edit", args=[page_id]) if page_id else None


def _add_url(model: type[Page], parent_id: int | None) -> str | None:
    if not parent_id:
        return None
    meta = model._meta
    return reverse("wagtailadmin_pages:add", args=[meta.app_label, meta.model_name, parent_id])


def _explore_url(page_id: int | None) -> str | None:
    return reverse("wagtailadmin_explore", args=[page_id]) if page_id else None


def _join(values: list[str]) -> str:
    return gettext(", ").join(values)


def _docking_activity(today: datetime.date) -> tuple[int, int]:
    """This union's published shared resources, and its approved or used bookings (as requester
    or as publisher) that started in the last year: read from the federation's public tables."""
    if on_portal():
        return 0, 0
    from docking.models import BookingRequest, BookingStatus, SharedResource

    union_id = current_tenant().pk
    published = SharedResource.objects.filter(union_id=union_id, is_published=True).count()
    since = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=365), datetime.time.min)
    )
    used = (
        BookingRequest.objects.filter(
            status__in=[BookingStatus.APPROVED, BookingStatus.COMPLETED], starts_at__gte=since
        )
        .filter(Q(requester_union_id=union_id) | Q(resource__union_id=union_id))
        .count()
    )
    return published, used


def missing_sentence(parts: list[str]) -> str:
    return gettext("Missing: %(parts)s.") % {"parts": _join(parts)}


def home_checklist(*, today: datetime.date | None = None) -> Checklist:
    """Compute the checklist of the current schema's Workers' Home (pure reads, 9 queries).

    ``today`` defaults to the local date; the bulletin's freshness is measured from it. Labels and
    details are in the active language; codes, requirements and statuses are stable. A schema
    without a home page (never provisioned) gets an empty checklist, which is not ``all_ok``.
    """
    today = today or timezone.localdate()
    home = (
        HomePage.objects.annotate(has_photo=Exists(HomePhoto.objects.filter(page=OuterRef("pk"))))
        .order_by("path")
        .first()
    )
    if home is None:
        return Checklist(items=[])
    # The section pages under the home page (rooms, people, rules…): model name -> page id.
    sections: dict[str, int] = {}
    for model_name, page_id in (
        Page.objects.child_of(home).filter(content_type__app_label="cms").order_by("path")
        .values_list("content_type__model", "id")
    ):  # fmt: skip
        sections.setdefault(model_name, page_id)

    def section(model: type[Page]) -> int | None:
        return sections.get(model._meta.model_name or "")

    def section_url(model: type[Page]) -> str | None:
        """The section's edit page, or adding the section under the home page if it was deleted."""
        return _edit_url(section(model)) or _add_url(model, home.pk)

    def child_add_url(section_model: type[Page], model: type[Page]) -> str | None:
        """Adding a page to the section, or first the section itself if it was deleted."""
        return _add_url(model, section(section_model)) or section_url(section_model)

    people = (
        PeoplePage.objects.child_of(home)
        .annotate(
            staff_count=Count("staff"),
            unbadged_count=Count("staff", filter=Q(staff__badge_number="")),
        )
        .order_by("path")
        .first()
    )
    rule_count = RulePage.objects.live().descendant_of(home).count()
    service_duties = list(ServiceItemPage.objects.live().descendant_of(home).values_list("duty", flat=True))
    last_notice = (
        NoticePage.objects.live().descendant_of(home).filter(published_on__lte=today)
        .order_by("-published_on").values_list("published_on", flat=True).first()
    )  # fmt: skip
    rooms = list(
        RoomPage.objects.live()
        .descendant_of(home)
        .order_by("path")
        .values_list("id", "title", "kind", "uses", "equipment")
    )
    brand_count = ServiceBrandPage.objects.live().descendant_of(home).count()
    published_kinds = (
        set()
        if on_portal()
        else set(Procedure.objects.filter(status=Procedure.Status.PUBLISHED).values_list("kind", flat=True))
    )

    items: list[ChecklistItem] = []

    def add(code: str, requirement: str, ok: bool, detail: str, fix_url: str | None) -> None:
        status = Status.DONE if ok else Status.MISSING
        items.append(ChecklistItem(code, requirement, checklist_item_label(code), status, detail, fix_url))

    # 亮牌子: the name plate — where the home is, when it is open, and what it looks like.
    has_picture = bool(home.logo_id or home.has_photo)  # type: ignore[attr-defined]
    lacking = [
        part
        for part, present in (
            (gettext("address"), bool(home.address.strip())),
            (gettext("opening hours"), bool(home.opening_hours.strip())),
            (gettext("a logo or a photo of the place"), has_picture),
        )
        if not present
    ]
    detail = missing_sentence(lacking) if lacking else gettext("The name plate is complete.")
    add("name_plate", "sign", not lacking, detail, _edit_url(home.pk))

    # 亮身份: the chairman publishes a mobile number and an email; staff wear a badge. Once the
    # union has entered its committees (组织建设), the site draws both from them, and so does this.
    people_url = _edit_url(people.pk) if people else section_url(PeoplePage)
    from .selectors import committee_board

    board = committee_board()
    if board is not None:
        chairman = board.get("chairman") or {}
        contact_mobile, contact_email = chairman.get("mobile", ""), chairman.get("email", "")
        holders = [person for group in board["committees"] for person in group["people"]]
        staff_count, unbadged = len(holders), sum(1 for person in holders if not person["badge_number"])
        people_url = reverse("committees:index")
    else:
        contact_mobile = people.chairman_mobile if people else ""
        contact_email = people.chairman_email if people else ""
        staff_count = people.staff_count if people else 0  # type: ignore[attr-defined]
        unbadged = people.unbadged_count if people else 0  # type: ignore[attr-defined]
    lacking = []
    if not contact_mobile:
        lacking.append(gettext("public mobile number"))
    if not contact_email:
        lacking.append(gettext("public email"))
    detail = missing_sentence(lacking) if lacking else gettext("The chairman's contact is published.")
    add("chairman_contact", "identity", not lacking, detail, people_url)

    if not staff_count:
        detail = gettext("List the staff first.")
    elif unbadged:
        detail = ngettext(
            "%(count)d staff member has no badge number.",
            "%(count)d staff members have no badge number.",
            unbadged,
        ) % {"count": unbadged}
    else:
        detail = gettext("Every staff member has a badge number.")
    ok = staff_count > 0 and not unbadged
    add("staff_badges", "identity", ok, detail, people_url)

    # 亮制度: division of work and management rules on the wall.
    if rule_count:
        detail = ngettext("%(count)d rule published.", "%(count)d rules published.", rule_count) % {
            "count": rule_count
        }
    else:
        detail = gettext("No rule is published yet.")
    add("rules_published", "rules", rule_count > 0, detail, child_add_url(RuleIndexPage, RulePage))

    # 亮项目: service items covering the six duties, and a bulletin board updated regularly.
    covered = set(service_duties)
    missing_duties = [str(label) for value, label in ServiceDuty.choices if value not in covered]
    if missing_duties:
        detail = gettext("No service item covers: %(duties)s.") % {"duties": _join(missing_duties)}
    else:
        detail = gettext("All six duties have a service item.")
    fix_url = child_add_url(ServiceIndexPage, ServiceItemPage)
    add("services_published", "services", not missing_duties, detail, fix_url)

    if last_notice is None:
        ok, detail = False, gettext("No notice is published yet.")
    else:
        age = (today - last_notice).days
        ok = age <= BULLETIN_MAX_AGE_DAYS
        detail = ngettext(
            "Last notice published on %(date)s, %(days)d day ago.",
            "Last notice published on %(date)s, %(days)d days ago.",
            age,
        ) % {"date": last_notice.isoformat(), "days": age}
    add("bulletin_updated", "services", ok, detail, child_add_url(BulletinPage, NoticePage))

    # 亮程序: every kind of case has a published procedure (the site and posters chart it).
    unpublished = [str(spec.label) for kind, spec in KINDS.items() if kind not in published_kinds]
    if unpublished:
        detail = gettext("No published procedure yet for: %(kinds)s.") % {"kinds": _join(unpublished)}
    else:
        detail = gettext("Every kind of case has a published procedure.")
    add("procedures_published", "procedures", not unpublished, detail, reverse("procedures:index"))

    # 有场地: at least one room, and the mediation room, stress-relief room and workers' library.
    # With rooms, their listing (declare a use on an existing room: 一室多用); without, a new room.
    rooms_url = _explore_url(section(RoomIndexPage)) if rooms else None
    rooms_url = rooms_url or child_add_url(RoomIndexPage, RoomPage)
    if rooms:
        detail = ngettext("%(count)d room declared.", "%(count)d rooms declared.", len(rooms)) % {
            "count": len(rooms)
        }
    else:
        detail = gettext("No room is declared yet.")
    add("rooms_declared", "venue", bool(rooms), detail, rooms_url)

    served = {kind for _id, _title, main_kind, uses, _eq in rooms for kind in (main_kind, *uses)}
    for code, kind in REQUIRED_ROOMS:
        if kind in served:
            detail = gettext("Declared, as a room's kind or one of its uses.")
        else:
            detail = gettext("No room is this or is also used as this (一室多用 counts).")
        add(code, "venue", kind in served, detail, rooms_url)

    # 有设施: each room lists its equipment.
    bare = [(room_id, title) for room_id, title, _kind, _uses, equipment in rooms if not equipment]
    if not rooms:
        detail = gettext("Declare a room first.")
    elif bare:
        detail = gettext("No equipment listed for: %(rooms)s.") % {"rooms": _join([t for _i, t in bare])}
    else:
        detail = gettext("Every room lists its equipment.")
    fix_url = _edit_url(bare[0][0]) if bare else rooms_url
    add("room_equipment", "facilities", bool(rooms) and not bare, detail, fix_url)

    # 有人员: staff and committee members are listed.
    if staff_count:
        detail = ngettext("%(count)d person listed.", "%(count)d people listed.", staff_count) % {
            "count": staff_count
        }
    else:
        detail = gettext("No staff member is listed yet.")
    add("staff_listed", "staff", staff_count > 0, detail, people_url)

    # 有活动: activities held regularly — at least one in the last three months.
    held = 0
    if not on_portal():
        from tenants.activities.models import Activity

        since = timezone.make_aware(datetime.datetime.combine(today - ACTIVITIES_WINDOW, datetime.time()))
        until = min(timezone.now(), timezone.make_aware(datetime.datetime.combine(today, datetime.time.max)))
        held = Activity.objects.filter(
            status=Activity.Status.PUBLISHED, ends_at__gte=since, ends_at__lte=until
        ).count()
    if held:
        detail = ngettext(
            "%(count)d activity held in the last three months.",
            "%(count)d activities held in the last three months.",
            held,
        ) % {"count": held}
    else:
        detail = gettext("No activity was held in the last three months.")
    fix_url = reverse("activity_admin:add")
    add("activities_held", "activities", held > 0, detail, fix_url)

    # 有品牌: at least one service brand.
    if brand_count:
        detail = ngettext(
            "%(count)d service brand published.", "%(count)d service brands published.", brand_count
        ) % {"count": brand_count}
    else:
        detail = gettext("No service brand is published yet.")
    fix_url = child_add_url(BrandIndexPage, ServiceBrandPage)
    add("service_brand", "brand", brand_count > 0, detail, fix_url)

    # 有对接: the union shares a resource with others or used one of theirs in the last year.
    published, used = _docking_activity(today)
    if published or used:
        detail = gettext(
            "%(published)d shared resource(s) published; %(used)d booking(s) in the last year."
        ) % {
            "published": published,
            "used": used,
        }
    else:
        detail = gettext("Publish a resource to share, or book a resource of a sister union or station.")
    add("docking", "docking", bool(published or used), detail, reverse("docking_mine:index"))
    return Checklist(items=items)


@transaction.atomic
def home_checklist_report(*, today: datetime.date | None = None) -> dict[str, object] | None:
    """Report the home's checklist to the federation as the fact ``home.checklist_counted``.

    The federation's assessment (职工之家建设考核) scores 五亮 and 六有 from it and never reads
    the union's schema. The payload holds only stable codes and states (no labels, no people).
    A schema without a home page reports nothing and returns ``None``.
    """
    from tenants.events.services import event_emit

    checklist = home_checklist(today=today)
    if not checklist.items:
        return None
    payload: dict[str, object] = {
        "items": [
            {"code": item.code, "requirement": item.requirement, "status": item.status, "ok": item.ok}
            for item in checklist.items
        ],
        "done": checklist.done,
        "missing": checklist.missing,
        "total": checklist.total,
    }
    event_emit(name="home.checklist_counted", payload=payload)
    return payload
