"""Referral rules: consent before sharing, only the sender's choices reach the station, status
kept in step on both sides, overdue escalation to the district, the rating at the end, the
station registry's scope, and tenant safety."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from accounts import sms
from stations.models import StationReferral
from stations.selectors import referrals_visible_to, station_unions
from stations.services import referral_advance, referrals_escalate_overdue, station_save
from tenants.events.delivery import outbox_deliver_pending
from tenants.privacy.models import Consent
from tenants.referrals_out.models import OutgoingReferral
from tenants.referrals_out.services import referral_rate, referral_send, referral_sync
from tests.mediation.conftest import frozen
from workershome.errors import ServiceError

from .conftest import send_and_deliver

pytestmark = pytest.mark.django_db


def advance(union, referral, action, by, note=""):
    connection.set_schema_to_public()
    referral_advance(referral=referral, action=action, note=note, by=by)
    with tenant_context(union):
        referral_sync(referral_uuid=str(referral.referral_uuid))
    connection.set_schema_to_public()


def test_consent_is_required_before_anything_is_shared(union_a, people, failed):
    """Given a failed case, when the mediator sends it without the worker's consent, then it is
    refused with a clear message, and no referral, consent or event is recorded."""
    with tenant_context(union_a):
        consents = Consent.objects.count()
        with pytest.raises(ServiceError) as error:
            referral_send(mediation=failed, shared=["claim"], difficulty="simple", consent_given=False,
                          by=people["mediator"])  # fmt: skip
        assert error.value.code == "consent_required"
        assert not OutgoingReferral.objects.exists() and Consent.objects.count() == consents
        outbox_deliver_pending()
    assert not StationReferral.objects.exists()


def test_only_mediators_send_and_only_failed_station_cases(union_a, people, accepted, stations):
    """Given a case still being mediated, it cannot be referred; an officer cannot send at all."""
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as error:
            referral_send(mediation=accepted, shared=[], difficulty="simple", consent_given=True,
                          by=people["mediator"])  # fmt: skip
        assert error.value.code == "referral_not_failed"
        with pytest.raises(ServiceError) as error:
            referral_send(mediation=accepted, shared=[], difficulty="simple", consent_given=True,
                          by=people["officer"])  # fmt: skip
        assert error.value.status == 404


def test_shares_only_the_kind_when_nothing_is_chosen_and_delivery_is_idempotent(union_a, people, failed):
    """Given nothing ticked, the station sees only the kind of dispute; delivering again adds nothing."""
    referral = send_and_deliver(union_a, failed, people["mediator"], shared=[], note="")
    assert len(referral.shared) == 1 and "王小明" not in str(referral.shared)
    with tenant_context(union_a):
        outbox_deliver_pending()
    assert StationReferral.objects.count() == 1


def test_status_kept_in_step_through_to_the_rating(union_a, people, failed, staff):
    """Given an accepted referral, when the station starts and closes it, the union's record
    follows each step; the worker's rating reaches the station; a closing without a note is refused."""
    referral = send_and_deliver(union_a, failed, people["mediator"])
    wangjing = staff["wangjing"].user
    advance(union_a, referral, "accept", wangjing)
    advance(union_a, referral, "start", wangjing)
    with pytest.raises(ServiceError) as error:
        referral_advance(referral=referral, action="close", note="", by=wangjing)
    assert error.value.field == "note"
    advance(
        union_a, referral, "close", wangjing, note="已协助职工向朝阳区劳动人事争议仲裁委员会提交仲裁申请。"
    )
    with pytest.raises(ServiceError):
        referral_advance(referral=referral, action="accept", by=wangjing)  # closed: no going back
    with tenant_context(union_a):
        outgoing = OutgoingReferral.objects.get(uuid=referral.referral_uuid)
        assert outgoing.status == "closed" and "仲裁" in outgoing.status_note
        with pytest.raises(ServiceError):
            referral_rate(referral=outgoing, rating=6, by=people["mediator"])
        referral_rate(referral=outgoing, rating=5, by=people["mediator"])
        outbox_deliver_pending()
    referral.refresh_from_db()
    assert referral.rating == 5


