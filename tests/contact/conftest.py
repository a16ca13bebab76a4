"""Fixtures of the worker contact tests: a union's staff and members, an inbound channel, and a
client that signs messages the way a hotline platform does."""

from __future__ import annotations

import json
import secrets
import time

import pytest
from django_tenants.utils import tenant_context

from tenants.contact.services import inbound_channel_create
from tenants.contact.signing import inbound_signature
from tests.factories import make_person


@pytest.fixture
def people(union_a):
    return {
        "chairman": make_person(union_a, "chairman", name="张主席"),
        "officer": make_person(union_a, "officer", name="李干事"),
        "worker": make_person(union_a, "member", name="王职工"),
        "other": make_person(union_a, "member", name="赵职工"),
    }


@pytest.fixture
def hotline(union_a, people):
    """Union A's 12351 hotline channel and its secret (as shown once to the chairman)."""
    with tenant_context(union_a):
        return inbound_channel_create(name="12351职工服务热线", kind="hotline", by=people["chairman"][1])


def signed_headers(
    key_id: str, secret: str, body: bytes, *, timestamp: int | None = None, nonce: str | None = None
) -> dict:
    timestamp_text = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(16)
    return {
        "HTTP_X_KEY_ID": key_id,
        "HTTP_X_TIMESTAMP": timestamp_text,
        "HTTP_X_NONCE": nonce,
        "HTTP_X_SIGNATURE": inbound_signature(
            secret=secret, timestamp=timestamp_text, nonce=nonce, body=body
        ),
    }


def message_body(**fields) -> bytes:
    values = {
        "message_id": secrets.token_hex(8),
        "caller": "13912345678",
        "text": "反映车间夏季高温，降温设施不足。",
    }
    values.update(fields)
    return json.dumps(values, ensure_ascii=False).encode("utf-8")
