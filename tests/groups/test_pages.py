"""Interest groups on the site (/groups/), in the admin (兴趣小组) and through the API: joining,
answering requests, posts and their photos for members only; and nothing of one union through
another's host."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from tenants.groups.models import GroupJoinRequest, GroupMembership, GroupPost, InterestGroup
from tenants.groups.services import group_join_decide, group_join_request, group_post_create
from tests.factories import make_person
from tests.groups.conftest import api, signed_in

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def joined(union, group, person, leader) -> None:
    with tenant_context(union):
        group_join_decide(request=group_join_request(group=group, user=person), by=leader, approve=True)


def test_anyone_sees_the_groups_and_signs_in_to_join(union_a, client_for, badminton):
    client = client_for(union_a)
    page = client.get("/groups/").content.decode()
    assert "羽毛球小组" in page and f"/groups/{badminton.pk}/" in page
    page = client.get(f"/groups/{badminton.pk}/").content.decode()
    assert "每周三下班后打球" in page and "陈队长" in page and "/accounts/login/?next=" in page
    assert 'name="body"' not in page  # no posts for outsiders
    assert client.post(f"/groups/{badminton.pk}/", {"action": "join"}).status_code == 302
    with tenant_context(union_a):
        assert not GroupJoinRequest.objects.exists()


def test_a_worker_asks_on_the_site_and_the_leader_approves_on_the_site(
    union_a, client_for, people, badminton
):
    worker = signed_in(client_for(union_a), people["worker"][0])
    response = worker.post(f"/groups/{badminton.pk}/", {"action": "join", "message": "想学双打"})
    assert response.status_code == 302
    assert 'value="withdraw"' in worker.get(f"/groups/{badminton.pk}/").content.decode()
    with tenant_context(union_a):
        request = GroupJoinRequest.objects.get(user=people["worker"][1])
    leader = signed_in(client_for(union_a), people["leader"][0])
    page = leader.get(f"/groups/{badminton.pk}/").content.decode()
    assert "想学双打" in page and 'value="approve"' in page
    # Another member cannot answer (the request is not found for them)
    other = signed_in(client_for(union_a), people["other"][0])
    response = other.post(
        f"/groups/{badminton.pk}/", {"action": "decide", "request": request.pk, "decision": "approve"}
    )
    assert response.status_code == 404
    response = leader.post(
        f"/groups/{badminton.pk}/", {"action": "decide", "request": request.pk, "decision": "approve"}
    )
    assert response.status_code == 302
    with tenant_context(union_a):
        assert GroupMembership.objects.filter(group=badminton, user=people["worker"][1]).exists()
    # Now a member, the worker sees the post form and leaves again
    assert 'name="body"' in worker.get(f"/groups/{badminton.pk}/").content.decode()
    assert worker.post(f"/groups/{badminton.pk}/", {"action": "leave"}).status_code == 302
    with tenant_context(union_a):
        assert not GroupMembership.objects.filter(group=badminton, user=people["worker"][1]).exists()


def test_posts_and_their_photos_are_seen_by_members_only(union_a, client_for, people, badminton, media_root):
    joined(union_a, badminton, people["worker"][1], people["leader"][1])
    member = signed_in(client_for(union_a), people["worker"][0])
    photo = SimpleUploadedFile("court.png", PNG, content_type="image/png")
    response = member.post(
        f"/groups/{badminton.pk}/", {"action": "post", "body": "周三八点有空场", "image": photo}
    )
    assert response.status_code == 302
    with tenant_context(union_a):
        post = GroupPost.objects.get()
    image_url = f"/groups/{badminton.pk}/posts/{post.pk}/image/"
    page = member.get(f"/groups/{badminton.pk}/").content.decode()
    assert "周三八点有空场" in page and image_url in page
    response = member.get(image_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    # A bad photo: a clear message on the page and nothing posted
    fake = SimpleUploadedFile("x.jpg", b"not a jpeg at all", content_type="image/jpeg")
    response = member.post(f"/groups/{badminton.pk}/", {"action": "post", "body": "再发一张", "image": fake})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    # Outsiders and anonymous visitors see neither the posts nor the photo
    outsider = signed_in(client_for(union_a), people["other"][0])
    page = outsider.get(f"/groups/{badminton.pk}/").content.decode()
    assert "周三八点有空场" not in page
    assert outsider.get(image_url).status_code == 404
    assert client_for(union_a).get(image_url).status_code == 404
    assert outsider.post(f"/groups/{badminton.pk}/", {"action": "post", "body": "插一句"}).status_code == 404
    with tenant_context(union_a):
        assert GroupPost.objects.count() == 1


def test_nothing_of_one_union_through_another_host(
    union_a, union_b, client_for, people, badminton, media_root
):
    with tenant_context(union_a):
        post = group_post_create(
            group=badminton, author=people["leader"][1], body="内部通知",
            image=SimpleUploadedFile("a.png", PNG, content_type="image/png"),
        )  # fmt: skip
    account_b, user_b = make_person(union_b, "member", name="恒通职工")
    other = signed_in(client_for(union_b), account_b)
    assert "羽毛球小组" not in other.get("/groups/").content.decode()
    assert other.get(f"/groups/{badminton.pk}/").status_code == 404
    assert other.get(f"/groups/{badminton.pk}/posts/{post.pk}/image/").status_code == 404
    assert other.post(f"/groups/{badminton.pk}/", {"action": "join"}).status_code == 404
    client = api(client_for, union_b, user_b)
    assert client.get("/api/v1/groups/").json()["results"] == []
    assert client.get(f"/api/v1/groups/{badminton.pk}/").status_code == 404
    assert (
        client.post(f"/api/v1/groups/{badminton.pk}/join/", {}, content_type="application/json").status_code
        == 404
    )
    # B's officer finds nothing of A's in B's admin
    officer_b = signed_in(client_for(union_b), make_person(union_b, "officer", name="恒通干事")[0])
    assert officer_b.get(f"/admin/interest-groups/{badminton.pk}/").status_code == 404
    with tenant_context(union_a):
        assert not GroupJoinRequest.objects.exists()


def test_officers_manage_groups_in_the_admin(union_a, client_for, people, badminton):
    joined(union_a, badminton, people["worker"][1], people["leader"][1])
    with tenant_context(union_a):
        waiting = group_join_request(group=badminton, user=people["other"][1], message="我也想参加")
    officer = signed_in(client_for(union_a), people["officer"][0])
    page = officer.get("/admin/interest-groups/").content.decode()
    assert "羽毛球小组" in page
    for url in ("/admin/interest-groups/new/", f"/admin/interest-groups/{badminton.pk}/edit/",
                f"/admin/interest-groups/{badminton.pk}/meetings/new/"):  # fmt: skip
        assert officer.get(url).status_code == 200, url
    page = officer.get(f"/admin/interest-groups/{badminton.pk}/").content.decode()
    assert "我也想参加" in page and "王职工" in page
    # Decline with a reason
    response = officer.post(
        f"/admin/interest-groups/{badminton.pk}/",
        {"action": "decline", "request": waiting.pk, "reason": "名额已满"},
    )
    assert response.status_code == 302
    # Create a group: a missing leader is a clear error, nothing made
    data = {
        "name": "摄影协会",
        "kind": "photography",
        "description": "每月采风",
        "open_to_join": "on",
        "active": "on",
    }
    response = officer.post("/admin/interest-groups/new/", data)
    assert response.status_code == 400
    with tenant_context(union_a):
        assert not InterestGroup.objects.filter(name="摄影协会").exists()
    response = officer.post("/admin/interest-groups/new/", {**data, "leaders": [people["third"][1].pk]})
    assert response.status_code == 302
    with tenant_context(union_a):
        photo = InterestGroup.objects.get(name="摄影协会")
        assert photo.memberships.get().user == people["third"][1]
        assert GroupJoinRequest.objects.get(pk=waiting.pk).status == "declined"
    # Add a monthly meeting; a bad one is refused with the form shown again
    meeting = {"title": "月度采风", "frequency": "monthly", "interval": 1, "weekday": 5, "week_of_month": 2,
               "starts_on": "2026-01-01", "start_time": "14:00", "end_time": "17:00", "place": "奥森公园南门"}  # fmt: skip
    assert (
        officer.post(
            f"/admin/interest-groups/{photo.pk}/meetings/new/", {**meeting, "end_time": "13:00"}
        ).status_code
        == 400
    )
    assert officer.post(f"/admin/interest-groups/{photo.pk}/meetings/new/", meeting).status_code == 302
    with tenant_context(union_a):
        assert photo.meetings.get().week_of_month == 2
    # A member sees no admin page of groups
    member = signed_in(client_for(union_a), people["worker"][0])
    assert member.get(f"/admin/interest-groups/{badminton.pk}/").status_code in (302, 403, 404)


def test_the_api_lists_joins_answers_and_posts(union_a, client_for, people, badminton):
    worker = api(client_for, union_a, people["worker"][1])
    listed = worker.get("/api/v1/groups/").json()["results"]
    assert (
        listed[0]["name"] == "羽毛球小组"
        and listed[0]["member_count"] == 1
        and listed[0]["is_member"] is False
    )
    detail = worker.get(f"/api/v1/groups/{badminton.pk}/").json()
    assert detail["leaders"] == ["陈队长"]
    response = worker.post(
        f"/api/v1/groups/{badminton.pk}/join/", {"message": "想参加"}, content_type="application/json"
    )
    assert response.status_code == 201
    request_id = response.json()["id"]
    again = worker.post(f"/api/v1/groups/{badminton.pk}/join/", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "group_request_waiting"
    assert worker.get(f"/api/v1/groups/{badminton.pk}/posts/").status_code == 404
    # The worker cannot approve their own request
    assert worker.post(f"/api/v1/group-join-requests/{request_id}/approve/").status_code == 404
    leader = api(client_for, union_a, people["leader"][1])
    waiting = leader.get("/api/v1/group-join-requests/").json()["results"]
    assert [r["id"] for r in waiting] == [request_id]
    assert leader.post(f"/api/v1/group-join-requests/{request_id}/approve/").json()["status"] == "approved"
    response = worker.post(
        f"/api/v1/groups/{badminton.pk}/posts/", {"body": "谢谢队长"}, content_type="application/json"
    )
    assert response.status_code == 201
    posts = leader.get(f"/api/v1/groups/{badminton.pk}/posts/").json()
    assert posts[0]["body"] == "谢谢队长" and posts[0]["author"] == "王职工"
    meeting = {"title": "周三练球", "frequency": "weekly", "interval": 1, "weekday": 2, "starts_on": "2026-01-01",
               "start_time": "18:00", "end_time": "20:00", "place": "园区体育馆"}  # fmt: skip
    assert (
        worker.post(
            f"/api/v1/groups/{badminton.pk}/meetings/", meeting, content_type="application/json"
        ).status_code
        == 403
    )
    response = leader.post(
        f"/api/v1/groups/{badminton.pk}/meetings/", meeting, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert len(worker.get(f"/api/v1/groups/{badminton.pk}/").json()["coming"]) >= 3
    assert worker.post(f"/api/v1/groups/{badminton.pk}/leave/").status_code == 204
