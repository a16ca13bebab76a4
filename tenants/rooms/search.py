"""The home's rooms in search (有场地、有设施): a room page with its kind, the uses it also
serves (一室多用), its equipment and whether it can be booked on the site.

The room is the website's ``cms.RoomPage``; its booking setup lives here, so a change to the
setup reindexes the room (``depends_on``). A room whose page is not live or is private is not a
document.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cms.models import EquipmentKind, RoomKind, RoomPage
from cms.search import page_is_public, page_url
from search.document_text import join_text, label, rich_text_plain
from search.registry import SearchDocument, SearchSource, source_register

from .models import RoomBookingRule


def room_document(room: RoomPage) -> SearchDocument | None:
    if not page_is_public(room):
        return None
    uses = [label(RoomKind(kind).label) for kind in room.all_kinds if kind in RoomKind.values]
    equipment = [label(EquipmentKind(kind).label) for kind in room.equipment if kind in EquipmentKind.values]
    rule = RoomBookingRule.objects.filter(room=room, bookable=True).first()
    keywords = [*uses, *equipment]
    if rule is not None:
        keywords.append(label(RoomBookingRule._meta.get_field("bookable").verbose_name))
    return SearchDocument(
        title=room.title,
        body=join_text(room.location, room.hours, room.equipment_notes, rich_text_plain(room.description)),
        url=page_url(room),
        keywords=tuple(keywords),
    )


source_register(SearchSource(
    kind="room", label=_("Rooms"), model=RoomPage,
    visibility="public", document=room_document, queryset=lambda: RoomPage.objects.live(),
    depends_on={RoomBookingRule: lambda rule: [rule.room]},
))  # fmt: skip
