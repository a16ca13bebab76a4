"""Membership requests in a union's Wagtail admin (journey 3: a worker finds the home).

A worker who registers without the invite code asks to join; an officer approves or rejects the
request in the union's admin. Only that union's officers see its requests, and only there.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import translation
from django_tenants.utils import tenant_context

from tenants.membership.models import MembershipRequest
from tenants.membership.services import worker_register
from tests.conftest import host_of
from tests.factories import PASSWORD, make_person, new_mobile

pytestmark = pytest.mark.django_db

LIST = "/admin/membership-requests/"


def approve_url(request: MembershipRequest) -> str:
    return f"{LIST}{request.pk}/approve/"


def reject_url(request: MembershipRequest) -> str:
    return f"{LIST}{request.pk}/reject/"


def request_to_join(
    union, *, name: str = "赵磊", department: str = "研发部"
) -> tuple[str, MembershipRequest]:
    """A worker registers on the union's site without an invite code: a pending request."""
    mobile = new_mobile()
    with tenant_context(union):
        result = worker_register(mobile=mobile, name=name, password=PASSWORD, department=department)
    assert result.outcome == "requested"
    return mobile, result.request


def sign_in(client: Client, mobile: str):
    return client.post("/accounts/login/", {"username": mobile, "password": PASSWORD})


def staff_client(client_for, union, *roles: str) -> Client:
    account, _user = make_person(union, *roles, name="张主席")
    client = client_for(union)
    assert sign_in(client, account.mobile).status_code == 302
    return client


