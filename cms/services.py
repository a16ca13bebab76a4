"""Writes on the site: the root page and Wagtail ``Site`` of the current schema."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page, Site

from .models import HomePage


@transaction.atomic
def site_root_ensure(*, title: str, hostname: str, rename: bool = True) -> HomePage:
    """Give the current schema one default site rooted at a ``HomePage``; safe to repeat.

    Each schema has its own ``wagtailcore_site`` table, so the one site is the default site and
    answers whatever host reached this schema; the hostname is kept for links Wagtail builds.
    ``rename=False`` leaves an existing home page's title as its editors made it.
    """
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's own migration leaves a "Welcome" page at depth 2; it is replaced.
        for page in Page.objects.filter(depth=2).exclude(content_type__model="homepage"):
            Site.objects.filter(root_page=page).delete()
            page.delete()
        home = root.add_child(instance=HomePage(title=title, slug="home", live=True))
    elif rename and home.title != title:
        # A new union's page is the template's, never edited yet: no revision is needed.
        home.title = home.draft_title = title
        home.save(update_fields=["title", "draft_title"])
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname = hostname
    site.port = 80
    site.site_name = title
    site.root_page = home
    site.save()
    site_sections_ensure(home)
    return home


@transaction.atomic
def site_sections_ensure(home: HomePage) -> list[Page]:
    """Give the home page each section of a Workers' Home site (rooms, people, rules, services,
    bulletin, procedures, brands), published and empty until the union fills them; safe to repeat."""
    from .models import SECTIONS

    sections = []
    for model, slug, title in SECTIONS:
        page = model.objects.child_of(home).first()
        if page is None:
            page = home.add_child(instance=model(title=title, slug=slug, live=True, show_in_menus=True))
        sections.append(page)
    return sections
