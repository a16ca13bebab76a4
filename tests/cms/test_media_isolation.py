"""Union B cannot reach union A's pages, images or documents; uploads are checked.

Every union's schema is cloned from one template, so primary keys coincide between unions:
objects are created in A only, so that A's ids do not exist in B (asserted before use), and where
ids do coincide B must only ever see its own row.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django_tenants.utils import tenant_context
from PIL import Image as PILImage

from cms.media import document_content_check, media_path_is_public
from tests.factories import PASSWORD, make_person

pytestmark = pytest.mark.django_db


# --- helpers ---------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _media_roles_reach_the_library(union_a, union_b):
    """The roles' image and document permissions as Wagtail checks them: per collection.

    A no-op once provisioning grants them (``role_groups_ensure`` calling
    ``cms.media.media_collection_permissions_ensure``); rolled back with the test.
    """
    from django.contrib.auth.models import Group

    from cms.media import media_collection_permissions_ensure

    for union in (union_a, union_b):
        with tenant_context(union):
            for group in Group.objects.prefetch_related("permissions__content_type"):
                media_collection_permissions_ensure(group, group.permissions.all())


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (40, 30), noise: bool = False) -> bytes:
    image = PILImage.new("RGB", size, (183, 28, 28))
    if noise:
        rng = random.Random(7)
        image.putdata(
            [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(size[0] * size[1])]
        )
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def make_image(union, title: str):
    from wagtail.images import get_image_model

    with tenant_context(union):
        image = get_image_model()(title=title, file=ContentFile(image_bytes(), name="photo.png"))
        image.save()
        return image


def make_document(
    union, title: str, content: bytes = b"%PDF-1.4\n% rule\n", name: str = "rule.pdf", collection=None
):
    from wagtail.documents import get_document_model

    with tenant_context(union):
        kwargs = {"collection": collection} if collection else {}
        document = get_document_model()(title=title, file=ContentFile(content, name=name), **kwargs)
        document.save()
        return document


def absent_in(union, model, pk) -> bool:
    with tenant_context(union):
        return not model.objects.filter(pk=pk).exists()


def signed_in(client_for, union, *roles):
    account, _user = make_person(union, *roles)
    client = client_for(union)
    response = client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def zh(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


# --- pages -----------------------------------------------------------------------------------------


def test_union_b_editor_cannot_open_edit_or_preview_union_a_pages(union_a, union_b, client_for):
    from wagtail.models import Page

    from cms.models import BulletinPage, NoticePage

    with tenant_context(union_a):
        bulletin = BulletinPage.objects.get()
        notice = bulletin.add_child(
            instance=NoticePage(title="星河内部通知", slug="xinghe-only", body="<p>只属于星河的内容</p>")
        )
        notice.save_revision().publish()
    assert absent_in(union_b, Page, notice.pk)
    b = signed_in(client_for, union_b, "editor")

    for path in (
        f"/admin/pages/{notice.pk}/",
        f"/admin/pages/{notice.pk}/edit/",
        f"/admin/pages/{notice.pk}/edit/preview/",
        f"/admin/pages/{notice.pk}/history/",
        f"/admin/pages/{notice.pk}/revisions/compare/earliest...latest/",
    ):
        response = b.get(path)
        assert response.status_code == 404, path
        assert "星河内部通知" not in body(response)
    for path, data in (
        (
            f"/admin/pages/{notice.pk}/edit/",
            {"title": "被篡改", "slug": "x", "body": "x", "action-publish": "1"},
        ),
        (f"/admin/pages/{notice.pk}/edit/preview/", {"title": "被篡改", "slug": "x", "body": "x"}),
        (f"/admin/pages/{notice.pk}/unpublish/", {}),
        (f"/admin/pages/{notice.pk}/delete/", {}),
    ):
        assert b.post(path, data).status_code == 404, path
    with tenant_context(union_a):
        notice = NoticePage.objects.get(pk=notice.pk)
        assert notice.title == "星河内部通知" and notice.live
    # ...and A's own editor can do all of it.
    a = signed_in(client_for, union_a, "editor")
    assert a.get(f"/admin/pages/{notice.pk}/edit/").status_code == 200


def test_union_a_page_preview_shows_only_b_content_where_ids_coincide(union_a, union_b, client_for):
    from cms.models import HomePage

    with tenant_context(union_a):
        a_home = HomePage.objects.get()
        a_home.address = "星河大厦三层"
        a_home.save_revision().publish()
    with tenant_context(union_b):
        b_home = HomePage.objects.get()
    b = signed_in(client_for, union_b, "editor")
    response = b.get(f"/admin/pages/{a_home.pk}/edit/")
    if a_home.pk == b_home.pk:
        assert response.status_code == 200 and union_b.name in body(response)
        assert "星河大厦三层" not in body(response)
    else:
        assert response.status_code == 404


# --- images ----------------------------------------------------------------------------------------


def test_union_b_editor_cannot_open_or_change_union_a_images(union_a, union_b, client_for, media_root):
    from wagtail.images import get_image_model

    Image = get_image_model()
    make_image(union_a, "星河占位图")  # A's next id is now past anything B has
    a_image = make_image(union_a, "星河活动照片")
    assert absent_in(union_b, Image, a_image.pk)
    b = signed_in(client_for, union_b, "editor")
    for path in (
        f"/admin/images/{a_image.pk}/",
        f"/admin/images/{a_image.pk}/delete/",
        f"/admin/images/{a_image.pk}/preview/fill-100x100/",
        f"/admin/images/usage/{a_image.pk}/",
        f"/admin/images/multiple/{a_image.pk}/",
    ):
        response = b.get(path)
        assert response.status_code in (404, 405), path
        assert "星河活动照片" not in body(response)
    assert b.post(f"/admin/images/{a_image.pk}/delete/").status_code == 404
    assert b.post(f"/admin/images/{a_image.pk}/", {"title": "被篡改"}).status_code == 404
    with tenant_context(union_a):
        assert Image.objects.get(pk=a_image.pk).title == "星河活动照片"
    assert signed_in(client_for, union_a, "editor").get(f"/admin/images/{a_image.pk}/").status_code == 200


def test_where_image_ids_coincide_union_b_sees_only_its_own(union_a, union_b, client_for, media_root):
    a_image = make_image(union_a, "星河机密图片")
    b_image = make_image(union_b, "恒通公开图片")
    b = signed_in(client_for, union_b, "editor")
    response = b.get(f"/admin/images/{a_image.pk}/")
    if a_image.pk == b_image.pk:
        assert response.status_code == 200
        assert "恒通公开图片" in body(response) and "星河机密图片" not in body(response)
    else:
        assert response.status_code == 404


def test_image_files_and_renditions_are_stored_under_the_union_prefix_and_serve_only_there(
    union_a, union_b, client_for, media_root
):
    image = make_image(union_a, "星河门牌")
    with tenant_context(union_a):
        rendition = image.get_rendition("fill-80x60")
        original_url, rendition_url = image.file.url, rendition.url
    prefix = f"/media/{union_a.schema_name}/"
    assert original_url.startswith(prefix + "original_images/")
    assert rendition_url.startswith(prefix + "images/")
    assert (media_root / union_a.schema_name / image.file.name).is_file()
    assert (media_root / union_a.schema_name / rendition.file.name).is_file()
    a, b = client_for(union_a), client_for(union_b)
    for url in (original_url, rendition_url):
        assert a.get(url).status_code == 200, url
        assert b.get(url).status_code == 404, url
        # Not even by naming B's own prefix with a path climbing into A's.
        climbing = url.replace(prefix, f"/media/{union_b.schema_name}/../{union_a.schema_name}/")
        assert b.get(climbing).status_code == 404


# --- documents -------------------------------------------------------------------------------------


def test_union_b_cannot_open_edit_or_download_union_a_documents(union_a, union_b, client_for, media_root):
    from wagtail.documents import get_document_model

    Document = get_document_model()
    make_document(union_a, "占位文件", name="placeholder.pdf")
    document = make_document(union_a, "星河工会经费审查报告", b"%PDF-1.4\n% xinghe audit\n", "audit.pdf")
    assert absent_in(union_b, Document, document.pk)
    assert document.url == f"/documents/{document.pk}/audit.pdf"  # served through Wagtail's view

    b = signed_in(client_for, union_b, "editor")
    for path in (
        f"/admin/documents/edit/{document.pk}/",
        f"/admin/documents/delete/{document.pk}/",
        f"/admin/documents/usage/{document.pk}/",
        f"/documents/{document.pk}/audit.pdf",
    ):
        response = b.get(path)
        assert response.status_code == 404, path
        assert "xinghe audit" not in body(response) and "星河工会经费审查报告" not in body(response)
    assert client_for(union_b).get(f"/documents/{document.pk}/audit.pdf").status_code == 404
    assert b.post(f"/admin/documents/delete/{document.pk}/").status_code == 404
    with tenant_context(union_a):
        assert Document.objects.filter(pk=document.pk).exists()
    # A public document of A downloads on A's host.
    response = client_for(union_a).get(f"/documents/{document.pk}/audit.pdf")
    assert response.status_code == 200 and "xinghe audit" in body(response)


def test_documents_in_a_private_collection_need_a_permitted_user(union_a, union_b, client_for, media_root):
    from django.contrib.auth.models import Group
    from wagtail.models import Collection, CollectionViewRestriction

    with tenant_context(union_a):
        private = Collection.get_first_root_node().add_child(name="工会内部资料")
        restriction = CollectionViewRestriction.objects.create(
            collection=private, restriction_type=CollectionViewRestriction.GROUPS
        )
        restriction.groups.set([Group.objects.get(name="chairman")])
    document = make_document(
        union_a, "困难职工名册", b"%PDF-1.4\n% names\n", "hardship.pdf", collection=private
    )
    url = f"/documents/{document.pk}/hardship.pdf"

    anonymous = client_for(union_a).get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    member = signed_in(client_for, union_a, "member").get(url)
    assert member.status_code == 302 and "names" not in body(member)
    chairman = signed_in(client_for, union_a, "chairman").get(url)
    assert chairman.status_code == 200 and "names" in body(chairman)
    assert chairman["X-Content-Type-Options"] == "nosniff"
    # On another union's host the id names nothing (or another file), whoever asks.
    assert client_for(union_b).get(url).status_code == 404
    assert signed_in(client_for, union_b, "chairman").get(url).status_code == 404


def test_document_files_are_not_plain_media(union_a, client_for, media_root):
    assert not media_path_is_public("documents/hardship.pdf")
    assert not media_path_is_public("images/../documents/hardship.pdf")
    assert media_path_is_public("original_images/photo.png")
    assert media_path_is_public("images/photo.fill-80x60.png")


def test_a_private_document_file_does_not_serve_from_media(union_a, client_for, media_root):
    document = make_document(union_a, "困难职工名册", b"%PDF-1.4\n% names\n", "hardship.pdf")
    assert (media_root / union_a.schema_name / document.file.name).is_file()
    assert client_for(union_a).get(f"/media/{union_a.schema_name}/{document.file.name}").status_code == 404


# --- upload checks ---------------------------------------------------------------------------------


def _files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


IMAGE_REFUSALS = [
    pytest.param("big.png", lambda: image_bytes(size=(120, 120), noise=True), "文件过大", id="oversized"),
    pytest.param("plan.bmp", lambda: image_bytes("BMP"), "不支持的图片格式", id="wrong-type"),
    pytest.param(
        "logo.svg", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"/>', "不支持的图片格式", id="svg"
    ),
    pytest.param("photo.png", lambda: b"MZ\x90\x00 this is a program", "请上传有效图片", id="fake-image"),
    pytest.param("photo.png", lambda: image_bytes("JPEG"), "扩展名与文件格式不匹配", id="lying-extension"),
]


@pytest.mark.parametrize(("filename", "content", "message"), IMAGE_REFUSALS)
def test_a_refused_image_upload_says_why_and_saves_nothing(
    union_a, client_for, media_root, settings, filename, content, message
):
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024
    Image = get_image_model()
    with tenant_context(union_a):
        count, root = Image.objects.count(), Collection.get_first_root_node().pk
    a = signed_in(client_for, union_a, "editor")
    upload = SimpleUploadedFile(filename, content())
    response = a.post("/admin/images/add/", {"title": "上传测试", "file": upload, "collection": root})
    assert response.status_code == 200
    assert message in body(response)
    # The multiple uploader (the admin's "add an image" button) refuses it the same way.
    response = a.post("/admin/images/multiple/add/", {"files[]": SimpleUploadedFile(filename, content())})
    assert response.status_code == 200
    assert response.json()["success"] is False and message in response.json()["error_message"]
    with tenant_context(union_a):
        assert Image.objects.count() == count
    assert _files_under(media_root / union_a.schema_name / "original_images") == []


def test_an_accepted_image_upload_is_saved_under_the_union_prefix(union_a, client_for, media_root):
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    with tenant_context(union_a):
        root = Collection.get_first_root_node().pk
    a = signed_in(client_for, union_a, "editor")
    upload = SimpleUploadedFile("door.webp", image_bytes("WEBP"))
    response = a.post("/admin/images/add/", {"title": "门牌", "file": upload, "collection": root})
    assert response.status_code == 302, body(response)[:2000]
    with tenant_context(union_a):
        image = get_image_model().objects.get(title="门牌")
    assert (media_root / union_a.schema_name / image.file.name).is_file()


DOCUMENT_REFUSALS = [
    pytest.param("minutes.pdf", b"%PDF-1.4\n" + b"0" * 4096, "文件过大", id="oversized"),
    pytest.param("page.html", b"<script>alert(1)</script>", "文件扩展“html”是不被允许", id="wrong-type"),
    pytest.param("tool.exe", b"MZ\x90\x00", "文件扩展“exe”是不被允许", id="program"),
    pytest.param("rules.pdf", b"<html>not a pdf</html>", "content-mismatch", id="fake-pdf"),
    pytest.param("plan.docx", b"%PDF-1.4\n", "content-mismatch", id="fake-docx"),
    pytest.param("list.csv", b"MZ\x90\x00\x03\x00\x00\x00", "content-mismatch", id="binary-csv"),
]


@pytest.mark.parametrize(("filename", "content", "message"), DOCUMENT_REFUSALS)
def test_a_refused_document_upload_says_why_and_saves_nothing(
    union_a, client_for, media_root, settings, filename, content, message
):
    from wagtail.documents import get_document_model
    from wagtail.models import Collection

    from cms.media import document_content_check as check

    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 2048
    if message == "content-mismatch":
        try:
            check(SimpleUploadedFile(filename, content))
        except Exception as error:  # the message as the admin shows it, in Chinese once translated
            message = zh(error.messages[0])
    Document = get_document_model()
    with tenant_context(union_a):
        count, root = Document.objects.count(), Collection.get_first_root_node().pk
    a = signed_in(client_for, union_a, "editor")
    upload = SimpleUploadedFile(filename, content)
    response = a.post("/admin/documents/add/", {"title": "上传测试", "file": upload, "collection": root})
    assert response.status_code == 200
    assert message in body(response)
    response = a.post("/admin/documents/multiple/add/", {"files[]": SimpleUploadedFile(filename, content)})
    assert response.status_code == 200
    assert response.json()["success"] is False and message in response.json()["error_message"]
    with tenant_context(union_a):
        assert Document.objects.count() == count
    assert _files_under(media_root / union_a.schema_name / "documents") == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rules.pdf", b"%PDF-1.7\n..."),
        ("plan.docx", b"PK\x03\x04...."),
        ("empty.zip", b"PK\x05\x06" + b"\x00" * 18),
        ("letter.rtf", b"{\\rtf1\\ansi ..."),
        ("list.csv", "姓名,工号\n张伟,001\n".encode()),
        ("list.txt", "姓名".encode("utf-16")),
        ("notes.key", b"anything"),  # no signature known: left to the extension check
    ],
)
def test_genuine_documents_pass_the_content_check(name, content):
    document_content_check(SimpleUploadedFile(name, content))


def test_an_accepted_document_upload_is_saved_under_the_union_prefix(union_a, client_for, media_root):
    from wagtail.documents import get_document_model
    from wagtail.models import Collection

    with tenant_context(union_a):
        root = Collection.get_first_root_node().pk
    a = signed_in(client_for, union_a, "editor")
    upload = SimpleUploadedFile("rules.pdf", b"%PDF-1.4\n% rules\n")
    response = a.post("/admin/documents/add/", {"title": "管理制度", "file": upload, "collection": root})
    assert response.status_code == 302, body(response)[:2000]
    with tenant_context(union_a):
        document = get_document_model().objects.get(title="管理制度")
    assert document.file.name.startswith("documents/")
    assert (media_root / union_a.schema_name / document.file.name).is_file()
