"""Federation notices in search (通知公告、政策文件): the federation's shared content, found on
the portal and, after the union's own content, on every union's site.

Only notices addressed to every union and not withdrawn are documents. A notice addressed to
some districts is readable only on those districts' union sites, and a search document carries
no audience, so such a notice would be found where its page answers 404: it is left out until
the search layer can filter public documents by district. Withdrawing a notice removes it.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from search.document_text import label
from search.registry import SearchDocument, SearchSource, source_register

from .models import FederationNotice


def notice_document(notice: FederationNotice) -> SearchDocument | None:
    if notice.withdrawn_at is not None or not notice.to_all:
        return None
    return SearchDocument(
        title=notice.title,
        body=" ".join(notice.body.split()),
        url=f"/notices/{notice.pk}/",
        date=timezone.localdate(notice.published_at),
        keywords=tuple(filter(None, [label(notice.get_kind_display()), notice.attachment_name])),
    )


source_register(SearchSource(
    kind="federation_notice", label=_("Federation notices"), model=FederationNotice, visibility="public",
    document=notice_document, schema="public",
    queryset=lambda: FederationNotice.objects.filter(withdrawn_at__isnull=True, to_all=True),
))  # fmt: skip