def message_texts(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def reload(union, request: MembershipRequest) -> MembershipRequest:
    with tenant_context(union):
        return MembershipRequest.objects.select_related("decided_by").get(pk=request.pk)


def test_chairman_approves_a_request_and_the_worker_can_then_sign_in(union_a, client_for):
    # Given a worker who asked to join, and who cannot sign in on the union yet
    mobile, request = request_to_join(union_a)
    assert sign_in(client_for(union_a), mobile).status_code == 200  # the form again, with an error
    chairman = staff_client(client_for, union_a, "chairman")

    # When the chairman opens the list and approves the request
    listing = chairman.get(LIST)
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "赵磊" in page and mobile in page and "研发部" in page
    assert approve_url(request) in page and reject_url(request) in page
    response = chairman.post(approve_url(request))

    # Then the request is approved, by the chairman, and the worker signs in as a member
    assert response.status_code == 302 and response["Location"] == LIST
    assert "赵磊" in message_texts(response)
    decided = reload(union_a, request)
    assert decided.status == MembershipRequest.Status.APPROVED
    assert decided.decided_by.name == "张主席"
    worker = client_for(union_a)
    assert sign_in(worker, mobile).status_code == 302
    assert [role["code"] for role in worker.get("/api/v1/me/").json()["roles"]] == ["member"]


def test_officer_rejects_a_request_and_the_worker_stays_out(union_a, client_for):
    mobile, request = request_to_join(union_a)
    officer = staff_client(client_for, union_a, "officer")

    response = officer.post(reject_url(request))

    assert response.status_code == 302
    assert reload(union_a, request).status == MembershipRequest.Status.REJECTED
    assert sign_in(client_for(union_a), mobile).status_code == 200


def test_pending_requests_come_first_and_decided_ones_have_no_buttons(union_a, client_for):
    _mobile, older = request_to_join(union_a, name="钱一")
    _mobile, decided = request_to_join(union_a, name="孙二")
    chairman = staff_client(client_for, union_a, "chairman")
    chairman.post(reject_url(decided))

    listing = chairman.get(LIST)

    names = [item.name for item in listing.context["object_list"]]
    assert names.index("钱一") < names.index("孙二")
    page = listing.content.decode()
    assert approve_url(older) in page
    assert approve_url(decided) not in page and reject_url(decided) not in page
    pending = chairman.get(f"{LIST}results/?status=pending")
    assert [item.name for item in pending.context["object_list"]] == ["钱一"]


def test_deciding_a_decided_request_shows_an_error_not_a_500(union_a, client_for):
    _mobile, request = request_to_join(union_a)
    chairman = staff_client(client_for, union_a, "chairman")
    assert chairman.post(approve_url(request)).status_code == 302

    response = chairman.post(reject_url(request))

    assert response.status_code == 302
    with translation.override("zh-hans"):
        expected = str(translation.gettext("This request has already been decided."))
    assert expected in message_texts(response)
    assert reload(union_a, request).status == MembershipRequest.Status.APPROVED


def test_decisions_are_posted_with_a_csrf_token(union_a, client_for):
    _mobile, request = request_to_join(union_a)
    _account, user = make_person(union_a, "chairman")
    client = Client(HTTP_HOST=host_of(union_a), enforce_csrf_checks=True)
    with tenant_context(union_a):
        client.force_login(user, backend="accounts.backends.AccountBackend")

    # Without the token the request is refused; Approve is a POST form carrying the token
    assert client.post(approve_url(request)).status_code == 403
    assert client.get(approve_url(request)).status_code == 405
    assert reload(union_a, request).status == MembershipRequest.Status.PENDING
    page = client.get(LIST).content.decode()
    form = re.search(rf'<form action="{approve_url(request)}" method="post".*?</form>', page, re.S)
    assert form is not None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0)).group(1)

    response = client.post(approve_url(request), {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert reload(union_a, request).status == MembershipRequest.Status.APPROVED


def test_a_member_can_neither_list_nor_decide(union_a, client_for):
    _mobile, request = request_to_join(union_a)
    member = staff_client(client_for, union_a)  # the member role: no access to the admin

    listing = member.get(LIST)
    decision = member.post(approve_url(request))

    assert listing.status_code in (302, 403) and "/login" in listing["Location"]
    assert decision.status_code in (302, 403)
    assert reload(union_a, request).status == MembershipRequest.Status.PENDING


def test_staff_without_the_permission_get_wagtails_permission_denied(union_a, client_for):
    _mobile, request = request_to_join(union_a)
    mediator = staff_client(client_for, union_a, "mediator")  # admin access, no membership rights

    home = mediator.get("/admin/")
    listing = mediator.get(LIST)
    decision = mediator.post(approve_url(request))

    assert home.status_code == 200 and LIST not in home.content.decode()
    assert listing.status_code == 302 and listing["Location"] == "/admin/"
    assert decision.status_code == 302 and decision["Location"] == "/admin/"
    assert reload(union_a, request).status == MembershipRequest.Status.PENDING


def test_the_menu_shows_membership_requests_to_officers(union_a, client_for):
    chairman = staff_client(client_for, union_a, "chairman")

    home = chairman.get("/admin/")

    assert home.status_code == 200 and LIST in home.content.decode()


def test_union_b_can_neither_see_nor_decide_union_a_requests(union_a, union_b, client_for):
    # Given a request in union A, and union B's chairman signed in on union B
    _mobile, request = request_to_join(union_a, name="周三")
    chairman_b = staff_client(client_for, union_b, "chairman")

    # When B's chairman lists requests and posts A's request id, on B's host
    listing = chairman_b.get(LIST)
    approve = chairman_b.post(approve_url(request))
    reject = chairman_b.post(reject_url(request))
    # ...or carries B's session to A's host
    on_a = chairman_b.post(approve_url(request), HTTP_HOST=host_of(union_a))

    # Then nothing of A shows or changes
    assert listing.status_code == 200 and list(listing.context["object_list"]) == []
    assert "周三" not in listing.content.decode()
    assert approve.status_code == 404 and reject.status_code == 404
    assert on_a.status_code == 302 and "/login" in on_a["Location"]
    assert reload(union_a, request).status == MembershipRequest.Status.PENDING


def test_membership_requests_do_not_exist_on_the_portal(portal, client_for):
    # Even a portal superuser: the portal's schema has no membership tables
    account, user = make_person(portal, "city_admin")
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    client = client_for(portal)
    assert sign_in(client, account.mobile).status_code == 302

    home = client.get("/admin/")
    listing = client.get(LIST)
    decision = client.post(f"{LIST}1/approve/")

    assert home.status_code == 200 and LIST not in home.content.decode()
    assert listing.status_code == 302 and listing["Location"] == "/admin/"
    assert decision.status_code == 302 and decision["Location"] == "/admin/"


def test_the_worker_is_told_of_the_decision_by_sms(union_a, client_for, django_capture_on_commit_callbacks):
    from accounts import sms

    mobile, request = request_to_join(union_a)
    chairman = staff_client(client_for, union_a, "chairman")
    with django_capture_on_commit_callbacks(execute=True):
        chairman.post(approve_url(request))
    texts = [message.text for message in sms.outbox if message.mobile == mobile]
    assert texts and union_a.name in texts[-1] and "欢迎" in texts[-1]


def test_the_dashboard_shows_officers_how_workers_join(union_a, client_for):
    request_to_join(union_a)
    page = staff_client(client_for, union_a, "officer").get("/admin/").content.decode()
    assert union_a.invite_code in page
    assert f"/accounts/register/?code={union_a.invite_code}" in page
    assert "1" in page and "待审核" in page
    editor_page = staff_client(client_for, union_a, "editor").get("/admin/").content.decode()
    assert union_a.invite_code not in editor_page


def test_the_join_link_prefills_the_invite_code(union_a, client_for):
    page = client_for(union_a).get(f"/accounts/register/?code={union_a.invite_code}").content.decode()
    assert f'value="{union_a.invite_code}"' in page
