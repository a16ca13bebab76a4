"""The union sees its own scorecard and what to fix — never another union's."""

from __future__ import annotations

import pytest

from assessment.services import scorecard_compute
from tests.factories import PASSWORD, make_person

from .conftest import checklist_payload, fact

pytestmark = pytest.mark.django_db

URL = "/admin/our-assessment/"


def chairman(union, client_for):
    account, _user = make_person(union, "chairman")
    client = client_for(union)
    assert (
        client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD}).status_code == 302
    )
    return client


def test_union_sees_only_its_own_scorecard(client_for, union_a, union_b, assessment_round):
    """Given only union A scored (its checklist lacks staff badges), when A's chairman opens the
    page, then A's score and what to fix show; B's chairman sees that B is not assessed, and
    nothing of A's."""
    fact(union_a, "home.checklist_counted", checklist_payload(missing=("staff_badges",)))
    card = scorecard_compute(assessment_round=assessment_round, union=union_a)

    response = chairman(union_a, client_for).get(URL)
    assert response.status_code == 200
    assert response.context["scorecard"].pk == card.pk
    codes = {line.score.code for line in response.context["to_fix"]}
    assert "display_identity" in codes

    response = chairman(union_b, client_for).get(URL)
    assert response.status_code == 200
    assert response.context["scorecard"] is None
    assert f"a score of {card.percent}" not in response.content.decode()


def test_member_without_admin_access_is_refused(client_for, union_a, assessment_round):
    """Given a plain member of union A, then the page is refused."""
    account, _user = make_person(union_a, "member")
    client = client_for(union_a)
    client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD})
    assert client.get(URL).status_code in (302, 403)
