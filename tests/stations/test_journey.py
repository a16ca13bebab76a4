"""Journey 6's end: a mediation case that fails is referred to the street service station, which
accepts it, and both sides stay in step; another street's staff cannot reach it."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from stations.models import StationReferral
from tenants.events.delivery import outbox_deliver_pending
from tenants.privacy.models import SensitiveAccess
from tenants.referrals_out.models import OutgoingReferral
from tests.incidents.conftest import signed_in as portal_signed_in
from tests.mediation.conftest import CLAIM, frozen, signed_in

from .conftest import send_and_deliver

pytestmark = pytest.mark.django_db


def test_failed_mediation_is_referred_accepted_by_the_station_and_the_union_sees_it(
    union_a, people, failed, staff, client_for, portal, django_capture_on_commit_callbacks
):
    """Given union A's failed mediation referred to the street service station,
    when the mediator sends it from the case page sharing the worker's name and the claim with
    the worker's consent, the outbox delivers it, and 望京's station staff accept it on the portal,
    then the station holds only the chosen items, and the union's case shows the station's
    acceptance (synced by the task in its schema)."""
    mediator = signed_in(client_for(union_a), people["mediator"])
    page = mediator.get(f"/admin/mediation/cases/{failed.pk}/")
    assert page.status_code == 200 and f"/admin/referrals-out/send/{failed.pk}/" in page.content.decode()
    form = {"difficulty": "normal", "shared": ["worker_name", "claim"], "note": "请协助申请劳动仲裁。"}
    refused = mediator.post(f"/admin/referrals-out/send/{failed.pk}/", form)
    assert refused.status_code == 400  # no consent ticked: nothing sent
    with tenant_context(union_a):
        assert not OutgoingReferral.objects.exists()
    with frozen("2026-03-16", 11):
        sent = mediator.post(f"/admin/referrals-out/send/{failed.pk}/", {**form, "consent_given": "on"})
    assert sent.status_code == 302
    with tenant_context(union_a):
        outgoing = OutgoingReferral.objects.get(case=failed.case)
        assert outgoing.status == "sent" and outgoing.consent.scope == "case_referral"
        outbox_deliver_pending()
    referral = StationReferral.objects.get(referral_uuid=outgoing.uuid)
    assert referral.station.name == "望京街道工会服务站" and referral.union_id == union_a.pk
    assert str(referral.due_on) == "2026-03-26"  # normal: ten days
    shared = {row["label"]: row["value"] for row in referral.shared}
    assert CLAIM in shared.values() and "王小明" in shared.values()
    assert "北京星河精密制造有限公司" not in str(referral.shared) and "18600" not in str(referral.shared)

    station = portal_signed_in(client_for(portal), staff["wangjing"].account)
    listing = station.get("/admin/stations/referrals/")
    assert listing.status_code == 200 and failed.reference in listing.content.decode()
    detail = station.get(f"/admin/stations/referrals/{referral.pk}/")
    assert detail.status_code == 200 and CLAIM in detail.content.decode()
    # The station's read of what the union shared is in the union's own sensitive-data audit log.
    with tenant_context(union_a):
        read = SensitiveAccess.objects.get(model="stations.stationreferral", object_pk=str(referral.pk))
        assert (read.action, read.via, read.user_name) == ("read", "portal", "周站长")
    assert station.post(f"/admin/stations/referrals/{referral.pk}/", {"action": "decline"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        accepted = station.post(f"/admin/stations/referrals/{referral.pk}/", {"action": "accept"})
    assert accepted.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.changed_by_name == "周站长"
    with tenant_context(union_a):
        outgoing.refresh_from_db()
        assert outgoing.status == "accepted"
    case_page = mediator.get(f"/admin/mediation/cases/{failed.pk}/").content.decode()
    assert str(outgoing.get_status_display()) in case_page and "望京街道工会服务站" in case_page


def test_another_streets_staff_neither_see_nor_handle_the_referral(
    union_a, people, failed, staff, client_for, portal
):
    """Given a referral at 望京's station, 中关村's station staff get a 404 on its page and on
    posting to it, and do not find it in their list; it stays unaccepted."""
    referral = send_and_deliver(union_a, failed, people["mediator"])
    other = portal_signed_in(client_for(portal), staff["zhongguancun"].account)
    assert failed.reference not in other.get("/admin/stations/referrals/?status=all").content.decode()
    assert other.get(f"/admin/stations/referrals/{referral.pk}/").status_code == 404
    assert other.post(f"/admin/stations/referrals/{referral.pk}/", {"action": "accept"}).status_code == 404
    referral.refresh_from_db()
    assert referral.status == "sent"