def test_overdue_referrals_are_escalated_to_the_district_once(
    union_a, people, failed, staff, district_admins, django_capture_on_commit_callbacks
):
    """Given a simple referral sent on 2026-03-16 (due 2026-03-21) and accepted, when the
    escalation runs on the 21st nothing happens; on the 22nd it is escalated, once, Chaoyang's
    administrator is told by SMS (no personal data) and finds it, while Haidian's does not."""
    referral = send_and_deliver(union_a, failed, people["mediator"], difficulty="simple")
    assert referral.due_on == datetime.date(2026, 3, 21)
    advance(union_a, referral, "accept", staff["wangjing"].user)
    with frozen("2026-03-21", 23):
        assert referrals_escalate_overdue() == 0
    with frozen("2026-03-22", 9), django_capture_on_commit_callbacks(execute=True):
        assert referrals_escalate_overdue() == 1
        assert referrals_escalate_overdue() == 0
    told = [m for m in sms.outbox if failed.reference in m.text]
    assert [m.mobile for m in told] == [district_admins["chaoyang"].account.mobile]
    assert "王小明" not in told[0].text
    referral.refresh_from_db()
    assert referral.escalated_at is not None
    escalated = referrals_visible_to(district_admins["chaoyang"].user).filter(escalated_at__isnull=False)
    assert list(escalated) == [referral]
    assert not referrals_visible_to(district_admins["haidian"].user).exists()


def test_station_registry_is_scoped_and_serves_the_unions_of_its_street(
    union_a, union_b, stations, streets, district_admins
):
    """A district administrator edits only their district's stations (another's: 404); a grid
    identifier is unique; the station serves the unions on its street only."""
    haidian = district_admins["haidian"].user
    with pytest.raises(ServiceError) as error:
        station_save(street=streets["wangjing"], name="x", address="x", phone="1", services="x", by=haidian)
    assert error.value.status == 404
    with pytest.raises(ServiceError) as error:
        station_save(street=streets["zhongguancun"], name="中关村街道工会服务站", address="海淀区中关村大街27号",
                     phone="010-62551234", services="法律咨询", grid_id="CY-WJ-001", by=haidian)  # fmt: skip
    assert error.value.field == "grid_id"
    assert list(station_unions(stations["wangjing"])) == [union_a]
    assert union_b not in station_unions(stations["zhongguancun"])


def test_union_b_cannot_see_or_send_union_as_referral(union_a, union_b, people, failed, client_for):
    """Given union A's referral, union B's admin has no such page, and union B's outbox sync finds
    nothing of union A; union A's case id on union B's host is not found."""
    referral = send_and_deliver(union_a, failed, people["mediator"])
    with tenant_context(union_a):
        outgoing_pk = OutgoingReferral.objects.get(uuid=referral.referral_uuid).pk
    with tenant_context(union_b):
        assert not OutgoingReferral.objects.exists()
        assert referral_sync(referral_uuid=str(referral.referral_uuid)) is None
    from tests.factories import make_person
    from tests.mediation.conftest import signed_in

    b_mediator = signed_in(client_for(union_b), make_person(union_b, "mediator", name="郑调解")[1])
    assert b_mediator.get(f"/admin/referrals-out/{outgoing_pk}/").status_code == 404
    assert b_mediator.get(f"/admin/referrals-out/send/{failed.pk}/").status_code == 404
    assert b_mediator.get("/admin/stations/referrals/").status_code == 404


def test_demo_registers_the_station_and_sends_the_failed_case_once(
    union_a, people, failed, streets, district_admins
):
    """Given union A's failed case and no station on 望京 yet, when the demo runs twice, then the
    city administrator has registered 望京's station and the case is sent to it once."""
    from stations.models import ServiceStation
    from tenants.referrals_out.demo import demo_fill

    ServiceStation.objects.filter(street=streets["wangjing"]).delete()
    with tenant_context(union_a):
        demo_fill(spec=None, index=0)
        demo_fill(spec=None, index=0)
        assert OutgoingReferral.objects.filter(case=failed.case).count() == 1
        outbox_deliver_pending()
    referral = StationReferral.objects.get()
    assert referral.station.street == streets["wangjing"] and referral.station.grid_id == "GRID-110105010"
