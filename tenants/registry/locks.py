"""PostgreSQL advisory locks that keep provisioning and the template's rebuild apart.

- The template lock: ``migrate_template`` holds it exclusively while it migrates, seeds and dumps
  the template; provisioning holds it shared for its transaction, so a union is never made from
  a template half-way through a migration (it waits, then is refused after a timeout).
- A lock per slug: two provisionings of the same slug run one after the other, so the second
  finds the first's union (and completes it or is refused) instead of failing half-way on a
  unique index.
- The spare-pool lock: one process fills the pool at a time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.utils.translation import gettext_lazy as _

from workershome.errors import ServiceError

NAMESPACE = 0x5748  # "WH": the first key of every advisory lock the registry takes
TEMPLATE = 1
SPARES = 2
SLUG_NAMESPACE = 0x5749


@contextmanager
def template_lock_exclusive() -> Iterator[None]:
    """Hold the template lock for the session (the template's migration commits as it goes)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [NAMESPACE, TEMPLATE])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [NAMESPACE, TEMPLATE])


def template_lock_shared(*, timeout: float | None = None) -> None:
    """Wait (up to ``timeout`` seconds, ``UNION_TEMPLATE_LOCK_TIMEOUT`` or 30) until the template
    is not being rebuilt, and keep it so until the current transaction ends."""
    from django.conf import settings

    if timeout is None:
        timeout = float(settings.UNION_TEMPLATE_LOCK_TIMEOUT)
    deadline = time.monotonic() + timeout
    delay = 0.05
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_xact_lock_shared(%s, %s)", [NAMESPACE, TEMPLATE])
            if cursor.fetchone()[0]:
                return
            if time.monotonic() >= deadline:
                raise ServiceError(
                    "template_rebuilding",
                    _("The union template is being updated; please try again in a few minutes."),
                    status=503,
                )
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def slug_lock(slug: str) -> None:
    """Serialise provisionings of one slug until the current transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [SLUG_NAMESPACE, slug])


def spares_lock_try() -> bool:
    """Take the spare-pool lock for the current transaction, or return False if it is taken."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [NAMESPACE, SPARES])
        return bool(cursor.fetchone()[0])
