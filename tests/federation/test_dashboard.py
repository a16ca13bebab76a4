"""数据看板 (journey 10): the federation dashboard, read from the registry and the facts only.

City administrators see the city, district administrators their district, station staff their
street, each drilling down to one union and never sideways, whatever the URL says; the figures
match the facts; small groups of people in sensitive situations show as "<5" on the page and in
the Excel export alike.
"""

from __future__ import annotations

import datetime
import io
import uuid
from urllib.parse import unquote

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from federation.dashboard import Period, Scope, dashboard_build, period_parse
from federation.models import District, Fact, FederationRole, Street
from federation.rollup import rollup_add
from tenants.registry.models import Union
from tests.factories import PASSWORD, make_person

pytestmark = pytest.mark.django_db

HOME = "/admin/dashboard/"


def sign_in(client: Client, mobile: str) -> None:
    assert client.post("/accounts/login/", {"username": mobile, "password": PASSWORD}).status_code == 302


def staff(portal, client_for, kind: str, *, district=None, street=None) -> Client:
    """A portal user with one federation role, signed in on the portal."""
    account, user = make_person(portal, kind, name="陈主任")
    FederationRole.objects.create(user=user, kind=kind, district=district, street=street)
    client = client_for(portal)
    sign_in(client, account.mobile)
    return client


def chaoyang() -> District:
    return District.objects.get(code="110105")


def haidian() -> District:
    return District.objects.get(code="110108")


def wangjing() -> Street:
    return Street.objects.get(code="110105010")


def zhongguancun() -> Street:
    return Street.objects.get(code="110108015")


@pytest.fixture
def placed(union_a, union_b) -> tuple[Union, Union]:
    """Union A on Wangjing street (Chaoyang), union B on Zhongguancun street (Haidian)."""
    union_a.street, union_a.member_count = wangjing(), 120
    union_a.save(update_fields=["street", "member_count"])
    union_b.street, union_b.member_count = zhongguancun(), 80
    union_b.save(update_fields=["street", "member_count"])
    return union_a, union_b


def fact(union: Union, name: str, payload: dict | None = None, *, days_ago: int = 0, at=None) -> Fact:
    """A fact as ``facts_receive`` stores it: the row, and counted into the monthly rollup."""
    stored = Fact.objects.create(
        event_id=uuid.uuid4(),
        union=union,
        district=union.district,
        street=union.street,
        name=name,
        occurred_at=at or timezone.now() - datetime.timedelta(days=days_ago),
        payload=payload or {},
    )
    rollup_add([stored])
    return stored


def this_year() -> Period:
    return period_parse({})


def link(level: str, pk: int) -> str:
    return f"/{level}/{pk}/"


def row(table, label: str):
    return next(r for r in table.rows if r.label == label)


# --- Figures ------------------------------------------------------------------------------------


def test_the_figures_are_the_facts_counted(placed):
    """Given known facts of union A (Chaoyang) and B (Haidian) this year, when the city page is
    built, then each district's row and the total count exactly those facts."""
    union_a, union_b = placed
    today = timezone.localdate()
    for kind in ("appeal", "appeal", "proposal"):
        fact(union_a, "case.opened", {"kind": kind})
    fact(union_a, "case.closed", {"kind": "appeal", "on_time": True, "days_open": 3})
    fact(union_a, "case.closed", {"kind": "appeal", "on_time": False, "days_open": 40})
    fact(union_a, "case.overdue", {"kind": "appeal", "days_over": 2})
    fact(union_a, "activity.held", {"kind": "sports", "participants": 40, "attended": 31})
    fact(union_a, "activity.held", {"kind": "culture", "participants": 20, "attended": 19})
    fact(union_a, "congress.session_held", {"session": 3})
    fact(union_b, "case.opened", {"kind": "appeal"})
    fact(union_b, "election.held", {"committee_kind": "union", "ballots_cast": 60})
    fact(union_a, "mediation.case_accepted", {"claim_kind": "wages"})
    fact(union_a, "mediation.case_accepted", {"claim_kind": "wages"})
    fact(union_b, "activity.held", {"kind": "sports", "participants": 10, "attended": 10})
    # Terms: A's union committee ends within six months; B's was due two months ago; A's
    # renewed funds committee (a newer term) counts only by its latest term.
    fact(
        union_a,
        "committee.term_started",
        {"committee_kind": "union", "ends_on": (today + datetime.timedelta(days=90)).isoformat()},
    )
    fact(
        union_b,
        "committee.term_started",
        {"committee_kind": "union", "ends_on": (today - datetime.timedelta(days=60)).isoformat()},
    )
    fact(
        union_a,
        "committee.term_started",
        {"committee_kind": "funds", "ends_on": (today - datetime.timedelta(days=5)).isoformat()},
        days_ago=2,
    )
    fact(
        union_a,
        "committee.term_started",
        {"committee_kind": "funds", "ends_on": (today + datetime.timedelta(days=1500)).isoformat()},
        days_ago=1,
    )

    board = dashboard_build(Scope("city"), this_year(), link=link)
    tables = {table.key: table for table in board.units}

    unions = row(tables["unions"], "朝阳区")
    assert unions.cells == {"unions": 1, "members": 120, "active": 1, "suspended": 0}
    assert unions.url == f"/district/{chaoyang().pk}/"
    cases = row(tables["cases"], "朝阳区").cells
    assert cases == {
        "cases_opened": 3, "cases_closed": 2, "cases_on_time": 1, "cases_compliance": 50, "cases_overdue": 1,
    }  # fmt: skip
    activities = row(tables["activities"], "朝阳区").cells
    assert activities == {
        "activities_held": 2,
        "activity_signups": 60,
        "activity_attended": 50,
        "congresses_held": 1,
        "docking_used": 0,
    }
    assert row(tables["terms"], "朝阳区").cells == {
        "terms_expiring": 1,
        "terms_overdue": 0,
        "elections_held": 0,
    }
    assert row(tables["terms"], "海淀区").cells == {
        "terms_expiring": 0,
        "terms_overdue": 1,
        "elections_held": 1,
    }
    # A district's figures are not suppressed: two mediations show as two.
    assert row(tables["mediation_counselling"], "朝阳区").cells["mediations_accepted"] == 2
    assert tables["cases"].total.cells["cases_opened"] == 4
    assert tables["unions"].total.cells["members"] == 200
    assert tables["activities"].total.cells["activity_attended"] == 60

    by_kind = {table.key: table for table in board.breakdowns}["cases_by_kind"]
    assert [r.cells["cases_opened"] for r in by_kind.rows] == [3, 1]  # appeals, then proposals
    month = timezone.localdate().strftime("%Y-%m")
    assert board.trend.rows[-1].label == month and board.trend.rows[-1].cells["cases_opened"] == 4


