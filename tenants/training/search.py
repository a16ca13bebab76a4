"""Training courses in search (技能培训): published courses, dated by their first session so
coming courses rank higher. Drafts and cancelled courses are not documents; enrolments,
attendance and certificates never are."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from search.document_text import join_text, label
from search.registry import SearchDocument, SearchSource, source_register

from .models import Course, CourseSession


def course_document(course: Course) -> SearchDocument | None:
    if course.status != Course.Status.PUBLISHED:
        return None
    first = course.sessions.order_by("starts_at").values_list("starts_at", flat=True).first()
    topics = course.sessions.exclude(topic="").values_list("topic", flat=True)
    place = course.room.title if course.room_id and course.room else course.place
    return SearchDocument(
        title=course.title,
        body=join_text(course.description, *topics),
        url=f"/training/{course.pk}/",
        date=timezone.localdate(first) if first else None,
        keywords=tuple(filter(None, [label(course.get_category_display()), course.teacher, place])),
    )


source_register(SearchSource(
    kind="course", label=_("Training courses"), model=Course, visibility="public",
    document=course_document,
    queryset=lambda: Course.objects.filter(status=Course.Status.PUBLISHED).select_related("room"),
    depends_on={CourseSession: lambda session: [session.course]},
))  # fmt: skip
