"""The roles of a union and of the federation portal, as Django groups in each schema.

Group names are stable English codes (code looks groups up by them); the Chinese labels are
what people see. Provisioning creates them in every union; permissions added by later apps are
granted here so that every union gets them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    label: str | Promise
    # "app_label.codename" permissions; an app that does not exist yet is skipped.
    permissions: tuple[str, ...] = field(default_factory=tuple)
    # Whether the role edits the union's Wagtail site (page permissions on the site root).
    edits_site: bool = False


_ADMIN = "wagtailadmin.access_admin"
_MEMBERSHIP = (
    "membership.view_membershiprequest", "membership.change_membershiprequest",
    # 会员管理: the roster (import, export) and transfers; 组织建设: committees, terms, positions.
    "membership.view_member", "membership.add_member", "membership.change_member",
    "membership.view_membertransfer", "membership.add_membertransfer", "membership.change_membertransfer",
    "committees.view_committee", "committees.add_committee", "committees.change_committee",
    "committees.view_term", "committees.add_term", "committees.change_term",
    "committees.view_position", "committees.add_position", "committees.change_position",
    "committees.delete_position",
)  # fmt: skip
_CASES = ("cases.view_case", "cases.add_case", "cases.change_case")
# 亮程序: the chairman adopts, adapts and publishes procedures; officers read them.
_PROCEDURES_VIEW = ("cases.view_procedure",)
_PROCEDURES = (*_PROCEDURES_VIEW, "cases.change_procedure")
# 合理化建议: campaigns and the proposals filed in them (panelists need no permission: the panel
# itself gives them the proposals to score).
_PROPOSALS = (
    "proposals.view_proposalcampaign", "proposals.add_proposalcampaign",
    "proposals.change_proposalcampaign", "proposals.view_proposal", "proposals.change_proposal",
)  # fmt: skip
_USERS = ("users.view_user", "users.add_user", "users.change_user")
# 主席接待日 and 联系职工: schedules, bookings, the visit log, contact activities and their issues.
_HEARING = (
    "reception.view_receptionschedule", "reception.add_receptionschedule",
    "reception.change_receptionschedule", "reception.view_receptionbooking",
    "reception.change_receptionbooking", "reception.view_receptionvisit", "reception.add_receptionvisit",
    "reception.change_receptionvisit", "contact.view_contactactivity", "contact.add_contactactivity",
    "contact.change_contactactivity", "contact.view_raisedissue", "contact.change_raisedissue",
)  # fmt: skip
# The hotline and SMS platforms' keys: the chairman's alone.
_HEARING_CHAIR = (
    *_HEARING, "contact.view_inboundchannel", "contact.add_inboundchannel", "contact.change_inboundchannel",
)  # fmt: skip
# 文体活动: activities, their sign-ups and waiting lists, attendance, photos and summaries.
_ACTIVITIES = (
    "activities.view_activity", "activities.add_activity", "activities.change_activity",
    "activities.view_activitysignup", "activities.change_activitysignup",
)  # fmt: skip
# 职工书屋: the catalogue, copies, the lending desk, reservations and the lending rules.
_LIBRARY = (
    "library.view_book", "library.add_book", "library.change_book", "library.view_bookcopy",
    "library.add_bookcopy", "library.change_bookcopy", "library.view_loan", "library.add_loan",
    "library.change_loan", "library.view_reservation", "library.change_reservation",
    "library.view_librarysettings", "library.change_librarysettings",
)  # fmt: skip
# 兴趣小组 and 场地预约: the groups (their leaders run them day to day), the rooms' booking setups
# and the bookings officers approve.
_GROUPS_ROOMS = (
    "interest_groups.view_interestgroup", "interest_groups.add_interestgroup",
    "interest_groups.change_interestgroup", "room_booking.view_roombookingrule",
    "room_booking.add_roombookingrule", "room_booking.change_roombookingrule",
    "room_booking.view_roombooking", "room_booking.change_roombooking",
)  # fmt: skip
# 技能培训: courses and their sessions, enrolments and attendance, certificates.
_TRAINING = (
    "training.view_course", "training.add_course", "training.change_course", "training.view_enrolment",
    "training.change_enrolment", "training.view_certificate", "training.add_certificate",
)  # fmt: skip
_MEDIA = (
    "wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image",
    "wagtaildocs.add_document", "wagtaildocs.change_document", "wagtaildocs.choose_document",
)  # fmt: skip

VISITOR = "visitor"

UNION_ROLES: tuple[Role, ...] = (
    Role(
        "chairman",
        _("Chairman"),
        (
            _ADMIN,
            *_MEMBERSHIP,
            *_USERS,
            *_MEDIA,
            *_CASES,
            *_PROCEDURES,
            *_PROPOSALS,
            *_HEARING_CHAIR,
            *_ACTIVITIES,
            *_LIBRARY,
            *_GROUPS_ROOMS,
            *_TRAINING,
        ),
        edits_site=True,
    ),
    Role(
        "officer",
        _("Union officer"),
        (
            _ADMIN,
            *_MEMBERSHIP,
            *_MEDIA,
            *_CASES,
            *_PROCEDURES_VIEW,
            *_PROPOSALS,
            *_HEARING,
            *_ACTIVITIES,
            *_LIBRARY,
            *_GROUPS_ROOMS,
            *_TRAINING,
        ),
        edits_site=True,
    ),
    Role("mediator", _("Mediator"), (_ADMIN, *_CASES)),
    Role("counsellor", _("Counsellor"), (_ADMIN, *_CASES)),
    Role("librarian", _("Librarian"), (_ADMIN, *_MEDIA, *_LIBRARY)),
    Role("editor", _("Site editor"), (_ADMIN, *_MEDIA), edits_site=True),
    Role("member", _("Member")),
    # A worker of another union who signed in here for an activity open to them: a local user
    # with no rights and no membership (``is_member`` is false).
    Role(VISITOR, _("Worker of another union")),
)
PORTAL_ROLES: tuple[Role, ...] = (
    Role("city_admin", _("City federation administrator"), (_ADMIN,), edits_site=True),
    Role("district_admin", _("District federation administrator"), (_ADMIN,)),
    Role("station_staff", _("Service station staff"), (_ADMIN,)),
)
ROLE_LABELS = {role.code: role.label for role in (*UNION_ROLES, *PORTAL_ROLES)}

# Permissions that later apps grant to existing roles, from their ``AppConfig.ready`` (so each
# app keeps its own grants instead of editing the role table above): role code -> permissions.
_GRANTS: dict[str, list[str]] = {}


def role_permissions_grant(role_code: str, *permissions: str) -> None:
    """Grant ``permissions`` ("app_label.codename") to the role ``role_code`` in every union
    (applied by ``role_groups_ensure``, which provisioning and each migrate run). Safe to repeat."""
    if role_code not in ROLE_LABELS:
        raise ValueError(f"unknown role {role_code!r}")
    grants = _GRANTS.setdefault(role_code, [])
    grants.extend(code for code in permissions if code not in grants)


def role_permissions(role: Role) -> tuple[str, ...]:
    """The role's permissions: its own and those later apps granted it."""
    return (*role.permissions, *_GRANTS.get(role.code, ()))


