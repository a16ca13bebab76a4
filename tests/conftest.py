"""Shared fixtures: a test database with the template schema, the portal and two unions.

The unions are provisioned once per test session, the way production provisions them (cloned
from the template schema), and committed; each test then runs in a transaction that is rolled
back, schema changes included (PostgreSQL's DDL is transactional).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from celery._state import _set_task_join_will_block
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django_tenants.utils import get_public_schema_name

from accounts import sms
from federation.models import District, Street
from tenants.registry.models import Union
from tenants.registry.services import portal_ensure, union_provision
from tenants.registry.template import template_migrate
from tests.factories import PASSWORD, credit_code

UNIONS = {
    "xinghe": dict(name="朝阳区星河科技有限公司工会", employer="北京星河科技有限公司", n=1),
    "hengtong": dict(name="海淀区恒通物流有限公司工会", employer="北京恒通物流有限公司", n=2),
}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        template_migrate()
        portal_ensure()
        chaoyang, _ = District.objects.get_or_create(code="110105", defaults={"name": "朝阳区"})
        haidian, _ = District.objects.get_or_create(code="110108", defaults={"name": "海淀区"})
        Street.objects.get_or_create(code="110105010", defaults={"name": "望京街道", "district": chaoyang})
        Street.objects.get_or_create(code="110108015", defaults={"name": "中关村街道", "district": haidian})
        for index, (slug, spec) in enumerate(UNIONS.items()):
            union_provision(
                name=spec["name"],
                slug=slug,
                credit_code=credit_code(spec["n"]),
                employer=spec["employer"],
                district=[chaoyang, haidian][index],
                officer_mobile=f"1380013800{index}",
                officer_name=["张伟", "刘洋"][index],
                officer_password=PASSWORD,
            )
        connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache():
    """Every test starts and ends on the public schema, with an empty cache and SMS outbox."""
    connection.set_schema_to_public()
    cache.clear()
    sms.outbox.clear()
    yield
    connection.set_schema_to_public()
    # Eager tasks set Celery's process-wide "inside a task" flag while they run and restore it
    # after; threads racing in a test (concurrent sign-ups, each queuing eager tasks) can restore
    # it in the wrong order and leave it set, which would fail a later test's `.get()`.
    _set_task_join_will_block(False)


@pytest.fixture
def portal(db) -> Union:
    return Union.objects.get(schema_name=get_public_schema_name())


@pytest.fixture
def union_a(db) -> Union:
    return Union.objects.get(slug="xinghe")


@pytest.fixture
def union_b(db) -> Union:
    return Union.objects.get(slug="hengtong")


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """A fresh MEDIA_ROOT. django-tenants' storage caches its root and only recomputes it when
    MULTITENANT_RELATIVE_MEDIA_ROOT changes, so that is set (to the same value) too."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    return tmp_path


def host_of(union: Union) -> str:
    return union.primary_host


@pytest.fixture
def client_for():
    """``client_for(union)``: a browser-like client for that union's host (or the portal's)."""

    def make(union: Union, **kwargs) -> Client:
        return Client(HTTP_HOST=host_of(union), **kwargs)

    return make


def end_other_sessions(django_db_blocker) -> None:
    """After a server or worker subprocess is stopped, end its lingering database sessions so
    the test database can be dropped when the run ends."""
    from django.db import OperationalError

    with django_db_blocker.unblock():
        for attempt in range(2):
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                return
            except OperationalError:
                # This process's own session was ended meanwhile (by such a clean-up elsewhere in
                # the run): open a new one and try once more.
                connection.close()
                if attempt:
                    raise


def pytest_sessionfinish(session, exitstatus) -> None:
    """Stop the embedded search engine this test process started on demand (a record's commit
    indexes it, as in production): it would otherwise outlive the run."""
    from search import conf
    from search.engine import embedded_engine_stop

    embedded_engine_stop(conf.engine_dir())
