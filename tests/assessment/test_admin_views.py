"""The assessment in the federation portal's admin: a round's unions scoped by federation role,
one union's scorecard, the district's review (its own district only) and the Excel export."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from assessment.models import CriterionScore
from assessment.services import round_compute
from federation.models import District, FederationRole, Street
from tests.factories import PASSWORD, make_person

from .conftest import YEAR, checklist_payload, fact

pytestmark = pytest.mark.django_db

BASE = f"/admin/assessment/{YEAR}/"


def staff(portal, client_for, kind: str, *, district=None, street=None) -> Client:
    account, user = make_person(portal, kind, name="陈主任")
    FederationRole.objects.create(user=user, kind=kind, district=district, street=street)
    client = client_for(portal)
    assert (
        client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD}).status_code == 302
    )
    return client


@pytest.fixture
def computed(union_a, union_b, assessment_round):
    """Union A in Chaoyang (Wangjing) with its checklist reported, union B in Haidian; computed."""
    union_a.street = Street.objects.get(code="110105010")
    union_a.save(update_fields=["street"])
    union_b.street = Street.objects.get(code="110108015")
    union_b.save(update_fields=["street"])
    union_a.refresh_from_db()
    union_b.refresh_from_db()
    fact(union_a, "home.checklist_counted", checklist_payload(missing=("staff_badges",)))
    round_compute(assessment_round=assessment_round)
    return assessment_round


def chaoyang() -> District:
    return District.objects.get(code="110105")


def haidian() -> District:
    return District.objects.get(code="110108")


def test_round_list_is_scoped_by_role(portal, client_for, union_a, union_b, computed):
    """Given both unions scored, when the city admin and Chaoyang's admin open the round, then
    the city sees both and Chaoyang only its union A."""
    city = staff(portal, client_for, "city_admin")
    page = city.get(BASE).content.decode()
    assert union_a.name in page and union_b.name in page
    district = staff(portal, client_for, "district_admin", district=chaoyang())
    page = district.get(BASE).content.decode()
    assert union_a.name in page and union_b.name not in page


def test_scorecard_page_and_other_district_404(portal, client_for, union_a, union_b, computed):
    """Given Chaoyang's admin, then union A's scorecard shows what to fix; union B's is 404."""
    client = staff(portal, client_for, "district_admin", district=chaoyang())
    response = client.get(f"{BASE}union/{union_a.pk}/")
    assert response.status_code == 200
    assert "display_identity" in {line.score.code for line in response.context["to_fix"]}
    assert response.context["may_review"]
    assert client.get(f"{BASE}union/{union_b.pk}/").status_code == 404


def test_override_by_the_unions_district_admin_only(portal, client_for, union_a, computed):
    """Given union A in Chaoyang, when Haidian's admin posts an override, then 404 and nothing
    changes; when Chaoyang's admin posts one with a comment, then it counts in the total; without
    a comment it is refused with a message and nothing is saved."""
    url = f"{BASE}union/{union_a.pk}/"
    score = CriterionScore.objects.get(scorecard__union=union_a, code="org_congress")
    other = staff(portal, client_for, "district_admin", district=haidian())
    assert other.post(url, {"code": "org_congress", "points": "5", "comment": "看过"}).status_code == 404
    city = staff(portal, client_for, "city_admin")
    assert city.post(url, {"code": "org_congress", "points": "5", "comment": "看过"}).status_code == 404
    score.refresh_from_db()
    assert score.override_points is None

    own = staff(portal, client_for, "district_admin", district=chaoyang())
    response = own.post(url, {"code": "org_congress", "points": "5", "comment": ""}, follow=True)
    errors = [message for message in response.context["messages"] if message.level_tag == "error"]
    assert len(errors) == 1
    score.refresh_from_db()
    assert score.override_points is None

    before = score.scorecard.earned
    own.post(url, {"code": "org_congress", "points": "5", "comment": "现场查看了职代会记录"})
    score.refresh_from_db()
    assert score.override_points == 5
    score.scorecard.refresh_from_db()
    assert score.scorecard.earned == before + 5

    own.post(url, {"code": "org_congress", "points": "9", "comment": "太多"})
    score.refresh_from_db()
    assert score.override_points == 5  # over the criterion's maximum: refused


def test_site_visit_recorded_by_own_district(portal, client_for, union_a, computed):
    """Given Chaoyang's admin, when recording a visit, then it is on the scorecard."""
    own = staff(portal, client_for, "district_admin", district=chaoyang())
    url = f"{BASE}union/{union_a.pk}/"
    own.post(
        url,
        {
            "action": "visit",
            "visited_on": "2026-01-05",
            "visit_note": "场地整洁",
            "evidence_notes": "照片3张",
        },
    )
    card = computed.scorecards.get(union=union_a)
    assert card.visit_note == "场地整洁"
    assert card.visited_on.isoformat() == "2026-01-05"


def test_excel_export_is_scoped(portal, client_for, union_a, union_b, computed):
    """Given Chaoyang's admin, when exporting the round, then the workbook holds union A only,
    with its total and rating."""
    client = staff(portal, client_for, "district_admin", district=chaoyang())
    response = client.get(f"{BASE}export/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    names = [row[0] for row in rows[1:]]
    assert names == [union_a.name]
    card = computed.scorecards.get(union=union_a)
    assert rows[1][3] == card.earned
    assert len(book.worksheets[1]["A"]) == 31  # header + 30 criteria


def test_members_of_a_union_cannot_open_the_portal_pages(client_for, union_a, computed):
    """Given a union's chairman on the union's site, then the federation's pages are refused."""
    account, _user = make_person(union_a, "chairman")
    client = client_for(union_a)
    client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD})
    assert client.get(BASE).status_code in (302, 403, 404)


def test_city_admin_opens_a_round_and_bad_year_is_refused(portal, client_for, union_a):
    """Given the city admin, when opening 2026, then the round exists with scorecards; a year
    like 99999 or "abc" gives a message and opens nothing; a district admin may not open one."""
    from assessment.models import AssessmentRound

    city = staff(portal, client_for, "city_admin")
    assert city.post("/admin/assessment/", {"year": "2026"}).status_code == 302
    assert AssessmentRound.objects.get(year=2026).scorecards.filter(union=union_a).exists()
    for bad in ("99999", "abc"):
        response = city.post("/admin/assessment/", {"year": bad}, follow=True)
        assert response.status_code == 200
        assert [m for m in response.context["messages"] if m.level_tag == "error"]
    assert AssessmentRound.objects.count() == 1
    district = staff(portal, client_for, "district_admin", district=chaoyang())
    assert district.post("/admin/assessment/", {"year": "2027"}).status_code in (302, 403)  # refused
    assert not AssessmentRound.objects.filter(year=2027).exists()
