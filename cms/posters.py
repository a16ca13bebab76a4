"""Wall posters (上墙): print-ready PDFs of the five displays, on A3 or A4.

The federation asks every Workers' Home to put its sign, its people, its rules, its services and
each service's procedure "on the wall" (五亮). :func:`poster_pdf` renders any of them from the
union's published site, so the wall and the website say the same thing:

- ``nameplate`` (亮牌子): the union's name, address, opening hours, logo and a QR code to its site;
- ``identity`` (亮身份): the staff board with the chairman's public mobile number and email;
- ``rule`` (亮制度): one rule, with its category, date in force, version and text;
- ``services`` (亮项目): the service items: what, for whom, when, where, how to ask;
- ``procedures`` (亮程序): each service's procedure flowchart. Procedures are defined by the case
  modules: a flowchart comes from a ``procedure_flowchart_svg`` Wagtail hook (see
  :func:`procedure_flowchart_svg`); a service without one is listed as "not yet published", never
  given an invented procedure.

HTML templates under ``cms/templates/cms/posters/`` are laid out by WeasyPrint, which embeds the
subset of each font it uses. The Chinese font comes from the system (Debian's ``fonts-noto-cjk``,
found through fontconfig); WeasyPrint itself needs Debian's Pango. Images travel inside the HTML as
``data:`` URIs and nothing else is fetched, so a poster never reads a file or a URL it was not
given.
"""

from __future__ import annotations

import base64
import functools
import logging
import mimetypes
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

import segno
from django.db import connection, models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Page

from tenants.registry.services import union_url
from workershome.errors import ServiceError

from .models import HomePage, PeoplePage, RulePage, ServiceItemPage, StaffMember

logger = logging.getLogger(__name__)

KINDS: tuple[str, ...] = ("nameplate", "identity", "rule", "services", "procedures")
# Kinds that print one page of the site, and the page type they take.
PAGE_KINDS: dict[str, type[Page]] = {"rule": RulePage, "procedures": ServiceItemPage}
KIND_LABELS: dict[str, str | Promise] = {
    "nameplate": _("Name plate"),
    "identity": _("Identity board"),
    "rule": _("Rule"),
    "services": _("Service items"),
    "procedures": _("Service procedures"),
}


@dataclass(frozen=True)
class PaperSize:
    """An ISO 216 sheet, portrait, and the scale its type is set at (A4 = 1)."""

    name: str
    width_mm: int
    height_mm: int
    scale: float

    @property
    def points(self) -> tuple[float, float]:
        return self.width_mm * 72 / 25.4, self.height_mm * 72 / 25.4


SIZES: dict[str, PaperSize] = {
    "A3": PaperSize("A3", 297, 420, 1.414),
    "A4": PaperSize("A4", 210, 297, 1.0),
}
DEFAULT_SIZE = "A3"

# Chinese typefaces in order of preference; the Noto CJK fonts are Debian's fonts-noto-cjk.
SANS = '"Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei", sans-serif'
SERIF = '"Noto Serif CJK SC", "Source Han Serif SC", "Noto Serif SC", ' + SANS
FLOWCHART_HOOK = "procedure_flowchart_svg"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_DEFAULT_COLOUR = "#b71c1c"


class PosterError(ServiceError):
    """A poster that cannot be made from what was asked: the view answers with ``status``."""


class PosterUnavailable(PosterError):
    """The server lacks what PDF rendering needs (Pango or a Chinese font)."""

    status = 503


def paper_size(size: str | None) -> PaperSize:
    """The sheet named ``size`` ("A3" or "A4", any case); ``None`` or "" is the default, A3."""
    key = (size or DEFAULT_SIZE).strip().upper()
    if key not in SIZES:
        raise PosterError(
            "bad_size",
            _("Unknown paper size “%(size)s”: choose A3 or A4."),
            params={"size": str(size)[:20]},
            field="size",
        )
    return SIZES[key]


