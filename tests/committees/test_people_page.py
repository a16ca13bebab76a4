"""The site's people page (亮身份, issue 3) and the chairman's contact come from the committees
once the union has entered them, instead of duplicating them in the page; the home's checklist
follows the same source. Union B's site never shows union A's committees."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from cms.checklist import home_checklist
from cms.models import PeoplePage, StaffMember
from tenants.committees.models import Position
from tenants.committees.services import position_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_entries(union_a):
    """Union A's people page with its own (older) entries: a chairman and one staff member."""
    with tenant_context(union_a):
        people = PeoplePage.objects.get()
        people.chairman_name, people.chairman_mobile, people.chairman_email = (
            "旧主席",
            "13800009999",
            "old@example.com",
        )
        people.save()
        StaffMember.objects.create(page=people, name="页面工作人员", role="委员", badge_number="P001")
        people.save_revision().publish()
    return people


def test_without_committee_data_the_page_keeps_its_own_entries(union_a, client_for, page_entries):
    html = client_for(union_a).get("/people/").content.decode()
    assert "旧主席" in html and 'href="tel:13800009999"' in html and "页面工作人员" in html


def test_with_committee_data_the_page_lists_committees_and_the_chairmans_contact_from_them(
    union_a, union_b, client_for, page_entries, committee
):
    html = client_for(union_a).get("/people/").content.decode()
    # The committee, its term, positions, names and badge numbers
    assert "工会委员会" in html and "第3届" in html
    assert "张建国" in html and "李秀兰" in html and str(Position.Role.VICE_CHAIRMAN.label) in html
    assert "GH00101" in html and "GH00102" in html
    # The chairman's public contact is the chairman position's, shown prominently
    assert 'href="tel:13920002001"' in html and "mailto:zhuxi@example.com" in html
    # The page's own entries are not shown (no duplicates)
    assert "旧主席" not in html and "页面工作人员" not in html and "13800009999" not in html
    # The home page shows the same contact
    home = client_for(union_a).get("/").content.decode()
    assert 'href="tel:13920002001"' in home and "13800009999" not in home
    # Union B's site shows none of it
    other = client_for(union_b).get("/people/").content.decode()
    assert "张建国" not in other and "13920002001" not in other


def test_a_change_of_the_chairmans_contact_shows_at_once(
    union_a, client_for, committee, django_capture_on_commit_callbacks
):
    assert 'href="tel:13920002001"' in client_for(union_a).get("/people/").content.decode()
    with tenant_context(union_a), django_capture_on_commit_callbacks(execute=True):
        position = Position.objects.get(role="chairman")
        position_update(
            position=position, role="chairman", public_mobile="13920002999", public_email="z@example.com"
        )
    html = client_for(union_a).get("/people/").content.decode()
    assert 'href="tel:13920002999"' in html and "13920002001" not in html


def test_the_checklist_reads_the_chairmans_contact_and_badges_from_the_committees(
    union_a, page_entries, committee, django_capture_on_commit_callbacks
):
    with tenant_context(union_a):
        checklist = home_checklist()
        contact, badges, listed = (
            checklist.item(code) for code in ("chairman_contact", "staff_badges", "staff_listed")
        )
        assert contact.ok and listed.ok and badges.ok  # both position holders have badge numbers
        assert contact.fix_url == badges.fix_url == "/admin/organisation/committees/"
        position = Position.objects.get(role="chairman")
        with django_capture_on_commit_callbacks(execute=True):
            position_update(position=position, role="chairman", public_mobile="13920002001", public_email="")
        assert not home_checklist().item("chairman_contact").ok


def test_the_home_page_stays_within_fifteen_queries_with_committee_data(union_a, client_for, settings,
                                                                         django_assert_max_num_queries):  # fmt: skip
    from cms.demo import site_demo_fill
    from tenants.committees import demo as committees_demo
    from tenants.membership import demo as membership_demo
    from tenants.registry.demo_data import UNIONS, officer_person

    with tenant_context(union_a):
        site_demo_fill(spec=UNIONS[0], index=0)
        membership_demo.demo_fill(spec=UNIONS[0], index=0)
        committees_demo.demo_fill(spec=UNIONS[0], index=0)
    settings.TENANT_LIMIT_SET_CALLS = True
    site = client_for(union_a)
    assert site.get("/").status_code == 200  # renditions made, the board cached
    with django_assert_max_num_queries(15):
        html = site.get("/").content.decode()
    assert f'href="tel:{officer_person(0, 1).mobile}"' in html
