"""档案管理 in the union's admin: filing with type and size checks, the item page and its files,
removal by the chairman only, the catalogue export, archiving an activity's summary, bulk
downloads, and nothing of union A through union B's admin."""

from __future__ import annotations

import datetime
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from tenants.archives.models import ArchiveBundle, ArchiveItem
from tests.factories import make_person

from .conftest import pdf, png, signed_in


def _form(**overrides):
    values = {
        "category": "notices", "kind": "notice", "title": "关于开展读书月活动的通知", "date": "2025-04-01",
        "retention": "10", "access": "public", "description": "四月为职工读书月。",
    }  # fmt: skip
    values.update(overrides)
    return values


def test_filing_refuses_a_renamed_program_and_keeps_several_files(union_a, client_for, people, media_root):
    """Given an officer, when they file an .exe renamed .pdf, then the form shows the refusal and
    nothing is saved; with a PDF and a photo, then the item is filed with both files."""
    client = signed_in(client_for(union_a), people["officer"])
    assert client.get("/admin/archives/new/").status_code == 200
    exe = SimpleUploadedFile("通知.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    refused = client.post("/admin/archives/new/", {**_form(), "files": [exe]})
    assert refused.status_code == 400
    assert "文件内容与扩展名不符" in refused.content.decode()
    with tenant_context(union_a):
        assert not ArchiveItem.objects.exists()
    done = client.post("/admin/archives/new/", {**_form(), "files": [pdf("通知.pdf"), png("海报.png")]})
    assert done.status_code == 302
    with tenant_context(union_a):
        item = ArchiveItem.objects.get()
        assert item.files.count() == 2 and item.number.endswith("-2025-TZ-0001")
        archive_file = item.files.first()
    assert client.get(done["Location"]).status_code == 200
    assert client.get(f"/admin/archives/{item.pk}/files/{archive_file.pk}/").status_code == 200
    listing = client.get("/admin/archives/?category=notices&year=2025").content.decode()
    assert item.number in listing


def test_an_oversize_upload_is_refused_on_the_form(union_a, client_for, people, media_root, settings):
    """Given a 1 MB limit, when a 2 MB photo-named file is added to an item, then 400 with the limit."""
    settings.ARCHIVES_MAX_FILE_MB = 1
    client = signed_in(client_for(union_a), people["officer"])
    big = SimpleUploadedFile("大图.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    response = client.post("/admin/archives/new/", {**_form(), "files": [big]})
    assert response.status_code == 400 and "1 MB" in response.content.decode()


def test_staff_see_their_levels_and_only_the_chairman_removes(union_a, client_for, people, items):
    """Given the three items, an officer opens the staff one, gets 404 on the chairman's and cannot
    remove; the chairman removes one; a member has no archives admin."""
    officer = signed_in(client_for(union_a), people["officer"])
    assert officer.get(f"/admin/archives/{items['staff'].pk}/").status_code == 200
    assert officer.get(f"/admin/archives/{items['chairman'].pk}/").status_code == 404
    assert "困难职工帮扶资金审批表" not in officer.get("/admin/archives/").content.decode()
    assert officer.post(f"/admin/archives/{items['staff'].pk}/", {"action": "delete"}).status_code == 400
    chairman = signed_in(client_for(union_a), people["chairman"])
    assert chairman.post(f"/admin/archives/{items['staff'].pk}/", {"action": "delete"}).status_code == 302
    with tenant_context(union_a):
        assert not ArchiveItem.objects.filter(pk=items["staff"].pk).exists()
    member = signed_in(client_for(union_a), people["member"])
    assert member.get("/admin/archives/").status_code in (302, 404)


def test_the_catalogue_exports_the_year_in_excel(union_a, client_for, people, items):
    """Given items of 2025, when an officer exports the 2025 catalogue, then the workbook lists
    the public and staff items with their numbers."""
    client = signed_in(client_for(union_a), people["officer"])
    assert client.get("/admin/archives/catalogue/?year=2025").status_code == 200
    response = client.get("/admin/archives/catalogue/?year=2025&export=1")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    numbers = {row[1] for row in sheet.iter_rows(min_row=3, values_only=True) if row[1]}
    assert numbers == {items["public"].number, items["staff"].number}


def test_bulk_download_from_the_list(union_a, client_for, people, items, django_capture_on_commit_callbacks):
    """Given an officer ticking items, when they ask for a ZIP, then it is built after commit and
    downloadable by them only."""
    client = signed_in(client_for(union_a), people["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/archives/", {"item": [items["public"].pk, items["staff"].pk]})
    assert response.status_code == 302
    with tenant_context(union_a):
        bundle = ArchiveBundle.objects.get()
    assert bundle.status == "ready"
    download = client.get(f"/admin/archives/downloads/{bundle.pk}/")
    assert download.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert "目录.xlsx" in names and len(names) == 4
    chairman = signed_in(client_for(union_a), people["chairman"])
    assert chairman.get(f"/admin/archives/downloads/{bundle.pk}/").status_code == 404


def test_an_activity_summary_is_archived_once(union_a, client_for, people, media_root):
    """Given a held activity with a summary, when an officer archives it from the admin, then an
    activity-summary item with a PDF is filed, open to members; a second time is refused."""
    from tenants.activities.models import Activity
    from tenants.activities.services import activity_save

    with tenant_context(union_a):
        starts = timezone.now() + datetime.timedelta(days=3)
        activity = activity_save(
            activity=Activity(
                title="职工羽毛球赛", kind="sports", place="体育馆", starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2), capacity=20, audience="members",
            ),
            by=people["chairman"],
        )  # fmt: skip
        past = timezone.now() - datetime.timedelta(days=3)
        Activity.objects.filter(pk=activity.pk).update(
            starts_at=past,
            ends_at=past + datetime.timedelta(hours=2),
            status="published",
            held_at=timezone.now(),
            summary="共有36名职工参加，决出男女单打前三名。",
        )
    client = signed_in(client_for(union_a), people["officer"])
    assert "职工羽毛球赛" in client.get("/admin/archives/activities/").content.decode()
    response = client.post("/admin/archives/activities/", {"activity": activity.pk})
    assert response.status_code == 302
    with tenant_context(union_a):
        item = ArchiveItem.objects.get(activity=activity)
        assert item.kind == "summary" and item.access == "public" and item.category == "activities"
        assert item.files.get().file.read(5) == b"%PDF-"
    again = client.post("/admin/archives/activities/", {"activity": activity.pk}, follow=True)
    with translation.override("zh-hans"):
        refusal = translation.gettext("This activity's summary is already archived.")
    assert refusal.replace("'", "&#x27;") in again.content.decode()
    with tenant_context(union_a):
        assert ArchiveItem.objects.filter(activity=activity).count() == 1


def test_union_b_admin_cannot_reach_union_a(
    union_a, union_b, client_for, people, items, django_capture_on_commit_callbacks
):
    """Given union B's chairman, when they open A's item, file, edit or download ids on B's host,
    then 404; a ZIP asked for with A's ids finds nothing."""
    b_chairman = make_person(union_b, "chairman", name="吴主席")[1]
    client = signed_in(client_for(union_b), b_chairman)
    item = items["public"]
    with tenant_context(union_a):
        archive_file = item.files.first()
    assert client.get(f"/admin/archives/{item.pk}/").status_code == 404
    assert client.get(f"/admin/archives/{item.pk}/edit/").status_code == 404
    assert client.get(f"/admin/archives/{item.pk}/files/{archive_file.pk}/").status_code == 404
    assert item.number not in client.get("/admin/archives/").content.decode()
    response = client.post("/admin/archives/", {"item": [i.pk for i in items.values()]})
    assert response.status_code == 400
    a_officer = signed_in(client_for(union_a), people["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        a_officer.post("/admin/archives/", {"item": [item.pk]})
    with tenant_context(union_a):
        bundle = ArchiveBundle.objects.get()
    assert client.get(f"/admin/archives/downloads/{bundle.pk}/").status_code == 404


def test_the_due_list_and_editing_an_item(union_a, client_for, people, media_root):
    """Given a 10-year item of 2014, when an officer opens the due list, then it is there; when they
    change it to permanent on the edit page, then it leaves the list."""
    from .conftest import new_item

    with tenant_context(union_a):
        old = new_item(people["officer"], title="2014年职代会会议记录", date="2014-03-01")
    client = signed_in(client_for(union_a), people["officer"])
    assert old.number in client.get("/admin/archives/due/").content.decode()
    assert client.get(f"/admin/archives/{old.pk}/edit/").status_code == 200
    form = {"title": old.title, "kind": "minutes", "date": "2014-03-01", "retention": "permanent",
            "access": "staff", "description": ""}  # fmt: skip
    moved = client.post(f"/admin/archives/{old.pk}/edit/", {**form, "date": "2015-03-01"})
    assert moved.status_code == 400
    assert client.post(f"/admin/archives/{old.pk}/edit/", form).status_code == 302
    assert old.number not in client.get("/admin/archives/due/").content.decode()
