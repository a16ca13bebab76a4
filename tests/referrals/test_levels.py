"""Referrals to every level: the district's and the city's service centres handle theirs and
the union's record follows; bad receivers are refused in Chinese with nothing saved; replayed
and late events change nothing; the rating waits for closure; overdue referrals go one level
up; a declined referral is re-sent with its history on both sides."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django_tenants.utils import tenant_context

from accounts import sms
from stations.models import StationReferral
from stations.selectors import referrals_visible_to
from stations.services import referral_advance, referrals_escalate_overdue
from tenants.events.delivery import outbox_deliver_pending
from tenants.privacy.models import Consent
from tenants.referrals_out.models import OutgoingReferral
from tenants.referrals_out.services import referral_rate, referral_resend, referral_send, referral_sync
from tenants.registry.models import Union
from tests.mediation.conftest import frozen
from workershome.errors import ServiceError

from .conftest import DETAILS, SUBJECT, refer

pytestmark = pytest.mark.django_db


def advance(union, referral, action, by, note=""):
    connection.set_schema_to_public()
    referral_advance(referral=referral, action=action, note=note, by=by)
    with tenant_context(union):
        referral_sync(referral_uuid=str(referral.referral_uuid))
    connection.set_schema_to_public()


def outgoing(union, referral) -> OutgoingReferral:
    with tenant_context(union):
        return OutgoingReferral.objects.select_related("previous").get(uuid=referral.referral_uuid)


def test_an_appeal_goes_to_the_district_centre_whose_admins_are_told_and_handle_it(
    union_a, people, appeal, district_admins, django_capture_on_commit_callbacks
):
    """Given an open appeal, when the officer refers it to Chaoyang's service centre sharing the
    worker's name and the subject, then the centre holds only those rows, Chaoyang's
    administrator is emailed (no shared data in the mail) and accepts and closes it, and the
    union's record follows; Haidian's administrator neither sees nor handles it, and the city
    administrator oversees it without handling it."""
    chaoyang = district_admins["chaoyang"]
    chaoyang.account.email = "zhang@chaoyang.example"
    chaoyang.account.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        referral = refer(union_a, appeal, people["officer"])
    assert referral.receiver_kind == "district" and referral.receiver_district.code == "110105"
    assert referral.station is None and referral.case_kind == "appeal"
    values = [row["value"] for row in referral.shared]
    assert SUBJECT in values and "王小明" in values and DETAILS not in str(referral.shared)
    assert [m.to for m in mail.outbox] == [["zhang@chaoyang.example"]]
    assert appeal.reference in mail.outbox[0].subject and "王小明" not in mail.outbox[0].body
    with tenant_context(union_a):
        sent = OutgoingReferral.objects.get(uuid=referral.referral_uuid)
        assert sent.receiver_name == "朝阳区总工会服务中心" and sent.consent.scope == "case_referral"
        assert "朝阳区总工会服务中心" in sent.consent.purpose

    assert list(referrals_visible_to(district_admins["haidian"].user)) == []
    with pytest.raises(ServiceError) as error:
        referral_advance(referral=referral, action="accept", by=district_admins["haidian"].user)
    assert error.value.status == 404
    assert referral in referrals_visible_to(district_admins["city"].user)
    with pytest.raises(ServiceError) as error:
        referral_advance(referral=referral, action="accept", by=district_admins["city"].user)
    assert error.value.status == 404

    advance(union_a, referral, "accept", chaoyang.user)
    advance(union_a, referral, "close", chaoyang.user, note="已协调海淀区教委，材料补齐后可正常入学。")
    sent = outgoing(union_a, referral)
    assert sent.status == "closed" and "教委" in sent.status_note
    with tenant_context(union_a):
        from tenants.notifications.models import Notification

        told = Notification.objects.filter(recipient=people["officer"]).values_list("title", flat=True)
        assert any("已办结" in title or appeal.reference in title for title in told)


def test_the_city_centre_handles_what_is_sent_to_the_city_and_districts_do_not_see_it(
    union_a, people, appeal, district_admins
):
    referral = refer(union_a, appeal, people["officer"], receiver_kind="city", difficulty="complex")
    assert referral.receiver_kind == "city" and str(referral.due_on) == "2026-04-05"
    assert not referrals_visible_to(district_admins["chaoyang"].user).filter(pk=referral.pk).exists()
    advance(union_a, referral, "accept", district_admins["city"].user)
    assert outgoing(union_a, referral).status == "accepted"
    assert outgoing(union_a, referral).receiver_name == "市总工会服务中心"


def test_bad_receivers_are_refused_in_chinese_and_nothing_is_saved(
    union_a, union_b, people, appeal, stations
):
    """A station outside the union's street, a suspended sister union, the union itself, an
    unknown receiver and a closed case are refused; no referral, consent or event is kept."""
    base = dict(
        case=appeal, shared=["subject"], difficulty="simple", consent_given=True, by=people["officer"]
    )
    cases = [
        (dict(receiver_kind="station", station_id=stations["zhongguancun"].pk), "referral_station_outside_street",
         "本街道"),
        (dict(receiver_kind="union", sister_union=union_a.schema_name), "referral_to_itself", "自己"),
        (dict(receiver_kind="somewhere"), "referral_receiver", "转介给谁"),
    ]  # fmt: skip
    Union.objects.filter(pk=union_b.pk).update(status=Union.Status.SUSPENDED)
    cases.append(
        (dict(receiver_kind="union", sister_union=union_b.schema_name), "referral_union_suspended", "暂停")
    )
    with tenant_context(union_a):
        consents = Consent.objects.count()
        for receiver, code, chinese in cases:
            with pytest.raises(ServiceError) as error:
                referral_send(**base, **receiver)
            assert error.value.code == code
            assert chinese in str(error.value.message), (code, str(error.value.message))
        with pytest.raises(ServiceError) as error:
            referral_send(
                **{**base, "shared": ["claim"]}, receiver_kind="station"
            )  # a mediation item on an appeal
        assert error.value.field == "shared"
        assert not OutgoingReferral.objects.exists() and Consent.objects.count() == consents
        outbox_deliver_pending()
    assert not StationReferral.objects.exists()


def test_replayed_and_late_status_events_change_nothing(union_a, people, appeal, district_admins):
    """Given a referral the district accepted then closed, a replayed delivery adds no row, a
    repeated sync and a late one (queued for the acceptance) leave the union's record closed,
    and a replayed rating event changes nothing."""
    admin = district_admins["chaoyang"].user
    referral = refer(union_a, appeal, people["officer"])
    with tenant_context(union_a):
        outbox_deliver_pending()
    assert StationReferral.objects.count() == 1
    referral_advance(referral=referral, action="accept", by=admin)
    referral_advance(referral=referral, action="close", note="已办结。", by=admin)
    with tenant_context(union_a):
        assert referral_sync(referral_uuid=str(referral.referral_uuid)) == "closed"
        assert referral_sync(referral_uuid=str(referral.referral_uuid)) is None  # the acceptance's task, late
        sent = OutgoingReferral.objects.get(uuid=referral.referral_uuid)
        assert sent.status == "closed"
    with pytest.raises(ServiceError) as error:
        referral_advance(referral=referral, action="accept", by=admin)
    assert error.value.status == 409


def test_the_rating_waits_for_closure_and_is_given_once(union_a, people, appeal, district_admins):
    admin = district_admins["chaoyang"].user
    referral = refer(union_a, appeal, people["officer"])
    advance(union_a, referral, "accept", admin)
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as error:
            referral_rate(referral=outgoing(union_a, referral), rating=5, by=people["officer"])
        assert error.value.code == "referral_not_closed"
    advance(union_a, referral, "close", admin, note="已办结。")
    with tenant_context(union_a):
        referral_rate(referral=outgoing(union_a, referral), rating=4, by=people["officer"])
        with pytest.raises(ServiceError) as error:
            referral_rate(referral=outgoing(union_a, referral), rating=5, by=people["officer"])
        assert error.value.code == "referral_rated"
        outbox_deliver_pending()
        outbox_deliver_pending()
    referral.refresh_from_db()
    assert referral.rating == 4


def test_overdue_referrals_go_one_level_up(
    union_a, union_b, people, appeal, failed, sister, district_admins, stations,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """Given a district's, a sister union's, a city's and a station's referral all past due,
    the district's goes to the city, the sister union's and the station's to Chaoyang (the
    sender's district), the city's is not escalated (nobody above); the union's record shows it."""
    with tenant_context(union_a), frozen("2026-03-16"):
        from tenants.cases.services import case_open

        second, _ = case_open(kind="appeal", title="食堂饭菜价格上涨", description="…", channel="walk_in",
                              requester=people["member"], by=people["officer"])  # fmt: skip
        third, _ = case_open(kind="appeal", title="班车路线调整", description="…", channel="walk_in",
                             requester=people["member"], by=people["officer"])  # fmt: skip
    to_district = refer(union_a, appeal, people["officer"], difficulty="simple")
    to_sister = refer(union_a, second, people["officer"], receiver_kind="union", sister_union=union_b.schema_name,
                      difficulty="simple")  # fmt: skip
    to_city = refer(union_a, third, people["officer"], receiver_kind="city", difficulty="simple")
    to_station = refer(union_a, failed.case, people["mediator"], receiver_kind="station", shared=["claim"],
                       difficulty="simple")  # fmt: skip
    with frozen("2026-03-22", 9), django_capture_on_commit_callbacks(execute=True):
        assert referrals_escalate_overdue() == 3
        assert referrals_escalate_overdue() == 0
    by_reference = {}
    for message in sms.outbox:
        for r in (to_district, to_sister, to_station, to_city):
            if r.reference in message.text:
                by_reference.setdefault(r.reference, []).append(message.mobile)
    assert by_reference[to_district.reference] == [district_admins["city"].account.mobile]
    assert by_reference[to_sister.reference] == [district_admins["chaoyang"].account.mobile]
    assert by_reference[to_station.reference] == [district_admins["chaoyang"].account.mobile]
    assert to_city.reference not in by_reference
    chaoyang_sees = referrals_visible_to(district_admins["chaoyang"].user)
    assert chaoyang_sees.filter(pk=to_sister.pk).exists()
    assert not referrals_visible_to(district_admins["haidian"].user).filter(pk=to_sister.pk).exists()
    assert outgoing(union_a, to_district).escalated_at is not None