def poster_pdf(*, kind: str, size: str = DEFAULT_SIZE, page: Page | None = None) -> bytes:
    """The PDF of the ``kind`` poster of the current union, on ``size`` paper.

    ``page`` is the rule for ``rule`` (required) and, optionally, the one service for
    ``procedures``; it must be a live page of the current schema. Raises :class:`PosterError`
    for an unknown kind or size or a missing or wrong page.
    """
    paper = paper_size(size)
    if kind not in KINDS:
        raise PosterError(
            "unknown_kind", _("There is no poster “%(kind)s”."), params={"kind": str(kind)[:40]}, status=404
        )
    page_type = PAGE_KINDS.get(kind)
    if page is not None:
        page = page.specific
        if page_type is None or not isinstance(page, page_type):
            raise PosterError("wrong_page", _("This page cannot be printed as that poster."), status=404)
        if not page.live:
            raise PosterError("page_not_live", _("Only published pages are printed as posters."), status=404)
    elif kind == "rule":
        raise PosterError("page_required", _("Choose the rule to print."), status=404)

    context = {**_common_context(paper), **_CONTEXTS[kind](page)}
    html = render_to_string(f"cms/posters/{kind}.html", context)
    return html_to_pdf(html)


def html_to_pdf(html: str) -> bytes:
    """Lay out ``html`` with WeasyPrint; only ``data:`` URIs are ever fetched."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except OSError as exc:  # Pango is missing: WeasyPrint cannot load its libraries.
        logger.error("WeasyPrint cannot load: %s", exc)
        raise PosterUnavailable(
            "pdf_unavailable", _("Posters cannot be printed on this server: Pango is not installed.")
        ) from exc
    cjk_fonts_check()
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


@functools.cache
def cjk_font_families() -> tuple[str, ...]:
    """The Chinese font families fontconfig knows (empty when ``fc-list`` is missing)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    result = subprocess.run(
        [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=30, check=False
    )
    return tuple(sorted({line.split(",")[0].strip() for line in result.stdout.splitlines() if line.strip()}))


def cjk_fonts_check() -> None:
    """Refuse to print Chinese posters without a Chinese font (they would show empty boxes)."""
    if shutil.which("fc-list") is not None and not cjk_font_families():
        raise PosterUnavailable(
            "no_cjk_font",
            _("Posters cannot be printed on this server: no Chinese font is installed (fonts-noto-cjk)."),
        )


def procedure_flowchart_svg(service: ServiceItemPage) -> str | None:
    """The published flowchart of ``service``'s procedure as SVG text, or ``None``.

    Procedures belong to the case modules: a module that publishes one registers a Wagtail hook
    ``procedure_flowchart_svg`` taking the service page and returning SVG text or ``None``;
    the first SVG returned is placed on the poster.
    """
    for provider in hooks.get_hooks(FLOWCHART_HOOK):
        svg = provider(service)
        if svg:
            return svg
    return None


def qr_svg_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG ``data:`` URI (vector: sharp at any print size)."""
    return segno.make(url, error="m", micro=False).svg_data_uri(border=0, dark="#000", light="#fff")


# --- context of each poster --------------------------------------------------------------------


def _data_uri(content: bytes, filename: str) -> str:
    mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _image_uri(image, spec: str = "max-1200x1200") -> str | None:
    """A Wagtail image, scaled for print, as a ``data:`` URI; ``None`` if it cannot be read."""
    if image is None:
        return None
    try:
        rendition = image.get_rendition(spec)
        with rendition.file.open("rb") as file:
            return _data_uri(file.read(), rendition.file.name)
    except Exception:  # a missing or broken file must not stop the poster
        logger.warning("Image %s left off a poster", image.pk, exc_info=True)
        return None


def _home() -> HomePage | None:
    return HomePage.objects.live().first() or HomePage.objects.first()


def _union() -> Any:
    """The union of the current schema (``connection.tenant``), or ``None``."""
    return getattr(connection, "tenant", None)


def _site_url() -> str:
    """The union's public address, which the name plate's QR code opens."""
    union = _union()
    return union_url(union) if union is not None and union.primary_host else ""


def _union_name(home: HomePage | None) -> str:
    union = _union()
    return (union.name if union is not None else "") or (home.title if home else "")


def _common_context(paper: PaperSize) -> dict[str, Any]:
    home = _home()
    colour = home.brand_colour if home and _COLOUR.match(home.brand_colour or "") else _DEFAULT_COLOUR
    site_url = _site_url()
    union_name = _union_name(home)
    return {
        "paper": paper,
        "scale": paper.scale,
        # Type is set in rem against this root size, so an A3 sheet is an A4 one enlarged.
        "base_pt": round(11 * paper.scale, 2),
        "margin_mm": round(12 * paper.scale, 1),
        "body_height_mm": round(paper.height_mm - 2 * 12 * paper.scale - 0.5, 1),
        "colour": colour,
        "sans": SANS,
        "serif": SERIF,
        "union_name": union_name,
        "site_url": site_url,
        "home": home,
        "printed_on": timezone.localdate(),
    }


def _field_label(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.verbose_name)


def _name_layout(name: str, *, line_rem: float = 38.0, largest_rem: float = 3.6) -> tuple[float, int]:
    """The type size (rem) and characters per line that set ``name`` on one line, or on two
    even lines when long, so that no line ends with a lone character."""
    length = max(len(name), 1)
    per_line = length if length <= 16 else -(-length // 2)
    return round(min(largest_rem, line_rem / per_line), 2), per_line


def _nameplate(page: Page | None) -> dict[str, Any]:
    home = _home()
    site_url = _site_url()
    name_rem, name_chars = _name_layout(_union_name(home))
    return {
        "name_rem": name_rem,
        "name_em_width": name_chars + 0.5,
        "logo_uri": _image_uri(home.logo if home else None, "max-800x800"),
        "qr_uri": qr_svg_data_uri(site_url) if site_url else None,
        "address_label": _field_label(HomePage, "address"),
        "hours_label": _field_label(HomePage, "opening_hours"),
    }


def _identity(page: Page | None) -> dict[str, Any]:
    from .selectors import identity_board

    # The committees' board when the union has entered its committees, else the page's own staff.
    board = identity_board(people=PeoplePage.objects.live().first())
    staff = [
        {"member": person, "photo_uri": _image_uri(person.photo, "fill-300x400")} for person in board.people
    ]
    return {
        "people": board.contact,
        "chairman_photo_uri": _image_uri(board.contact.chairman_photo, "fill-300x400"),
        "staff": staff,
        "badge_label": _field_label(StaffMember, "badge_number"),
    }


def _rule(page: Page | None) -> dict[str, Any]:
    assert isinstance(page, RulePage)
    return {
        "rule": page,
        "category_label": _field_label(RulePage, "category"),
        "in_force_label": _field_label(RulePage, "in_force_from"),
        "version_label": _field_label(RulePage, "version"),
    }


def _services(page: Page | None) -> dict[str, Any]:
    return {"services": list(ServiceItemPage.objects.live().order_by("path")), **_service_labels()}


def _service_labels() -> dict[str, str]:
    return {
        f"{name}_label": _field_label(ServiceItemPage, name)
        for name in ("summary", "for_whom", "when", "where", "how_to_ask")
    }


def _procedures(page: Page | None) -> dict[str, Any]:
    services = (
        [page] if isinstance(page, ServiceItemPage) else ServiceItemPage.objects.live().order_by("path")
    )
    charted, unpublished = [], []
    for service in services:
        svg = procedure_flowchart_svg(service)
        if svg:
            charted.append({"service": service, "flowchart_uri": _data_uri(svg.encode("utf-8"), "chart.svg")})
        else:
            unpublished.append(service)
    return {
        "charted": charted, "unpublished": unpublished, "single": page is not None, **_service_labels(),
    }  # fmt: skip


_CONTEXTS = {
    "nameplate": _nameplate,
    "identity": _identity,
    "rule": _rule,
    "services": _services,
    "procedures": _procedures,
}


def poster_filename(*, kind: str, size: str, page: Page | None = None) -> str:
    """An ASCII file name for the download, e.g. ``nameplate-A3.pdf`` or ``rule-42-A4.pdf``."""
    suffix = f"-{page.pk}" if page is not None else ""
    return f"{kind}{suffix}-{paper_size(size).name}.pdf"
