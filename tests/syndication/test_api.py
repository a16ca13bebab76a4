"""The union API of federation notices: only those addressed to the union, "mark read" for staff."""

from __future__ import annotations

import pytest

from syndication.models import NoticeReceipt
from tests.mechanisms.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_the_api_lists_only_the_unions_notices_and_lets_staff_mark_them_read(
    union_a, union_b, client_for, staff_a, federation, chaoyang, publish
):
    """Given a notice to 朝阳区, then union A's API lists and returns it, union B's neither; a
    member may not mark it read (403), the chairman may, once."""
    notice = publish(
        federation["chaoyang"].user, "朝阳区工会经费使用通知", districts=[chaoyang], kind="policy"
    )

    listing = client_for(union_a).get("/api/v1/federation-notices/")
    assert listing.status_code == 200
    assert [row["title"] for row in listing.json()["results"]] == ["朝阳区工会经费使用通知"]
    assert listing.json()["results"][0]["kind"] == "policy"
    site_b = client_for(union_b)
    assert site_b.get("/api/v1/federation-notices/").json()["results"] == []
    assert site_b.get(f"/api/v1/federation-notices/{notice.pk}/").status_code == 404

    member = signed_in(client_for(union_a), staff_a["member"].account)
    assert member.post(f"/api/v1/federation-notices/{notice.pk}/read/").status_code == 403
    chairman = signed_in(client_for(union_a), staff_a["chairman"].account)
    assert chairman.post(f"/api/v1/federation-notices/{notice.pk}/read/").status_code == 200
    assert chairman.post(f"/api/v1/federation-notices/{notice.pk}/read/").status_code == 200
    assert NoticeReceipt.objects.filter(notice=notice, union=union_a).count() == 1
