"""Reads for the union's public site: the menu, the theme and what each page shows.

Every selector fetches what its template needs in a fixed number of queries, whatever the
number of rooms, notices or photos: images come with their renditions prefetched, so the
``{% image %}`` tags in the templates cost no query once the renditions exist.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from workershome.tenancy import on_portal

from .models import (
    BrandIndexPage,
    BrandPhoto,
    BulletinPage,
    HomePage,
    NoticePage,
    PeoplePage,
    RoomIndexPage,
    RoomPage,
    RoomPhoto,
    RulePage,
    ServiceBrandPage,
    ServiceDuty,
    ServiceItemPage,
)

HOME_NOTICES = 5
HOME_ROOMS = 6
# The rendition every template asks for an image in, by use; prefetched in one query each.
RENDITIONS = (
    "fill-960x600",  # photos of the place, rooms and brands
    "fill-240x300",  # people's portraits
    "height-96",  # the logo
)


def images() -> QuerySet:
    """Images with the renditions the site's templates use, prefetched."""
    return get_image_model().objects.prefetch_renditions(*RENDITIONS)


def _renditions() -> QuerySet:
    return get_image_model().get_rendition_model().objects.filter(filter_spec__in=RENDITIONS)


def _photos(photo_model: Any) -> Prefetch:
    """Prefetch pages' ``photos`` (an ``Orderable`` with an ``image``) with their images."""
    return Prefetch("photos", queryset=photo_model.objects.select_related("image"))


def _renditions_prefetch(images_: list) -> None:
    """Prefetch the renditions of ``images_`` (of one model, maybe repeated) in one query."""
    unique = {image.pk: image for image in images_ if image is not None}
    if not unique:
        return
    by_image: dict[int, list] = {pk: [] for pk in unique}
    for rendition in _renditions().filter(image_id__in=list(unique)):
        rendition.image = unique[rendition.image_id]  # its alt text reads the image
        by_image[rendition.image_id].append(rendition)
    for image in images_:
        if image is not None:
            image.prefetched_renditions = by_image[image.pk]


# --- Theme and menu ---------------------------------------------------------------------------


def _hex_to_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _rgb_to_hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of white text on ``colour``."""
    return 1.05 / (_luminance(_hex_to_rgb(colour)) + 0.05)


def _mix(rgb: tuple[float, float, float], other: tuple[float, float, float], share: float):
    return tuple(c + (o - c) * share for c, o in zip(rgb, other, strict=True))


@dataclass(frozen=True)
class Theme:
    """A union's colours, made accessible: white text on ``brand`` meets WCAG AA (4.5:1)."""

    brand: str
    brand_dark: str
    brand_tint: str

    @property
    def css(self) -> str:
        return f"--brand:{self.brand};--brand-dark:{self.brand_dark};--brand-tint:{self.brand_tint}"


DEFAULT_COLOUR = "#b71c1c"


def theme_for(colour: str | None) -> Theme:
    """The theme of a union's colour, darkened until white text on it is readable (WCAG AA)."""
    colour = colour if colour and len(colour) == 7 else DEFAULT_COLOUR
    try:
        rgb: tuple[float, float, float] = _hex_to_rgb(colour)
    except ValueError:
        rgb = _hex_to_rgb(DEFAULT_COLOUR)
    black = (0.0, 0.0, 0.0)
    while contrast_with_white(_rgb_to_hex(rgb)) < 4.6:
        rgb = _mix(rgb, black, 0.08)
    return Theme(
        brand=_rgb_to_hex(rgb),
        brand_dark=_rgb_to_hex(_mix(rgb, black, 0.25)),
        brand_tint=_rgb_to_hex(_mix(rgb, (255.0, 255.0, 255.0), 0.92)),
    )


@dataclass(frozen=True)
class SiteChrome:
    """What every page of a union's site shows around its content: colours, logo, menu."""

    theme: Theme
    logo_url: str = ""
    logo_alt: str = ""
    menu: tuple[MenuItem, ...] = ()


@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str
    url_path: str


