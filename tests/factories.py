"""Test data made the way production makes it: through the services."""

from __future__ import annotations

import itertools

from django_tenants.utils import tenant_context

from accounts.models import Account
from accounts.services import account_get_or_create, local_user_for_account
from tenants.registry.models import Union
from tenants.registry.validators import CREDIT_CODE_ALPHABET, credit_code_check_char
from tenants.users.models import User

PASSWORD = "Gonghui#2026"
_mobiles = itertools.count(1)


def credit_code(n: int, region: str = "110105") -> str:
    """A valid unified social credit code, distinct for each ``n``."""
    body = ""
    value = n
    for _ in range(9):
        body = CREDIT_CODE_ALPHABET[value % 31] + body
        value //= 31
    first17 = f"91{region}{body}"
    return first17 + credit_code_check_char(first17)


def new_mobile() -> str:
    return f"177{next(_mobiles):08d}"


def make_account(
    *, name: str = "李明", mobile: str | None = None, password: str = PASSWORD, home_union=None
) -> Account:
    account, _ = account_get_or_create(
        mobile=mobile or new_mobile(), name=name, password=password, home_union=home_union
    )
    return account


def make_person(
    union: Union, *roles: str, name: str = "王芳", password: str = PASSWORD
) -> tuple[Account, User]:
    """An account with a local user in ``union`` holding ``roles`` (``member`` when none)."""
    account = make_account(name=name, password=password, home_union=None if union.is_portal else union)
    with tenant_context(union):
        user = local_user_for_account(account=account, create=True, roles=roles or ("member",))
    assert user is not None
    return account, user


def events_delete(events) -> int:
    """Delete committed outbox events (a queryset of the current union's ``OutboxEvent``) and
    the facts the federation received for them, the union's rollups rebuilt: a test whose
    threads commit leaves nothing counted for the tests after it. Returns the events deleted."""
    from federation.models import Fact
    from federation.rollup import rollup_rebuild

    ids = list(events.values_list("pk", flat=True))
    facts = Fact.objects.filter(event_id__in=ids)
    union_ids = sorted(set(facts.values_list("union_id", flat=True)))
    facts.delete()
    deleted = events.model.objects.filter(pk__in=ids).delete()[0]
    if union_ids:
        rollup_rebuild(union_ids=union_ids)
    return deleted