def test_a_declined_referral_is_re_sent_with_its_history_on_both_sides(
    union_a, people, failed, staff, district_admins, client_for, portal
):
    """Given the station declines the failed case with a note, when the mediator re-sends it to
    the district, then a new referral points at the declined one, both sides show the history,
    and the declined one cannot be re-sent twice (nor an open one at all)."""
    from tests.incidents.conftest import signed_in as portal_signed_in
    from tests.mediation.conftest import signed_in

    first = refer(union_a, failed.case, people["mediator"], receiver_kind="station", shared=["claim"])
    with pytest.raises(ServiceError) as error, tenant_context(union_a):
        referral_resend(referral=outgoing(union_a, first), receiver_kind="district", shared=[], difficulty="normal",
                        consent_given=True, by=people["mediator"])  # fmt: skip
    assert error.value.code == "referral_not_declined"
    advance(union_a, first, "decline", staff["wangjing"].user, note="本站无法律援助律师，建议转区总工会。")
    with tenant_context(union_a), frozen("2026-03-18", 10):
        again = referral_resend(referral=outgoing(union_a, first), receiver_kind="district", shared=["claim"],
                                difficulty="normal", consent_given=True, by=people["mediator"])  # fmt: skip
        outbox_deliver_pending()
        with pytest.raises(ServiceError) as error:
            referral_resend(referral=outgoing(union_a, first), receiver_kind="city", shared=[], difficulty="normal",
                            consent_given=True, by=people["mediator"])  # fmt: skip
        assert error.value.code == "referral_resent"
    connection.set_schema_to_public()
    second = StationReferral.objects.get(referral_uuid=again.uuid)
    assert second.previous == first and second.receiver_kind == "district"

    admin = portal_signed_in(client_for(portal), district_admins["chaoyang"].account)
    page = admin.get(f"/admin/stations/referrals/{second.pk}/").content.decode()
    assert "本站无法律援助律师" in page and "望京街道工会服务站" in page
    mediator = signed_in(client_for(union_a), people["mediator"])
    page = mediator.get(f"/admin/referrals-out/{again.pk}/").content.decode()
    assert "本站无法律援助律师" in page and "望京街道工会服务站" in page
    page = mediator.get(f"/admin/referrals-out/{outgoing(union_a, first).pk}/").content.decode()
    assert "朝阳区总工会服务中心" in page  # the declined one links to its re-send
