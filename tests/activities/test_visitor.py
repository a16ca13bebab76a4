"""Workers of other unions sign up with their one account where an activity is open to them:
the sign-in-to-sign-up page checks the password (counted by django-axes like the normal sign-in)
and gives them a local user with the ``visitor`` role, which gets nothing member-only."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.activities.models import ActivitySignup
from tenants.users.models import User
from tests.activities.conftest import new_activity, signed_in
from tests.factories import PASSWORD, make_account, make_person
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def sister_match(union_a, people):
    with tenant_context(union_a):
        return new_activity(
            people["chairman"][1], title="两厂联谊篮球赛", audience="sister_unions", capacity=10
        )


@pytest.fixture
def worker_b(union_b):
    """A member of union B (home union B), with no user in union A."""
    return make_person(union_b, "member", name="钱师傅")


def join(client, activity, account, password=PASSWORD):
    return client.post(f"/activities/{activity.pk}/join/", {"username": account.mobile, "password": password})


def test_a_worker_of_another_union_signs_in_and_signs_up_in_one_step(
    union_a, client_for, sister_match, worker_b
):
    account_b, _ = worker_b
    client = client_for(union_a)
    # The normal sign-in refuses them: they are not a member here
    assert (
        client.post("/accounts/login/", {"username": account_b.mobile, "password": PASSWORD}).status_code
        == 200
    )
    # The activity's page offers "sign in and sign up"; that page signs them in and up
    page = client.get(f"/activities/{sister_match.pk}/").content.decode()
    assert f"/activities/{sister_match.pk}/join/" in page
    assert client.get(f"/activities/{sister_match.pk}/join/").status_code == 200
    response = join(client, sister_match, account_b)
    assert response.status_code == 302 and response["Location"] == f"/activities/{sister_match.pk}/"
    with tenant_context(union_a):
        visitor = User.objects.get(account_id=account_b.pk)
        assert set(visitor.groups.values_list("name", flat=True)) == {"visitor"}
        assert ActivitySignup.objects.get(activity=sister_match, user=visitor).status == "confirmed"
    # They are signed in on A's site now, and see it among their activities
    assert "两厂联谊篮球赛" in client.get("/my/activities/").content.decode()
    # Next time the normal sign-in works too (they have a local user), still only as a visitor
    other = client_for(union_a)
    assert (
        other.post("/accounts/login/", {"username": account_b.mobile, "password": PASSWORD}).status_code
        == 302
    )


def test_members_only_activities_and_people_of_no_union_are_refused(union_a, client_for, people, worker_b):
    account_b, _ = worker_b
    with tenant_context(union_a):
        members_only = new_activity(people["chairman"][1], title="本会会员专场")
        sister = new_activity(people["chairman"][1], title="联谊羽毛球赛", audience="sister_unions")
    client = client_for(union_a)
    assert client.get(f"/activities/{members_only.pk}/join/").status_code == 404
    assert join(client, members_only, account_b).status_code == 404
    # Someone with an account but no union cannot join a sister-union activity
    nobody = make_account(name="无单位人员")
    response = join(client, sister, nobody)
    assert response.status_code == 403
    with tenant_context(union_a):
        assert not User.objects.filter(account_id=nobody.pk).exists()
        assert not ActivitySignup.objects.exists()


def test_wrong_passwords_count_towards_the_same_lockout_as_the_normal_sign_in(
    union_a, client_for, sister_match, worker_b, settings
):
    account_b, _ = worker_b
    client = client_for(union_a)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = join(client, sister_match, account_b, password="wrong-password")
        assert response.status_code == 400
    # The last failure is a normal sign-in attempt: both count towards one lock
    client.post("/accounts/login/", {"username": account_b.mobile, "password": "wrong-password"})
    # Locked now: even the right password is turned away, on either page
    assert join(client, sister_match, account_b).status_code == 429
    assert (
        client.post("/accounts/login/", {"username": account_b.mobile, "password": PASSWORD}).status_code
        == 429
    )
    with tenant_context(union_a):
        assert not User.objects.filter(account_id=account_b.pk).exists()


def test_an_unknown_number_is_a_plain_failure(union_a, client_for, sister_match):
    client = client_for(union_a)
    response = client.post(
        f"/activities/{sister_match.pk}/join/", {"username": "13912345678", "password": "x" * 12}
    )
    assert response.status_code == 400


def test_a_visitor_gets_nothing_member_only(union_a, client_for, people, sister_match, worker_b):
    """Signed in on A as a visitor: no members' activities, no reception booking, no appeal
    filed as a member, no proposals, no admin."""
    from tenants.proposals.selectors import is_member as proposals_member
    from tenants.reception.models import ReceptionSchedule
    from tenants.reception.services import reception_booking_create

    account_b, _ = worker_b
    client = client_for(union_a)
    join(client, sister_match, account_b)
    with tenant_context(union_a):
        visitor = User.objects.get(account_id=account_b.pk)
        members_only = new_activity(people["chairman"][1], title="会员专属观影")
        assert not proposals_member(visitor)
        schedule = ReceptionSchedule.objects.create(
            title="主席接待日", host=people["chairman"][1], place="调解室", frequency="weekly",
            weekday=(timezone.localdate() + datetime.timedelta(days=2)).weekday(),
            starts_on=timezone.localdate(), start_time=datetime.time(14), end_time=datetime.time(16),
            slot_minutes=30, people_per_slot=2,
        )  # fmt: skip
        day = timezone.localdate() + datetime.timedelta(days=2)
        with pytest.raises(ServiceError) as error:
            reception_booking_create(
                schedule=schedule, slot_start=schedule.slot_starts(day)[0], member=visitor, topic="咨询"
            )
        assert error.value.code == "booking_members_only"
    # The members' activity: no sign-up button, and the sign-up is refused
    page = client.get(f"/activities/{members_only.pk}/").content.decode()
    assert f"/activities/{members_only.pk}/signup/" not in page
    client.post(f"/activities/{members_only.pk}/signup/")
    with tenant_context(union_a):
        assert not ActivitySignup.objects.filter(activity=members_only).exists()
    # The appeal form asks a visitor for name and mobile like any non-member
    appeal = client.get("/appeals/new/").content.decode()
    assert 'name="mobile"' in appeal
    # No admin, no staff API
    assert client.get("/admin/activities/").status_code in (302, 403, 404)
    assert client.get("/admin/").status_code in (302, 403)


def test_a_member_here_using_the_join_page_stays_a_member(union_a, client_for, people, sister_match):
    account, worker = people["worker"]
    client = client_for(union_a)
    assert join(client, sister_match, account).status_code == 302
    with tenant_context(union_a):
        assert set(worker.groups.values_list("name", flat=True)) == {"member"}
        assert ActivitySignup.objects.get(activity=sister_match, user=worker).status == "confirmed"


def test_union_b_signed_in_people_do_not_carry_over_to_union_a(union_a, client_for, worker_b, sister_match):
    account_b, _ = worker_b
    from tenants.registry.models import Union

    client_b = signed_in(client_for(Union.objects.get(slug="hengtong")), account_b)
    # B's session cookie is host-only; on A's host the person is anonymous
    client_a = client_for(union_a)
    client_a.cookies = client_b.cookies
    response = client_a.post(f"/activities/{sister_match.pk}/signup/")
    assert response.status_code == 302 and "/join/" in response["Location"]
