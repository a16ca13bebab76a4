"""Published shared resources as public search documents (the search layer imports this file).

The resource's own public text only: never a booking, a contact person's name of a booking or
anything about who booked it. An unpublished resource (or one of a union no longer active) is
removed from the index."""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from search.registry import SearchDocument, SearchSource, source_register

from .models import SharedResource


def resource_document(resource: SharedResource) -> SearchDocument | None:
    if not resource.is_published or (resource.union is not None and resource.union.status != "active"):
        return None
    district = resource.district.name if resource.district is not None else ""
    return SearchDocument(
        title=resource.title,
        body="\n".join(part for part in (resource.description, resource.terms, resource.address) if part),
        url="/resources/?" + urlencode({"kind": resource.kind, "q": resource.title}),
        date=resource.updated_at.date() if resource.updated_at else None,
        keywords=tuple(
            str(word) for word in (resource.get_kind_display(), resource.publisher_name, district) if word
        ),
    )


source_register(
    SearchSource(
        kind="shared_resource",
        label=_("Shared resources"),
        model=SharedResource,
        visibility="public",
        schema="public",
        document=resource_document,
        queryset=lambda: SharedResource.objects.select_related("union", "station", "district"),
    )
)