def site_sections(*, request: HttpRequest | None, home: Page) -> list[Page]:
    """The home page's live children with their content types, once per request.

    The menu and the home page both use them. Content types come joined because django-tenants
    clears Django's content-type cache on every request.
    """
    cached = getattr(request, "_cms_sections", None) if request is not None else None
    if cached is not None and cached[0] == home.pk:
        return cached[1]
    sections = list(home.get_children().live().select_related("content_type"))
    if request is not None:
        request._cms_sections = (home.pk, sections)  # type: ignore[attr-defined]
    return sections


# The parts of the Workers' Home that are apps, not pages: in the menu after the site's sections.
APP_SECTIONS = (
    (_("Activities"), "/activities/"),
    (_("Interest groups"), "/groups/"),
    (_("Training"), "/training/"),
    (_("Workers' library"), "/library/"),
    (_("Room booking"), "/room-booking/"),
    (_("Work plan"), "/plan/"),
    (_("Counselling"), "/counselling/"),
    (_("Archives"), "/archives/"),
)


def site_chrome(*, request: HttpRequest, page: Page | None = None) -> SiteChrome | None:
    """The chrome of the site answering ``request``; ``None`` where no Wagtail site answers.

    The colours and the logo are cached per schema (the cache keys carry it) and per
    publication of the home page, so a new colour or logo shows at once. The menu, the home
    page's live children shown in menus, costs one query, shared with the home page.
    """
    site = Site.find_for_request(request)
    if site is None:
        return None
    root = site.root_page
    stamp = root.last_published_at.timestamp() if root.last_published_at else 0
    key = f"cms:theme:{root.pk}:{stamp}"
    look = cache.get(key)
    if look is None:
        home = page if isinstance(page, HomePage) and page.pk == root.pk else None
        if home is None:
            home = HomePage.objects.filter(pk=root.pk).select_related("logo").first()
        logo_url = logo_alt = ""
        if home is not None and home.logo is not None:
            logo_url = home.logo.get_rendition("height-96").url
            logo_alt = home.logo.title
        look = (theme_for(home.brand_colour if home else None), logo_url, logo_alt)
        cache.set(key, look, 60 * 60 * 24)
    menu = tuple(
        MenuItem(child.title, child.get_url(request) or "", child.url_path)
        for child in site_sections(request=request, home=root)
        if child.show_in_menus
    ) + (() if on_portal() else tuple(MenuItem(str(title), url, url) for title, url in APP_SECTIONS))
    theme, logo_url, logo_alt = look
    return SiteChrome(theme=theme, logo_url=logo_url, logo_alt=logo_alt, menu=menu)


# --- Home page --------------------------------------------------------------------------------

# Sections by their page type, under the names the home page template uses.
SECTION_KEYS = {
    "roomindexpage": "rooms",
    "peoplepage": "people",
    "ruleindexpage": "rules",
    "serviceindexpage": "services",
    "bulletinpage": "bulletin",
    "procedureindexpage": "procedures",
    "brandindexpage": "brands",
}


@dataclass
class HomeOverview:
    """What the home page (亮牌子) shows beside the name plate."""

    photos: list = field(default_factory=list)
    services: list[ServiceItemPage] = field(default_factory=list)
    notices: list[NoticePage] = field(default_factory=list)
    people: PeoplePage | None = None  # read only when the contact comes from it
    contact: ChairmanContact | None = None  # the chairman's public contact (committees or the people page)
    rooms: list[RoomPage] = field(default_factory=list)
    sections: dict[str, Page] = field(default_factory=dict)  # rooms, people, bulletin… (see SECTION_KEYS)


