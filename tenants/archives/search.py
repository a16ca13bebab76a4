"""Archive items in the union's staff search (档案管理).

An item is found by its number (档号), title, category, kind and year, by those who may read it
(``permissions.levels_for``): items open to the public or to staff need
``archives.view_archiveitem`` (chairman, officers, editors); chairman-only items need
``archives.delete_archiveitem``, which the chairman alone holds. The staff search is for staff:
members read public items on the site's /archives/ page.

Items of the hardship category (困难帮扶) are found by number, title and category only: their
description may name households.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from search.document_text import join_text, label
from search.registry import SearchDocument, SearchSource, source_register

from .models import AccessLevel, ArchiveCategory, ArchiveItem

_PERMISSION_BY_ACCESS: dict[str, str] = {
    AccessLevel.PUBLIC: "archives.view_archiveitem",
    AccessLevel.STAFF: "archives.view_archiveitem",
    AccessLevel.CHAIRMAN: "archives.delete_archiveitem",
}
#: Categories whose descriptions stay out of search (they may name people in hardship).
_TITLE_ONLY = {ArchiveCategory.HARDSHIP}


def archive_document(item: ArchiveItem) -> SearchDocument | None:
    permission = _PERMISSION_BY_ACCESS.get(item.access)
    if permission is None:
        return None
    description = "" if item.category in _TITLE_ONLY else item.description
    return SearchDocument(
        title=item.title,
        body=join_text(item.number, description),
        url=f"/admin/archives/{item.pk}/",
        date=item.date,
        keywords=(
            item.number,
            label(item.get_category_display()),
            label(item.get_kind_display()),
            str(item.year),
        ),
        permission=permission,
    )


source_register(SearchSource(
    kind="archive", label=_("Archives"), model=ArchiveItem, visibility="staff",
    document=archive_document, queryset=lambda: ArchiveItem.objects.all(),
))  # fmt: skip
