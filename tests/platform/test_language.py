"""Chinese first: zh-hans whatever the browser says, English when the person chooses it."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_chinese(union_a, client_for):
    response = client_for(union_a).get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in response.content.decode() and "手机号" in response.content.decode()


def test_choosing_english_switches_and_sticks(union_a, client_for):
    client = client_for(union_a)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    body = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in body and "Mobile number" in body
