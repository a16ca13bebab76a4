"""Model fields whose values are encrypted at rest (PIPL: sensitive personal data).

The database holds Fernet tokens (AES-128-CBC with HMAC-SHA256, from ``cryptography``); the
application sees plain values. Keys come from the environment through the setting
``SENSITIVE_DATA_KEYS``: comma-separated Fernet keys, the **first encrypts, all decrypt**
(``MultiFernet``), so a key is rotated by putting a new one first and re-saving rows at leisure
(``sensitive_rows_reencrypt``). Keys are independent of ``SECRET_KEY``.

Why not a library's fields. We looked at the three Django packages:

- ``django-cryptography-5`` (a fork of the unmaintained ``django-cryptography``, one release in
  January 2025): one key derived from ``SECRET_KEY`` by default, no list of keys to rotate with.
- ``django-encrypted-model-fields`` (last release February 2022): a key list, but no release
  since Django 4.0, so nothing says it works with Django 5.2.
- ``django-fernet-encrypted-fields`` (Jazzband, maintained, 0.4.0 in 2026): derives each Fernet key
  from ``SECRET_KEY`` and a ``SALT_KEY`` with PBKDF2. That ties the data keys to the secret that
  signs sessions: rotating ``SECRET_KEY`` means keeping it in ``SECRET_KEY_FALLBACKS`` for as
  long as any row is encrypted under it, and a leaked ``SECRET_KEY`` is half of every data key.

What we need is small: ``MultiFernet`` over keys named in the environment, and a text column.
So the fields below use ``cryptography`` (maintained by the PyCA, in every distribution) directly.
Encrypted values cannot be searched, filtered or ordered in SQL; nothing here needs that.
"""

from __future__ import annotations

import decimal
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: str) -> MultiFernet:
    return MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()])


def keys_invalid() -> str:
    """Why ``SENSITIVE_DATA_KEYS`` cannot be used, or "" when it can."""
    keys = getattr(settings, "SENSITIVE_DATA_KEYS", "")
    if not keys or not keys.strip(","):
        return "SENSITIVE_DATA_KEYS is not set: sensitive personal data cannot be encrypted."
    try:
        _fernet(keys)
    except ValueError:
        return "SENSITIVE_DATA_KEYS holds a value that is not a Fernet key (32 bytes, URL-safe base64)."
    return ""


def cipher() -> MultiFernet:
    problem = keys_invalid()
    if problem:
        raise ImproperlyConfigured(problem)
    return _fernet(settings.SENSITIVE_DATA_KEYS)


def encrypt(text: str) -> str:
    return cipher().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "A sensitive value cannot be decrypted with any key in SENSITIVE_DATA_KEYS."
        ) from error


def rotate(token: str) -> str:
    """The same value encrypted under the first key (for re-encrypting after a rotation)."""
    return cipher().rotate(token.encode()).decode()


class EncryptedMixin:
    """Encrypts on the way into the database, decrypts on the way out. Empty stays empty."""

    def get_internal_type(self) -> str:
        return "TextField"  # a text column whatever the plain type: it holds a token

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return self.to_python(decrypt(value) if value else "")  # type: ignore[attr-defined]

    def get_db_prep_value(self, value, connection, prepared=False):
        value = self.to_python(value)  # type: ignore[attr-defined]
        if value is None or value == "":
            return value
        return encrypt(self._plain(value))

    def get_db_prep_save(self, value, connection):
        return self.get_db_prep_value(value, connection, prepared=False)

    def _plain(self, value) -> str:
        return str(value)


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A short sensitive text (an ID number): ``max_length`` limits the plain value; the column is text."""


class EncryptedTextField(EncryptedMixin, models.TextField):
    """A sensitive text (health, causes of hardship, findings of a visit)."""


class EncryptedDecimalField(EncryptedMixin, models.DecimalField):
    """A sensitive amount (a household's monthly income), checked like a ``DecimalField``."""

    def to_python(self, value):
        if value is None or value == "":
            return None
        return super().to_python(value)

    def _plain(self, value) -> str:
        return str(value.quantize(decimal.Decimal(1).scaleb(-self.decimal_places)))
