"""The members' archive pages and the file URL: public items for members, 404 for anything a
person may not read, nothing of union A from union B's host."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from tests.factories import make_person

from .conftest import signed_in


def _file(item):
    with_files = list(item.files.all())
    return with_files[0]


def test_members_browse_public_items_by_category_and_year(union_a, client_for, people, items):
    """Given public, staff and chairman items, when a member opens the archive page, then only the
    public rule shows, with its category count, and its page and files open."""
    client = signed_in(client_for(union_a), people["member"])
    page = client.get("/archives/").content.decode()
    assert "职工之家管理制度" in page and "委员会会议纪要" not in page and "帮扶资金审批表" not in page
    category = client.get("/archives/?category=rules&year=2025").content.decode()
    assert "职工之家管理制度" in category
    assert "职工之家管理制度" not in client.get("/archives/?category=rules&year=2024").content.decode()
    assert client.get("/archives/?category=nonsense&year=abc").status_code == 200
    public = items["public"]
    assert client.get(f"/archives/{public.pk}/").status_code == 200
    with tenant_context(union_a):
        photo = public.files.get(name="公示栏.png")
    response = client.get(f"/archives/files/{photo.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_a_member_gets_404_for_staff_and_chairman_items_and_their_files(union_a, client_for, people, items):
    """Given a member, when they open a staff or chairman item, its file, or the private media
    path, then each answers 404."""
    client = signed_in(client_for(union_a), people["member"])
    for name in ("staff", "chairman"):
        item = items[name]
        with tenant_context(union_a):
            archive_file = _file(item)
        assert client.get(f"/archives/{item.pk}/").status_code == 404
        assert client.get(f"/archives/files/{archive_file.pk}/").status_code == 404
        assert client.get(f"/media/{union_a.schema_name}/{archive_file.file.name}").status_code == 404
    officer = signed_in(client_for(union_a), people["officer"])
    with tenant_context(union_a):
        staff_file, chair_file = _file(items["staff"]), _file(items["chairman"])
    assert officer.get(f"/archives/files/{staff_file.pk}/").status_code == 200
    assert officer.get(f"/archives/files/{chair_file.pk}/").status_code == 404
    chairman = signed_in(client_for(union_a), people["chairman"])
    assert chairman.get(f"/archives/files/{chair_file.pk}/").status_code == 200


def test_strangers_sign_in_first_and_visitors_get_404(union_a, client_for, people, items):
    """Given no sign-in, the archive page asks to sign in and shows no item, and an item's page
    redirects to sign-in; a worker of another union signed in here as a visitor sees no item and
    gets 404 for an item and its file."""
    anonymous = client_for(union_a)
    page = anonymous.get("/archives/")
    assert page.status_code == 200 and "/accounts/login/?next=%2Farchives%2F" in page.content.decode()
    assert "职工之家管理制度" not in page.content.decode()
    detail = anonymous.get(f"/archives/{items['public'].pk}/")
    assert detail.status_code == 302 and "/accounts/login/" in detail["Location"]
    visitor = make_person(union_a, "visitor", name="访客")[1]
    client = signed_in(client_for(union_a), visitor)
    assert "职工之家管理制度" not in client.get("/archives/").content.decode()
    with tenant_context(union_a):
        archive_file = _file(items["public"])
    assert client.get(f"/archives/{items['public'].pk}/").status_code == 404
    assert client.get(f"/archives/files/{archive_file.pk}/").status_code == 404


def test_union_b_cannot_reach_union_a_items_or_files(union_a, union_b, client_for, people, items):
    """Given union A's public item and a member of union B, when B's member asks B's host for A's
    item, file or media path, then 404; A's session is worthless on B's host."""
    b_member = make_person(union_b, "member", name="周职工")[1]
    client = signed_in(client_for(union_b), b_member)
    public = items["public"]
    with tenant_context(union_a):
        archive_file = _file(public)
    assert client.get(f"/archives/{public.pk}/").status_code == 404
    assert client.get(f"/archives/files/{archive_file.pk}/").status_code == 404
    assert client.get(f"/media/{union_a.schema_name}/{archive_file.file.name}").status_code == 404
    assert "职工之家管理制度" not in client.get("/archives/").content.decode()
    a_client = signed_in(client_for(union_a), people["member"])
    a_client.defaults["HTTP_HOST"] = union_b.primary_host
    assert a_client.get(f"/archives/{public.pk}/").status_code == 302
