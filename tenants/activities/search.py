"""Activities in search (文体活动): published activities, past and coming.

A draft is not a document, nor a cancelled activity (its page stays, flagged, but nobody should
find it as something to go to). The date is the day it starts, so coming activities rank
higher. Counselling lectures are activities of kind ``lecture`` and are found here; nothing
else of counselling is ever indexed.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from search.document_text import join_text, label
from search.registry import SearchDocument, SearchSource, source_register

from .models import Activity, Audience


def activity_document(activity: Activity) -> SearchDocument | None:
    if activity.status != Activity.Status.PUBLISHED:
        return None
    place = activity.room.title if activity.room_id and activity.room else activity.place
    return SearchDocument(
        title=activity.title,
        body=join_text(activity.description, activity.summary),
        url=f"/activities/{activity.pk}/",
        date=timezone.localdate(activity.starts_at),
        keywords=tuple(
            filter(
                None, [label(activity.get_kind_display()), place, label(Audience(activity.audience).label)]
            )
        ),
    )


source_register(SearchSource(
    kind="activity", label=_("Activities"), model=Activity, visibility="public",
    document=activity_document,
    queryset=lambda: Activity.objects.filter(status=Activity.Status.PUBLISHED).select_related("room"),
))  # fmt: skip