def home_overview(*, home: HomePage, request: HttpRequest | None = None) -> HomeOverview:
    """The name plate's photos, services, current notices, chairman and rooms.

    Nine queries whatever the content (one shared with the menu), so a home page request stays
    within fifteen with Wagtail's own.
    """
    overview = HomeOverview()
    overview.sections = {
        SECTION_KEYS[child.content_type.model]: child
        for child in reversed(site_sections(request=request, home=home))
        if child.content_type.model in SECTION_KEYS
    }
    # The chairman's contact: from the committees when the union has entered them (cached; the
    # people page's row is then not read at all), else from the people page.
    board = committee_board() if "people" in overview.sections else None
    if board is not None:
        photo_id = (board.get("chairman") or {}).get("photo_id")
        photos = (
            {image.pk: image for image in get_image_model().objects.filter(pk=photo_id)} if photo_id else {}
        )
        overview.contact = _contact_from(board, photos)
    elif "people" in overview.sections:
        overview.people = (
            PeoplePage.objects.live()
            .filter(pk=overview.sections["people"].pk)
            .select_related("chairman_photo")
            .first()
        )
        if overview.people is not None:
            overview.contact = _contact_of_page(overview.people, overview.people.chairman_photo)
    if "bulletin" in overview.sections:
        overview.notices = list(_bulletin_of(overview.sections["bulletin"]).current_notices()[:HOME_NOTICES])
    overview.services = list(ServiceItemPage.objects.live().descendant_of(home).order_by("path"))
    # Rooms as text tiles: their photos are on the rooms page (the name plate has its own).
    overview.rooms = list(RoomPage.objects.live().descendant_of(home).order_by("path")[:HOME_ROOMS])
    overview.photos = list(home.photos.all().select_related("image"))
    _renditions_prefetch(
        [photo.image for photo in overview.photos]
        + [overview.contact.chairman_photo if overview.contact else None]
    )
    return overview


def _bulletin_of(section: Page) -> BulletinPage:
    """The bulletin board of a section row, without reading its own table again:
    ``BulletinPage.current_notices`` needs only its place in the tree."""
    if isinstance(section, BulletinPage):
        return section
    return BulletinPage(id=section.pk, path=section.path, depth=section.depth, title=section.title)


# --- Section pages ----------------------------------------------------------------------------


def rooms_of(*, index: RoomIndexPage) -> list[RoomPage]:
    rooms = list(
        RoomPage.objects.live().child_of(index).order_by("path").prefetch_related(_photos(RoomPhoto))
    )
    _renditions_prefetch([photo.image for room in rooms for photo in room.photos.all()[:1]])
    return rooms


def room_photos(*, room: RoomPage) -> list:
    photos = list(room.photos.all().select_related("image"))
    _renditions_prefetch([photo.image for photo in photos])
    return photos


def staff_of(*, people: PeoplePage) -> list:
    """The staff on the identity board, with their photos."""
    staff = list(people.staff.all().select_related("photo"))
    _renditions_prefetch([member.photo for member in staff])
    return staff


def chairman_photo_of(*, people: PeoplePage) -> Any:
    if people.chairman_photo_id is None:
        return None
    return images().filter(pk=people.chairman_photo_id).first()


# --- The identity board (亮身份): from the committees when the union has entered them --------------


@dataclass
class ChairmanContact:
    """The chairman's public contact as the site shows it. Attribute names are the people
    page's, so templates read either source the same way."""

    chairman_name: str = ""
    chairman_mobile: str = ""
    chairman_email: str = ""
    chairman_photo: Any = None
    from_committees: bool = False


@dataclass
class BoardPerson:
    name: str
    role: str
    badge_number: str = ""
    duties: str = ""
    photo: Any = None


@dataclass
class BoardGroup:
    name: str
    term: str
    people: list[BoardPerson] = field(default_factory=list)


@dataclass
class IdentityBoard:
    """What the people page lists: the committees with their positions when committee data
    exists (``from_committees``), otherwise the page's own staff entries as one group."""

    contact: ChairmanContact
    groups: list[BoardGroup] = field(default_factory=list)
    from_committees: bool = False

    @property
    def people(self) -> list[BoardPerson]:
        return [person for group in self.groups for person in group.people]


def committee_board() -> dict | None:
    """The union's committees as the site shows them (cached by the committees app), or ``None``
    when it has none yet, or on the portal, which has no committees."""
    if on_portal():
        return None
    from tenants.committees.selectors import board

    return board()


def _contact_from(board: dict, photos: dict[int, Any]) -> ChairmanContact:
    chairman = board.get("chairman") or {}
    return ChairmanContact(
        chairman_name=chairman.get("name", ""), chairman_mobile=chairman.get("mobile", ""),
        chairman_email=chairman.get("email", ""), chairman_photo=photos.get(chairman.get("photo_id") or 0),
        from_committees=True,
    )  # fmt: skip