def test_the_period_filter_keeps_facts_of_the_period_only(placed):
    """Given a case opened last year and one now, then "this year" counts one and a custom
    period spanning both counts two; bad dates are refused with a message."""
    union_a, _union_b = placed
    now = timezone.localtime()
    fact(union_a, "case.opened", {"kind": "appeal"}, at=now.replace(year=now.year - 1, month=6, day=1))
    fact(union_a, "case.opened", {"kind": "appeal"})
    scope = Scope("union", district=union_a.district, street=union_a.street, union=union_a)

    def opened(period: Period) -> int:
        return dashboard_build(scope, period, link=link).units[1].rows[0].cells["cases_opened"]

    assert opened(this_year()) == 1
    custom = period_parse({"period": "custom", "from": f"{now.year - 1}-01-01", "to": now.date().isoformat()})
    assert opened(custom) == 2
    for bad in ({"period": "custom", "from": "2026-13-01", "to": "2026-01-01"},
                {"period": "custom", "from": "2026-05-01", "to": "2026-01-01"}):  # fmt: skip
        with pytest.raises(ValueError):
            period_parse(bad)


# --- Access and scope -----------------------------------------------------------------------------


def test_city_admin_drills_down_from_the_city_to_one_union(portal, placed, client_for):
    """Given a city administrator, when they follow the links city → district → street → union,
    then each page links to the next and the union's page shows that union only."""
    union_a, union_b = placed
    fact(union_a, "case.opened", {"kind": "appeal"})
    admin = staff(portal, client_for, FederationRole.Kind.CITY_ADMIN)

    city = admin.get(HOME)
    assert city.status_code == 200
    district_url = f"{HOME}district/{chaoyang().pk}/"
    assert district_url in city.content.decode() and "海淀区" in city.content.decode()
    district = admin.get(district_url)
    street_url = f"{HOME}street/{wangjing().pk}/"
    assert street_url in district.content.decode()
    assert "中关村" not in district.content.decode()
    street = admin.get(street_url)
    union_url = f"{HOME}union/{union_a.pk}/"
    assert union_url in street.content.decode()
    one = admin.get(union_url)
    page = one.content.decode()
    assert one.status_code == 200 and union_a.name in page and union_b.name not in page
    assert 'href="/admin/dashboard/?period=year"' in page  # the breadcrumb back to the city


def test_district_admin_sees_their_district_only_even_by_url(portal, placed, client_for):
    """Given Haidian's district administrator, then the dashboard opens on Haidian, shows no
    Chaoyang union, and Chaoyang's district, street, union pages and exports are not found."""
    union_a, union_b = placed
    admin = staff(portal, client_for, FederationRole.Kind.DISTRICT_ADMIN, district=haidian())

    home = admin.get(HOME)
    assert home.status_code == 302 and home["Location"].startswith(f"{HOME}district/{haidian().pk}/")
    page = admin.get(home["Location"]).content.decode()
    assert "中关村街道" in page and union_a.name not in page and "朝阳区" not in page
    assert admin.get(f"{HOME}union/{union_b.pk}/").status_code == 200
    for url in (f"district/{chaoyang().pk}/", f"street/{wangjing().pk}/", f"union/{union_a.pk}/",
                f"district/{chaoyang().pk}/export/", f"union/{union_a.pk}/export/", "export/"):  # fmt: skip
        assert admin.get(HOME + url).status_code == 404, url


