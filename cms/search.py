"""What of a union's website can be found by search: its published, public pages.

The home page (亮牌子), rules (亮制度), service items (亮项目), notices and activity news on the
bulletin board, and service brands. Rooms are registered by ``tenants.rooms`` (which adds
whether a room can be booked); procedures by ``tenants.cases``.

A page is a document only while it is live and public: a draft, an unpublished page, a page
under a Wagtail privacy restriction (password, signed-in users or groups), an expired notice or
one not yet due returns ``None``, and the search layer removes it from the index.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from search.document_text import join_text, label, rich_text_plain
from search.registry import SearchDocument, SearchSource, source_register

from .models import HomePage, NoticePage, RulePage, ServiceBrandPage, ServiceDuty, ServiceItemPage


def page_is_public(page: Page) -> bool:
    """Live, and readable by anyone: no privacy restriction on it or above it."""
    return bool(page.live) and not page.get_view_restrictions().exists()


def page_url(page: Page) -> str:
    return page.get_url() or page.url_path or ""


def _published_on(page: Page) -> datetime.date | None:
    moment = page.first_published_at or page.last_published_at
    return timezone.localdate(moment) if moment else None


def home_document(page: HomePage) -> SearchDocument | None:
    if not page_is_public(page):
        return None
    return SearchDocument(
        title=page.title, body=join_text(rich_text_plain(page.intro), page.address, page.directions),
        url=page_url(page), keywords=tuple(filter(None, [page.opening_hours])),
    )  # fmt: skip


def rule_document(page: RulePage) -> SearchDocument | None:
    if not page_is_public(page):
        return None
    return SearchDocument(
        title=page.title, body=rich_text_plain(page.body), url=page_url(page), date=page.in_force_from,
        keywords=tuple(filter(None, [label(page.get_category_display()), page.version])),
    )  # fmt: skip


def service_document(page: ServiceItemPage) -> SearchDocument | None:
    if not page_is_public(page):
        return None
    body = join_text(page.summary, page.for_whom, page.when, page.where, rich_text_plain(page.how_to_ask))
    return SearchDocument(
        title=page.title, body=body, url=page_url(page), date=_published_on(page),
        keywords=(label(ServiceDuty(page.duty).label),) if page.duty in ServiceDuty.values else (),
    )  # fmt: skip


def bulletin_document(page: NoticePage) -> SearchDocument | None:
    """A notice or activity news on the bulletin board, while the board shows it (published on
    or before today, not expired)."""
    today = timezone.localdate()
    if not page_is_public(page) or page.published_on > today or (page.expires_on and page.expires_on < today):
        return None
    return SearchDocument(
        title=page.title, body=rich_text_plain(page.body), url=page_url(page), date=page.published_on,
        keywords=(label(page.get_kind_display()),),
    )  # fmt: skip


def brand_document(page: ServiceBrandPage) -> SearchDocument | None:
    if not page_is_public(page):
        return None
    keywords = [label(ServiceDuty(page.duty).label)] if page.duty in ServiceDuty.values else []
    return SearchDocument(
        title=page.title, body=join_text(rich_text_plain(page.story), rich_text_plain(page.results)),
        url=page_url(page), date=_published_on(page), keywords=tuple(keywords),
    )  # fmt: skip


source_register(SearchSource(
    kind="home", label=_("Workers' Home"), model=HomePage, visibility="public",
    document=home_document, queryset=lambda: HomePage.objects.all(),
))  # fmt: skip
source_register(SearchSource(
    kind="rule", label=_("Rules"), model=RulePage, visibility="public",
    document=rule_document, queryset=lambda: RulePage.objects.live(),
))  # fmt: skip
source_register(SearchSource(
    kind="service", label=_("Services"), model=ServiceItemPage, visibility="public",
    document=service_document, queryset=lambda: ServiceItemPage.objects.live(),
))  # fmt: skip
source_register(SearchSource(
    kind="bulletin", label=_("Bulletin board"), model=NoticePage, visibility="public",
    document=bulletin_document, queryset=lambda: NoticePage.objects.live(),
))  # fmt: skip
source_register(SearchSource(
    kind="brand", label=_("Service brands"), model=ServiceBrandPage, visibility="public",
    document=brand_document, queryset=lambda: ServiceBrandPage.objects.live(),
))  # fmt: skip
