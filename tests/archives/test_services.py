"""Filing items: upload checks, item numbers, retention dates, access levels, activity summaries,
the yearly report to the federation."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from tenants.archives.models import ArchiveItem, ArchiveSequence
from tenants.archives.permissions import items_readable_by
from tenants.archives.selectors import items_due_for_review
from tenants.archives.services import (
    archive_file_add,
    archive_item_delete,
    archive_item_update,
    archive_year_report,
    fonds_prefix,
    review_date,
)
from tenants.events.models import OutboxEvent
from workershome.errors import ServiceError

from .conftest import new_item, pdf, png


def test_a_program_renamed_pdf_is_refused_and_nothing_is_saved(union_a, people, media_root):
    """Given an .exe renamed .pdf, when it is filed, then it is refused and no item, number or file is left."""
    exe = SimpleUploadedFile("制度.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200)
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as refused:
            new_item(people["officer"], files=[png(), exe])
        assert refused.value.code == "archive_file_content"
        assert not ArchiveItem.objects.exists()
        assert not ArchiveSequence.objects.filter(last__gt=0).exists()
    assert not list(media_root.rglob("*.pdf"))


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("setup.exe", b"MZ" + b"\x00" * 100), "archive_file_type"),
        (SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo"), "archive_file_content"),
        (SimpleUploadedFile("clip.mp4", b"\x00" * 64), "archive_file_content"),
        (SimpleUploadedFile("old.doc", b"PK\x03\x04" + b"\x00" * 64), "archive_file_content"),
        (SimpleUploadedFile("empty.pdf", b""), "archive_file_empty"),
    ],
)
def test_uploads_of_the_wrong_kind_are_refused(union_a, people, media_root, upload, code):
    """Given a file whose type or content is wrong, when it is filed, then it is refused by code."""
    with tenant_context(union_a), pytest.raises(ServiceError) as refused:
        new_item(people["officer"], files=[upload])
    assert refused.value.code == code


def test_an_oversize_file_is_refused_with_the_limit_in_the_message(union_a, people, media_root, settings):
    """Given a 1 MB limit, when a 2 MB PDF is filed, then it is refused naming the limit."""
    settings.ARCHIVES_MAX_FILE_MB = 1
    big = SimpleUploadedFile("大文件.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    with tenant_context(union_a), pytest.raises(ServiceError) as refused:
        new_item(people["officer"], files=[big])
    assert refused.value.code == "archive_file_too_large"
    assert "1 MB" in str(refused.value.message)


def test_videos_and_office_files_with_real_content_are_accepted(union_a, people, media_root):
    """Given an MP4 with its ftyp box and a .docx (a ZIP), when filed, then both are kept with their types."""
    mp4 = SimpleUploadedFile("运动会.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)
    docx = SimpleUploadedFile("总结.docx", b"PK\x03\x04" + b"\x00" * 100)
    with tenant_context(union_a):
        item = new_item(people["officer"], kind="video", files=[mp4, docx])
        assert sorted(item.files.values_list("content_type", flat=True)) == [
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "video/mp4",
        ]  # fmt: skip
        assert all(f.file.name.startswith("private/archives/") for f in item.files.all())


def test_item_numbers_follow_the_scheme_and_are_never_reused(union_a, people, media_root):
    """Given two minutes of 2025, when the second is deleted and a third filed, then the third gets 0003."""
    with tenant_context(union_a):
        first, second = new_item(people["officer"]), new_item(people["officer"])
        other = new_item(people["officer"], category="rules", kind="rule")
        assert first.number == f"{fonds_prefix()}-2025-JY-0001" and fonds_prefix() == union_a.short_name
        assert first.number.endswith("-2025-JY-0001") and second.number.endswith("-2025-JY-0002")
        assert other.number.endswith("-2025-ZD-0001")
        archive_item_delete(item=second, by=people["chairman"])
        third = new_item(people["officer"])
        assert third.number.endswith("-2025-JY-0003")
        first.refresh_from_db()
        assert first.number.endswith("-2025-JY-0001")
        assert new_item(people["officer"], date="2024-05-01").number.endswith("-2024-JY-0001")


def test_only_the_chairman_removes_items(union_a, people, media_root):
    """Given an officer, when they try to delete an item, then it is refused and the item stays."""
    with tenant_context(union_a):
        item = new_item(people["officer"])
        with pytest.raises(ServiceError) as refused:
            archive_item_delete(item=item, by=people["officer"])
        assert refused.value.status == 403
        assert ArchiveItem.objects.filter(pk=item.pk).exists()


def test_retention_dates_count_from_the_year_after(union_a, people, media_root):
    """Given items of 2014 (10 years), 2025 (30 years) and a permanent one, then their review dates
    are 2025-01-01, 2056-01-01 and none; the 2014 item is due for review in 2025."""
    assert review_date(date=datetime.date(2014, 6, 30), retention="10") == datetime.date(2025, 1, 1)
    assert review_date(date=datetime.date(2025, 12, 31), retention="30") == datetime.date(2056, 1, 1)
    assert review_date(date=datetime.date(2025, 1, 1), retention="permanent") is None
    with tenant_context(union_a):
        old = new_item(people["officer"], date="2014-06-30")
        new_item(people["officer"], retention="30")
        new_item(people["officer"], retention="permanent")
        assert old.review_on == datetime.date(2025, 1, 1)
        due = list(items_due_for_review(day=datetime.date(2025, 1, 1)))
        assert due == [old]
        assert list(items_due_for_review(day=datetime.date(2024, 12, 31))) == []
        updated = archive_item_update(
            item=old, title=old.title, date=old.date, kind=old.kind, retention="permanent", access="staff",
            by=people["officer"],
        )  # fmt: skip
        assert updated.review_on is None


def test_an_item_cannot_move_to_another_year(union_a, people, media_root):
    """Given an item numbered in 2025, when its date is changed to 2024, then it is refused."""
    with tenant_context(union_a):
        item = new_item(people["officer"])
        with pytest.raises(ServiceError) as refused:
            archive_item_update(
                item=item, title="x", date="2024-01-01", kind="minutes", retention="10", access="staff",
                by=people["officer"],
            )  # fmt: skip
        assert refused.value.code == "archive_year_fixed"


def test_access_levels(union_a, people, items):
    """Given public, staff and chairman items, then a member reads the public one, an officer two,
    the chairman all three; an officer cannot file a chairman-only item."""
    with tenant_context(union_a):
        readable = {name: set(items_readable_by(user)) for name, user in people.items()}
        assert readable["member"] == {items["public"]}
        assert readable["officer"] == {items["public"], items["staff"]}
        assert readable["chairman"] == set(items.values())
        with pytest.raises(ServiceError) as refused:
            new_item(people["officer"], access="chairman")
        assert refused.value.code == "archive_access_chairman"
        with pytest.raises(ServiceError):
            new_item(people["member"], access="public")
        with pytest.raises(ServiceError):
            archive_file_add(item=items["chairman"], upload=pdf(), by=people["officer"])


def test_filing_emits_counted_facts_and_the_yearly_report_only_when_it_changes(union_a, people, media_root):
    """Given items of 2025, when the year is reported twice, then one fact; a new category reports again."""
    with tenant_context(union_a):
        OutboxEvent.objects.all().delete()
        new_item(people["officer"])
        archived = OutboxEvent.objects.get(name="archives.item_archived")
        assert archived.payload == {
            "category": "minutes",
            "kind": "minutes",
            "year": 2025,
            "files": 1,
            "count": 1,
        }
        report = archive_year_report(year=2025)
        archive_year_report(year=2025)
        facts = OutboxEvent.objects.filter(name="archives.year_reported")
        assert facts.count() == 1
        assert facts.get().payload["categories"] == ["minutes"]
        assert "organisation" in facts.get().payload["missing"] and report.complete is False
        for category in ("organisation", "democracy", "congress", "rules", "activities"):
            new_item(people["officer"], category=category, kind="document")
        assert archive_year_report(year=2025).complete is True
        assert facts.count() == 2 and facts.order_by("occurred_at").last().payload["complete"] is True