def test_station_staff_see_their_street_only(portal, placed, client_for):
    """Given Wangjing station staff, then the dashboard opens on Wangjing with union A; the
    district above, another street and union B are not found."""
    union_a, union_b = placed
    station = staff(
        portal, client_for, FederationRole.Kind.STATION_STAFF, district=chaoyang(), street=wangjing()
    )

    home = station.get(HOME)
    assert home["Location"].startswith(f"{HOME}street/{wangjing().pk}/")
    page = station.get(home["Location"]).content.decode()
    assert union_a.name in page and union_b.name not in page
    assert station.get(f"{HOME}union/{union_a.pk}/").status_code == 200
    for url in (f"district/{chaoyang().pk}/", f"street/{zhongguancun().pk}/", f"union/{union_b.pk}/"):
        assert station.get(HOME + url).status_code == 404, url


def test_nobody_else_reaches_the_dashboard(portal, union_a, client_for):
    """Given a union's chairman on the union's site and a portal user without a federation
    role, then neither gets the dashboard, and the menu does not offer it to them."""
    account, _user = make_person(union_a, "chairman", name="张伟")
    chairman = client_for(union_a)
    sign_in(chairman, account.mobile)
    assert chairman.get(HOME).status_code in (302, 403, 404)

    account, _user = make_person(portal, name="李明")
    nobody = client_for(portal)
    sign_in(nobody, account.mobile)
    response = nobody.get(HOME)
    assert response.status_code in (302, 403)
    anonymous = client_for(portal).get(HOME)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]

    admin = staff(portal, client_for, FederationRole.Kind.CITY_ADMIN)
    assert HOME in admin.get("/admin/").content.decode()  # the menu offers it to staff


def test_a_bad_period_shows_a_message_not_an_error(portal, placed, client_for):
    """Given reversed custom dates, then the page answers with the default period and says why."""
    admin = staff(portal, client_for, FederationRole.Kind.CITY_ADMIN)
    response = admin.get(HOME, {"period": "custom", "from": "2026-05-01", "to": "2026-01-01"})
    assert response.status_code == 200
    assert (
        "结束日期早于开始日期" in response.content.decode()
        or "end is before its start" in response.content.decode()
    )


# --- Suppression and export ------------------------------------------------------------------------


def test_small_hardship_groups_show_as_under_five_on_the_page_and_in_the_export(portal, placed, client_for):
    """Given three hardship files in union A, when Chaoyang's administrator opens Wangjing
    street, then A's count shows as <5 (and the street's total too, as it equals it); the
    assistance amount is hidden with its count; the district page hides the street's row; the
    Excel export hides the same cells."""
    union_a, _union_b = placed
    for _ in range(3):
        fact(union_a, "hardship.file_opened", {"kind": "medical", "tier": "deep", "fallback": False})
    fact(
        union_a,
        "hardship.assistance",
        {"kind": "medical", "tier": "deep", "form": "money", "source": "union_funds", "amount": "800.00"},
    )
    admin = staff(portal, client_for, FederationRole.Kind.DISTRICT_ADMIN, district=chaoyang())

    street = admin.get(f"{HOME}street/{wangjing().pk}/").content.decode()
    section = street[street.index('data-table="hardship"') : street.index('id="section-followups"')]
    assert "&lt;5" in section and ">3<" not in section and "800" not in section

    district = admin.get(f"{HOME}district/{chaoyang().pk}/").content.decode()
    section = district[district.index('data-table="hardship"') : district.index('id="section-followups"')]
    assert "&lt;5" in section and ">3<" not in section

    export = admin.get(f"{HOME}street/{wangjing().pk}/export/", {"table": "hardship", "period": "year"})
    assert export.status_code == 200
    disposition = export["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition
    filename = unquote(disposition.split("filename*=UTF-8''")[1])
    assert filename.startswith("朝阳区望京街道-") and filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [[cell.value for cell in line] for line in sheet.iter_rows(min_row=2)]
    assert values[1][0] == union_a.name and values[1][1] == "<5" and values[1][4] == "<5"
    assert values[-1][1] == "<5"  # the street's total is the union's figure: hidden too
    assert all(3 not in line and 800 not in line for line in values)


def test_the_export_has_every_table_and_the_same_figures(portal, placed, client_for):
    """Given facts, when the city administrator exports all tables, then the workbook holds a
    sheet per table with the page's figures."""
    union_a, _union_b = placed
    for _ in range(6):
        fact(union_a, "case.opened", {"kind": "appeal"})
    admin = staff(portal, client_for, FederationRole.Kind.CITY_ADMIN)
    export = admin.get(f"{HOME}export/")
    book = load_workbook(io.BytesIO(export.content))
    assert len(book.sheetnames) >= 7
    cases = book[book.sheetnames[1]]
    lines = [[cell.value for cell in line] for line in cases.iter_rows(min_row=3)]
    assert lines[0][:2] == ["朝阳区", 6] and lines[-1][1] == 6
    assert admin.get(f"{HOME}export/", {"table": "nonsense"}).status_code == 404
