"""The signature the hotline and SMS platforms put on each message (``docs/inbound.md``).

    signature = hex(HMAC-SHA256(secret, timestamp + "\\n" + nonce + "\\n" + raw body))

The timestamp (Unix seconds) and nonce bind the signature to one moment and one delivery, so
a captured message cannot be sent again; the raw body is signed as received, byte for byte.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

# How far a message's timestamp may be from the server's clock, either way.
TIMESTAMP_TOLERANCE_SECONDS = 300
NONCE_PATTERN = re.compile(r"^[A-Za-z0-9_\-]{8,64}$")


def signing_input(*, timestamp: str, nonce: str, body: bytes) -> bytes:
    return timestamp.encode("ascii") + b"\n" + nonce.encode("ascii") + b"\n" + body


def inbound_signature(*, secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The lowercase hex HMAC-SHA256 a platform sends as ``X-Signature``."""
    return hmac.new(secret.encode("utf-8"), signing_input(timestamp=timestamp, nonce=nonce, body=body),
                    hashlib.sha256).hexdigest()  # fmt: skip


def signature_matches(*, secret: str, timestamp: str, nonce: str, body: bytes, signature: str) -> bool:
    """Constant-time comparison, so the answer's timing tells nothing about the right value."""
    expected = inbound_signature(secret=secret, timestamp=timestamp, nonce=nonce, body=body)
    return hmac.compare_digest(expected.encode("ascii"), (signature or "").strip().lower().encode("utf-8"))


def new_key_id() -> str:
    return f"wh_{secrets.token_hex(8)}"


def new_secret() -> str:
    return secrets.token_urlsafe(32)
