"""The bulk ZIP (files, catalogue, per-item access) and the yearly catalogue in Excel."""

from __future__ import annotations

import io
import zipfile

import pytest
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from tenants.archives.exports import catalogue_workbook
from tenants.archives.models import ArchiveBundle, ArchiveCategory
from tenants.archives.selectors import items_for
from tenants.archives.services import archive_bundle_request, archive_item_delete
from tenants.notifications.models import Notification
from workershome.errors import ServiceError

from .conftest import new_item, pdf, png


def _zip(bundle: ArchiveBundle) -> zipfile.ZipFile:
    with bundle.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def test_a_bundle_holds_the_readable_items_files_and_a_catalogue(
    union_a, people, items, django_capture_on_commit_callbacks
):
    """Given an officer who ticks all three items, when the ZIP is built (by the task, after
    commit), then it holds the public and staff items' files and a catalogue of those two, not the
    chairman's item; the officer is notified with the link."""
    with tenant_context(union_a):
        ids = [item.pk for item in items.values()]
        with django_capture_on_commit_callbacks(execute=True):
            bundle = archive_bundle_request(by=people["officer"], item_ids=ids)
        bundle.refresh_from_db()
        assert bundle.status == ArchiveBundle.Status.READY
        assert bundle.item_count == 2 and bundle.file_count == 3
        archive = _zip(bundle)
        public, staff = items["public"], items["staff"]
        assert sorted(archive.namelist()) == sorted([
            f"{public.number}/制度.pdf", f"{public.number}/公示栏.png", f"{staff.number}/rule.pdf", "目录.xlsx",
        ])  # fmt: skip
        assert archive.read(f"{staff.number}/rule.pdf").startswith(b"%PDF-")
        sheet = load_workbook(io.BytesIO(archive.read("目录.xlsx"))).worksheets[0]
        numbers = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True) if row[1]]
        assert numbers == [public.number, staff.number]
        note = Notification.objects.get(recipient=people["officer"])
        assert note.url == f"/admin/archives/downloads/{bundle.pk}/"


def test_a_bundle_rechecks_access_when_it_is_built(
    union_a, people, items, django_capture_on_commit_callbacks
):
    """Given a bundle requested by the chairman, when the chairman's role is lost before the task
    runs, then the chairman-only item is left out."""
    from django.contrib.auth.models import Group

    with tenant_context(union_a):
        bundle = archive_bundle_request(by=people["chairman"], category="hardship", year=2024)
        assert bundle.item_ids == [items["chairman"].pk]
        chairman = people["chairman"]
        chairman.groups.remove(Group.objects.get(name="chairman"))
        chairman.groups.add(Group.objects.get(name="officer"))
        from tenants.archives.services import archive_bundle_build

        bundle.requested_by = type(chairman).objects.get(pk=chairman.pk)
        built = archive_bundle_build(bundle=bundle)
        assert built.item_count == 0
        assert _zip(built).namelist() == ["目录.xlsx"]


def test_a_member_cannot_ask_for_a_bundle_and_empty_selections_are_refused(union_a, people, items):
    """Given a member, when they ask for a ZIP, then it is refused; staff asking for nothing are told."""
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as refused:
            archive_bundle_request(by=people["member"], item_ids=[items["public"].pk])
        assert refused.value.status == 403
        with pytest.raises(ServiceError) as empty:
            archive_bundle_request(by=people["officer"])
        assert empty.value.code == "archive_bundle_empty"
        with pytest.raises(ServiceError) as none:
            archive_bundle_request(by=people["officer"], item_ids=[items["chairman"].pk])
        assert none.value.code == "archive_bundle_none"
        assert not ArchiveBundle.objects.exists()


def test_the_catalogue_lists_a_year_by_category_with_stable_numbers(union_a, people, media_root):
    """Given 2025 items in three categories, one of them deleted, then the catalogue lists the
    others by category order with their original numbers and counts per category."""
    with tenant_context(union_a):
        rules = new_item(
            people["officer"], category="rules", kind="rule", title="会员管理制度", files=[png()]
        )
        first = new_item(people["officer"], title="第一次会议纪要")
        second = new_item(people["officer"], title="第二次会议纪要")
        org = new_item(people["officer"], category="organisation", kind="document", title="换届选举结果")
        new_item(people["officer"], title="2024年会议纪要", date="2024-06-01")
        archive_item_delete(item=first, by=people["chairman"])
        third = new_item(people["officer"], title="第三次会议纪要", files=[pdf(), pdf("附件.pdf")])
        book = load_workbook(
            io.BytesIO(catalogue_workbook(items=items_for(people["officer"], year=2025), title="目录"))
        )
    rows = [row for row in book.worksheets[0].iter_rows(min_row=3, values_only=True) if row[1]]
    assert [(row[1], row[3]) for row in rows] == [
        (org.number, "换届选举结果"), (rules.number, "会员管理制度"),
        (second.number, "第二次会议纪要"), (third.number, "第三次会议纪要"),
    ]  # fmt: skip
    assert second.number.endswith("-2025-JY-0002") and third.number.endswith("-2025-JY-0003")
    assert rows[3][6] == 2 and rows[0][2] == "组织建设"
    counts = {row[0]: row[1] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    label = {code: str(name) for code, name in ArchiveCategory.choices}
    assert counts[label["minutes"]] == 2 and counts[label["rules"]] == 1 and counts[label["congress"]] == 0
