"""The inbound endpoint of the hotline and SMS platforms: a signed message becomes an appeal;
an unsigned, forged, stale, replayed or foreign message is refused and creates nothing."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.cases.models import Case
from tenants.contact.models import InboundChannel, InboundMessage, InboundNonce
from tenants.contact.services import inbound_nonces_prune
from tests.contact.conftest import message_body, signed_headers

pytestmark = pytest.mark.django_db

URL = "/api/v1/inbound/messages/"


def post(client, body: bytes, headers: dict):
    return client.post(URL, data=body, content_type="application/json", **headers)


def nothing_created(union) -> bool:
    with tenant_context(union):
        return not Case.objects.exists() and not InboundMessage.objects.exists()


def test_a_signed_hotline_message_becomes_an_appeal(union_a, client_for, hotline):
    channel, secret = hotline
    body = message_body(caller="139-1234-5678", subject="车间高温")
    response = post(client_for(union_a), body, signed_headers(channel.key_id, secret, body))
    assert response.status_code == 201, response.content
    payload = response.json()
    assert payload["reference"].startswith("SQ-") and payload["duplicate"] is False
    with tenant_context(union_a):
        case = Case.objects.get()
        assert (case.kind, case.channel, case.requester_type) == ("appeal", "hotline", "named")
        assert case.requester_contact == "13912345678" and "5678" in case.requester_name
        assert case.title == "车间高温" and "降温设施不足" in case.description
        message = InboundMessage.objects.get()
        assert message.case == case and message.caller == "13912345678"
        assert InboundChannel.objects.get().last_used_at is not None


def test_a_members_number_makes_the_member_the_requester_and_sms_is_the_channel(union_a, client_for, people):
    from tenants.contact.services import inbound_channel_create

    with tenant_context(union_a):
        channel, secret = inbound_channel_create(name="短信平台", kind="sms", by=people["chairman"][1])
    body = message_body(caller=people["worker"][0].mobile, text="食堂晚餐能否延长到八点？")
    assert post(client_for(union_a), body, signed_headers(channel.key_id, secret, body)).status_code == 201
    with tenant_context(union_a):
        case = Case.objects.get()
        assert (case.channel, case.requester, case.requester_type) == ("sms", people["worker"][1], "member")
        assert case.title == "食堂晚餐能否延长到八点？"


def test_a_retry_of_the_same_message_returns_the_same_case(union_a, client_for, hotline):
    channel, secret = hotline
    client = client_for(union_a)
    body = message_body(message_id="call-20260310-0001")
    first = post(client, body, signed_headers(channel.key_id, secret, body))
    again = post(
        client, body, signed_headers(channel.key_id, secret, body)
    )  # a new nonce: a retry, not a replay
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == {"reference": first.json()["reference"], "duplicate": True}
    with tenant_context(union_a):
        assert Case.objects.count() == 1


def test_a_bad_signature_is_refused_and_creates_nothing(union_a, client_for, hotline):
    channel, secret = hotline
    body = message_body()
    headers = signed_headers(channel.key_id, secret, body)
    tampered = body.replace("高温".encode(), "低温".encode())
    response = post(client_for(union_a), tampered, headers)
    assert response.status_code == 401
    assert response.json()["code"] == "inbound_signature_invalid" and response.json()["message"]
    wrong_key = signed_headers(channel.key_id, "not-the-secret", body)
    assert post(client_for(union_a), body, wrong_key).json()["code"] == "inbound_signature_invalid"
    assert nothing_created(union_a)
    with tenant_context(union_a):
        assert not InboundNonce.objects.exists()


def test_a_replayed_message_is_refused(union_a, client_for, hotline):
    channel, secret = hotline
    body = message_body()
    headers = signed_headers(channel.key_id, secret, body)
    client = client_for(union_a)
    assert post(client, body, headers).status_code == 201
    replay = post(client, body, headers)
    assert replay.status_code == 401 and replay.json()["code"] == "inbound_nonce_reused"
    # Even as a "new" message with the same nonce
    other = message_body(message_id="another")
    again = post(client, other, signed_headers(channel.key_id, secret, other, nonce=headers["HTTP_X_NONCE"]))
    assert again.json()["code"] == "inbound_nonce_reused"
    with tenant_context(union_a):
        assert Case.objects.count() == 1 and InboundMessage.objects.count() == 1


@pytest.mark.parametrize("offset", [-301, 301, -3600])
def test_a_stale_or_future_timestamp_is_refused(union_a, client_for, hotline, offset):
    channel, secret = hotline
    body = message_body()
    headers = signed_headers(channel.key_id, secret, body, timestamp=int(time.time()) + offset)
    response = post(client_for(union_a), body, headers)
    assert response.status_code == 401 and response.json()["code"] == "inbound_timestamp_stale"
    assert nothing_created(union_a)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"HTTP_X_KEY_ID": "wh_0000000000000000"}, "inbound_key_unknown"),
        ({"HTTP_X_SIGNATURE": ""}, "inbound_unsigned"),
        ({"HTTP_X_TIMESTAMP": "yesterday"}, "inbound_timestamp_invalid"),
        ({"HTTP_X_NONCE": "short"}, "inbound_nonce_invalid"),
    ],
)
def test_an_unknown_key_or_missing_header_is_refused(union_a, client_for, hotline, change, code):
    channel, secret = hotline
    body = message_body()
    headers = {**signed_headers(channel.key_id, secret, body), **change}
    response = post(client_for(union_a), body, headers)
    assert response.status_code == 401 and response.json()["code"] == code
    assert nothing_created(union_a)


def test_a_switched_off_channel_is_refused(union_a, client_for, hotline):
    channel, secret = hotline
    with tenant_context(union_a):
        InboundChannel.objects.filter(pk=channel.pk).update(active=False)
    body = message_body()
    response = post(client_for(union_a), body, signed_headers(channel.key_id, secret, body))
    assert response.status_code == 403 and response.json()["code"] == "inbound_channel_inactive"
    assert nothing_created(union_a)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", "inbound_body"),
        (b"[1, 2]", "inbound_body"),
        (message_body(text="   ", message_id="fixed-id-1"), "inbound_text"),
        (message_body(caller="not a number"), "inbound_caller"),
        (message_body(text="长" * 5001), "inbound_text_long"),
        (message_body(caller=13912345678), "inbound_field_type"),
    ],
    ids=["not-json", "not-an-object", "blank-text", "bad-caller", "long-text", "caller-not-a-string"],
)
def test_a_signed_but_bad_body_is_refused_and_its_nonce_stays_unused(
    union_a, client_for, hotline, body, code
):
    channel, secret = hotline
    headers = signed_headers(channel.key_id, secret, body)
    response = post(client_for(union_a), body, headers)
    assert response.status_code == 400 and response.json()["code"] == code
    assert nothing_created(union_a)
    with tenant_context(union_a):
        assert not InboundNonce.objects.exists()


def test_union_as_key_does_not_work_on_union_bs_host(union_a, union_b, client_for, hotline):
    channel, secret = hotline
    body = message_body()
    response = post(client_for(union_b), body, signed_headers(channel.key_id, secret, body))
    assert response.status_code == 401 and response.json()["code"] == "inbound_key_unknown"
    assert nothing_created(union_a) and nothing_created(union_b)


def test_old_nonces_are_pruned_and_their_messages_stay_refused(union_a, client_for, hotline):
    channel, secret = hotline
    body = message_body()
    headers = signed_headers(channel.key_id, secret, body)
    assert post(client_for(union_a), body, headers).status_code == 201
    with tenant_context(union_a):
        assert inbound_nonces_prune() == 0
        later = timezone.now() + timezone.timedelta(minutes=11)
        assert inbound_nonces_prune(now=later) == 1
    # Once its nonce is gone, the old message is still refused: for its timestamp
    from unittest import mock

    with mock.patch("tenants.contact.services.timezone.now", return_value=later):
        response = post(client_for(union_a), body, headers)
    assert response.json()["code"] == "inbound_timestamp_stale"


def test_the_task_prunes_in_each_union(union_a, hotline):
    from tenants.contact.tasks import inbound_nonces_prune_all

    assert inbound_nonces_prune_all() >= 1


def test_the_worked_example_in_the_operators_guide_is_right():
    from pathlib import Path

    from tenants.contact.signing import inbound_signature

    guide = (Path(__file__).resolve().parents[2] / "docs" / "inbound.md").read_text()
    body = (
        '{"message_id":"12351-20260310-000123","caller":"13912345678","caller_name":"周先生","subject":"车间高温",'
        '"text":"二车间下午温度超过35度，降温设施不足，希望工会协调加装风扇。"}'
    ).encode()
    assert body.decode() in guide and f"（{len(body)} 字节" in guide
    signature = inbound_signature(
        secret="k3Pq9vXb2LwT8sYf4NhR6mJc1ZaE7uGd0iOyQxBn5Ws", timestamp="1773129600",
        nonce="c2a6f0d1e4b94f7a8e3d5b6c7a8f9e01", body=body,
    )  # fmt: skip
    assert signature in guide
