"""A resource's photo through the API: its publisher's staff upload (multipart, checked by type,
content and size, with a clear message in Chinese and English) and remove it; another union,
or a station's staff, cannot change it (404), and nothing changes when a file is refused."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from docking.models import SharedResource

from .conftest import publish, signed_in

pytestmark = pytest.mark.django_db


def image(fmt: str = "PNG") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(buffer, fmt)
    return buffer.getvalue()


def test_the_publisher_uploads_replaces_and_removes_the_photo(
    union_a, people, room, media_root, client_for, django_capture_on_commit_callbacks
):
    api = signed_in(client_for(union_a), people["a_chair"].account)
    url = f"/api/v1/docking/resources/{room.pk}/photo/"
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(url, {"photo": SimpleUploadedFile("会议室.png", image())})
    assert first.status_code == 200, first.content
    assert first.json()["photo_url"] == f"/admin/docking/catalogue/{room.pk}/photo/"
    old = SharedResource.objects.get(pk=room.pk).photo.name
    assert old.startswith("docking/photos/") and (media_root / old).exists()
    assert api.get(first.json()["photo_url"]).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        second = api.post(url, {"photo": SimpleUploadedFile("room.webp", image("WEBP"))})
    assert second.status_code == 200
    new = SharedResource.objects.get(pk=room.pk).photo.name
    assert new != old and (media_root / new).exists() and not (media_root / old).exists()
    with django_capture_on_commit_callbacks(execute=True):
        removed = api.delete(url)
    assert removed.status_code == 200 and removed.json()["photo_url"] is None
    assert not SharedResource.objects.get(pk=room.pk).photo and not (media_root / new).exists()


@pytest.mark.parametrize(
    ("upload", "code", "zh"),
    [
        (SimpleUploadedFile("room.gif", b"GIF89a" + b"0" * 20), "resource_photo_type", "JPG、PNG或WebP"),
        (SimpleUploadedFile("room.png", b"%PDF-1.4 not an image"), "resource_photo_content", "不符"),
        (
            SimpleUploadedFile("room.jpg", b"\xff\xd8\xff" + b"not really a jpeg" * 10),
            "resource_photo_content",
            "不符",
        ),
        (
            SimpleUploadedFile("room.png", image("JPEG")[:0] + image("PNG")[:20]),
            "resource_photo_content",
            "不符",
        ),
        (SimpleUploadedFile("room.jpg", image("PNG")), "resource_photo_content", "不符"),
        (SimpleUploadedFile("room.png", b""), "resource_photo_empty", "空"),
        (
            SimpleUploadedFile("room.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024)),
            "resource_photo_too_large",
            "5",
        ),
        (None, "resource_photo_missing", "照片"),
    ],
)
def test_a_bad_file_is_refused_clearly_and_nothing_changes(
    union_a, people, room, media_root, client_for, upload, code, zh
):
    api = signed_in(client_for(union_a), people["a_chair"].account)
    body = {"photo": upload} if upload is not None else {"note": "no file"}
    refused = api.post(f"/api/v1/docking/resources/{room.pk}/photo/", body)
    assert refused.status_code == 400, refused.content
    payload = refused.json()
    assert (
        payload["code"] == code and zh in payload["message"] and payload["message_en"] != payload["message"]
    )
    assert "photo" in payload["fields"]
    assert not SharedResource.objects.get(pk=room.pk).photo
    assert not list(media_root.rglob("*.*"))


def test_another_union_or_a_station_cannot_change_a_union_s_photo(
    union_a, union_b, people, room, portal, stations, portal_people, media_root, client_for
):
    with_photo = publish(union_a, people["a_chair"].user, title="星河多功能厅",
                         photo=SimpleUploadedFile("hall.png", image()))  # fmt: skip
    connection.set_schema_to_public()
    before = SharedResource.objects.get(pk=with_photo.pk).photo.name
    b = signed_in(client_for(union_b), people["b_chair"].account)
    for resource in (room, with_photo):
        url = f"/api/v1/docking/resources/{resource.pk}/photo/"
        assert b.post(url, {"photo": SimpleUploadedFile("x.png", image())}).status_code == 404
        assert b.delete(url).status_code == 404
    station = signed_in(client_for(portal), portal_people["wangjing"].account)
    refused = station.post(f"/api/v1/docking/resources/{with_photo.pk}/photo/",
                           {"photo": SimpleUploadedFile("x.png", image())})  # fmt: skip
    assert refused.status_code == 404, refused.content
    member = signed_in(client_for(union_a), people["a_member"].account)
    assert member.delete(f"/api/v1/docking/resources/{with_photo.pk}/photo/").status_code in (403, 404)
    assert SharedResource.objects.get(pk=with_photo.pk).photo.name == before
    assert not SharedResource.objects.get(pk=room.pk).photo
    assert (media_root / before).exists()
    assert b.post("/api/v1/docking/resources/abc/photo/", {}).status_code == 404


def test_a_station_uploads_its_own_resource_s_photo_on_the_portal(
    portal, stations, portal_people, media_root, client_for
):
    from docking.selectors import Party
    from docking.services import resource_create

    hall = resource_create(party=Party(station=stations["wangjing"]), by=portal_people["wangjing"].user,
                           kind="room", title="望京服务站会议室", address="朝阳区阜通东大街6号",
                           contact="周站长 010-84701234", capacity=40, publish=True)  # fmt: skip
    url = f"/api/v1/docking/resources/{hall.pk}/photo/"
    staff = signed_in(client_for(portal), portal_people["wangjing"].account)
    assert staff.post(url, {"photo": SimpleUploadedFile("hall.jpg", image("JPEG"))}).status_code == 200
    assert SharedResource.objects.get(pk=hall.pk).photo
    other = signed_in(client_for(portal), portal_people["zhongguancun"].account)
    assert other.delete(url).status_code == 404
    assert SharedResource.objects.get(pk=hall.pk).photo
