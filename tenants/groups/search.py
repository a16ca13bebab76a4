"""Interest groups in search (兴趣小组): every active group, with its hobby as a keyword, so a
worker searching 篮球 finds the basketball group. An inactive group is no longer on the site
and not a document. Posts and members are never indexed (they are for the group's members)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from search.document_text import label
from search.registry import SearchDocument, SearchSource, source_register

from .models import InterestGroup


def group_document(group: InterestGroup) -> SearchDocument | None:
    if not group.active:
        return None
    keywords = [label(group.get_kind_display())]
    if group.open_to_join:
        keywords.append(label(InterestGroup._meta.get_field("open_to_join").verbose_name))
    return SearchDocument(
        title=group.name, body=group.description, url=group.get_absolute_url(), keywords=tuple(keywords)
    )


source_register(SearchSource(
    kind="interest_group", label=_("Interest groups"), model=InterestGroup, visibility="public",
    document=group_document, queryset=lambda: InterestGroup.objects.filter(active=True),
))  # fmt: skip
