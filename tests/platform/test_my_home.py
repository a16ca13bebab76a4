"""我的: the signed-in worker's hub, with member-only parts for members only."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, make_person


def signed_in(client, account):
    response = client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


pytestmark = pytest.mark.django_db


def test_a_member_sees_everything_they_have_with_the_union(union_a, client_for):
    account, _user = make_person(union_a, "member", name="王建国")
    client = signed_in(client_for(union_a), account)
    page = client.get("/my/").content.decode()
    for url in ("/my/cases/", "/my/activities/", "/my/calendar/", "/my/training/", "/my/bookings/", "/my/library/",
                "/my/privacy/"):  # fmt: skip
        assert f'href="{url}"' in page
    assert 'href="/my/"' in page  # the top bar leads here


def test_a_worker_of_another_union_sees_only_what_visitors_have(union_a, client_for):
    account, _user = make_person(union_a, "visitor", name="外单位职工")
    client = signed_in(client_for(union_a), account)
    page = client.get("/my/").content.decode()
    assert 'href="/my/activities/"' in page
    assert 'href="/my/training/"' not in page and 'href="/my/library/"' not in page


def test_signing_in_is_needed_and_a_session_of_one_union_is_nothing_on_another(union_a, union_b, client_for):
    assert client_for(union_a).get("/my/").status_code == 302
    account, _user = make_person(union_a, "member", name="王建国")
    client = signed_in(client_for(union_a), account)
    client.defaults["HTTP_HOST"] = union_b.primary_host
    response = client.get("/my/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