def is_member(user) -> bool:
    """Whether ``user`` belongs to this union: an active local user with any role but
    ``visitor``. Member-only things (filing as a member, proposals, reception bookings, members'
    activities) ask this, never just "signed in"."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    codes = getattr(user, "_role_codes", None)  # shared with tenants.cases.roles.roles_of
    if codes is None:
        codes = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            codes.add("chairman")
        user._role_codes = codes
    return bool(codes - {VISITOR})


def _permissions(codes: tuple[str, ...]) -> list[Permission]:
    wanted = {tuple(code.split(".", 1)) for code in codes}
    return [
        perm
        for perm in Permission.objects.select_related("content_type").filter(
            codename__in={codename for _, codename in wanted}
        )
        if (perm.content_type.app_label, perm.codename) in wanted
    ]


@transaction.atomic
def role_groups_ensure(*, roles: tuple[Role, ...] = UNION_ROLES) -> dict[str, Group]:
    """Create the role groups of the current schema with their permissions; safe to repeat."""
    from wagtail.models import GroupPagePermission, Page, Site

    from cms.media import media_collection_permissions_ensure

    groups: dict[str, Group] = {}
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    site_root = site.root_page if site else Page.get_first_root_node()
    page_permissions = list(
        Permission.objects.filter(
            content_type__app_label="wagtailcore",
            codename__in=("add_page", "change_page", "publish_page", "delete_page"),
        )
    )
    for role in roles:
        group, _created = Group.objects.get_or_create(name=role.code)
        permissions = _permissions(role_permissions(role))
        group.permissions.add(*permissions)
        # Wagtail checks image and document permissions per collection, not on the group itself.
        media_collection_permissions_ensure(group, permissions)
        if role.edits_site and site_root is not None:
            for permission in page_permissions:
                GroupPagePermission.objects.get_or_create(group=group, page=site_root, permission=permission)
        groups[role.code] = group
    return groups
