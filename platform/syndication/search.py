"""Federation notices in search (通知公告、政策文件): the federation's shared content, found on
the portal and, after the union's own content, on every union's site.

Every published notice that is not withdrawn is a document. Its audience is where it was
pushed: a notice to every union is found on the portal and on every union's site; a notice to
chosen districts carries their codes (``SearchDocument.districts``) and is found only on the
sites of those districts' unions, where its page answers (never on the portal, nor on another
district's union site). Withdrawing a notice removes it; changing its districts indexes it again
(``m2m_changed``).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from search.document_text import label
from search.registry import SearchDocument, SearchSource, source_register

from .models import FederationNotice


def notice_document(notice: FederationNotice) -> SearchDocument | None:
    if notice.withdrawn_at is not None:
        return None
    districts: tuple[str, ...] = ()
    if not notice.to_all:
        districts = tuple(sorted(notice.districts.values_list("code", flat=True)))
        if not districts:
            return None  # addressed to nobody
    return SearchDocument(
        title=notice.title,
        body=" ".join(notice.body.split()),
        url=f"/notices/{notice.pk}/",
        date=timezone.localdate(notice.published_at),
        keywords=tuple(filter(None, [label(notice.get_kind_display()), notice.attachment_name])),
        districts=districts,
    )


source_register(SearchSource(
    kind="federation_notice", label=_("Federation notices"), model=FederationNotice, visibility="public",
    document=notice_document, schema="public",
    queryset=lambda: FederationNotice.objects.filter(withdrawn_at__isnull=True),
))  # fmt: skip