def _contact_of_page(people: PeoplePage | None, photo: Any = None) -> ChairmanContact:
    if people is None:
        return ChairmanContact()
    return ChairmanContact(
        chairman_name=people.chairman_name, chairman_mobile=people.chairman_mobile,
        chairman_email=people.chairman_email, chairman_photo=photo,
    )  # fmt: skip


def chairman_contact(*, people: PeoplePage | None) -> ChairmanContact:
    """The chairman's public contact: the union committee's chairman position when committee
    data exists (not duplicated in the page), else the people page's own fields."""
    board = committee_board()
    if board is not None:
        photo_id = (board.get("chairman") or {}).get("photo_id")
        photos = {image.pk: image for image in images().filter(pk=photo_id)} if photo_id else {}
        return _contact_from(board, photos)
    photo = None
    if people is not None and people.chairman_photo_id is not None:
        photo = images().filter(pk=people.chairman_photo_id).first()
    return _contact_of_page(people, photo)


def identity_board(*, people: PeoplePage | None) -> IdentityBoard:
    """The people page's content (亮身份): committees, positions, names, photos, badge numbers and
    the chairman's contact, drawn from the committees when the union has entered them."""
    board = committee_board()
    if board is not None:
        ids = {person["photo_id"] for group in board["committees"] for person in group["people"]}
        chairman_photo = (board.get("chairman") or {}).get("photo_id")
        ids.add(chairman_photo)
        ids.discard(None)
        photos = {image.pk: image for image in images().filter(pk__in=ids)} if ids else {}
        groups = [
            BoardGroup(
                name=group["name"], term=group["term"],
                people=[
                    BoardPerson(name=p["name"], role=p["role_label"], badge_number=p["badge_number"],
                                duties=p["duties"], photo=photos.get(p["photo_id"] or 0))
                    for p in group["people"]
                ],
            )
            for group in board["committees"]
        ]  # fmt: skip
        return IdentityBoard(contact=_contact_from(board, photos), groups=groups, from_committees=True)
    staff = staff_of(people=people) if people is not None else []
    contact = chairman_contact(people=people)
    group = BoardGroup(
        name="", term="",
        people=[BoardPerson(name=m.name, role=m.role, badge_number=m.badge_number, duties=m.duties, photo=m.photo)
                for m in staff],
    )  # fmt: skip
    return IdentityBoard(contact=contact, groups=[group] if staff else [])


@dataclass(frozen=True)
class RuleGroup:
    label: str
    rules: list[RulePage]


def rules_by_category(*, index: Page) -> list[RuleGroup]:
    """The rules under ``index``, division of work first, each group by title."""
    rules = list(RulePage.objects.live().child_of(index).order_by("category", "path"))
    groups = []
    for value, label in RulePage.Category.choices:
        members = [rule for rule in rules if rule.category == value]
        if members:
            groups.append(RuleGroup(label=str(label), rules=members))
    return groups


def services_of(*, index: Page) -> list[ServiceItemPage]:
    return list(ServiceItemPage.objects.live().child_of(index).order_by("path"))


def duties_covered(*, services: list[ServiceItemPage]) -> list[tuple[str, str, bool]]:
    """Each of the six duties, its label and whether a live service item covers it."""
    covered = {service.duty for service in services}
    return [(value, str(label), value in covered) for value, label in ServiceDuty.choices]


def brands_of(*, index: BrandIndexPage) -> list[ServiceBrandPage]:
    brands = list(
        ServiceBrandPage.objects.live().child_of(index).order_by("path").prefetch_related(_photos(BrandPhoto))
    )
    _renditions_prefetch([photo.image for brand in brands for photo in brand.photos.all()[:1]])
    return brands


def brand_photos(*, brand: ServiceBrandPage) -> list:
    photos = list(brand.photos.all().select_related("image"))
    _renditions_prefetch([photo.image for photo in photos])
    return photos


def notice_is_current(*, notice: NoticePage, today: datetime.date | None = None) -> bool:
    from django.utils import timezone

    today = today or timezone.localdate()
    return notice.published_on <= today and not (notice.expires_on and notice.expires_on < today)
