"""Two databases on one PostgreSQL server acting as two shards (issue 10, docs/scaling.md).

A second database is made for the test and migrated like a platform database (its own public
schema); a union is provisioned on it, served (its home page, and an appeal filed through its
API), does work whose rows live in the directory (a warning, a booking, a referral), is migrated
(a migration unapplied on the shard is applied again by ``migrate_unions``), moved back to the
directory (``union_move``) and counted on the federation dashboard, whose facts live in the
directory. The directory's unions keep working beside it.

Everything runs in a thread of its own, whose connections commit (the shard's DDL cannot run in
the test's transaction, and switching databases inside a transaction is refused); what it
committed in the directory is removed at the end and the second database dropped.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django_tenants.utils import schema_context, tenant_context

from tests.conftest import end_other_sessions

pytestmark = pytest.mark.django_db

SHARD = "shard2"
APPEAL = {
    "category": "request",
    "title": "二号库的班车站点",
    "description": "新宿舍区没有班车站点。",
    "anonymous": True,
}


def _in_thread(work):
    """Run ``work`` in a thread with connections of its own (autocommit), then close them."""
    result: dict = {}

    def run():
        try:
            result["value"] = work()
        except BaseException as exc:  # re-raised in the test
            result["error"] = exc
        finally:
            for conn in connections.all(initialized_only=True):
                conn.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def _admin_connection(db: dict) -> psycopg.Connection:
    return psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def _schemas_in(db: dict, name: str) -> set[str]:
    with psycopg.connect(
        host=db.get("HOST") or "127.0.0.1", port=db.get("PORT") or 5432, user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None, dbname=name,
    ) as conn:  # fmt: skip
        return {row[0] for row in conn.execute("SELECT nspname FROM pg_namespace")}


@pytest.fixture
def second_database(settings, django_db_blocker):
    """A second platform database on the same server, configured as the shard ``shard2``."""
    from workershome import shards

    with django_db_blocker.unblock():
        default = dict(connections["default"].settings_dict)
    directory_name = default["NAME"]
    name = f"{directory_name}_{SHARD}"[:63]
    with _admin_connection(default) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    shard_settings = {**default, "NAME": name, "TEST": {**default.get("TEST", {}), "NAME": name}}
    shard_settings.pop("SCHEMA", None)
    directory = {**default, "TEST": {"MIRROR": "default"}}
    directory.pop("SCHEMA", None)
    connections.settings[SHARD] = shard_settings
    connections.settings[shards.DIRECTORY_ALIAS] = directory
    settings.DATABASE_SHARDS = {SHARD: f"postgres:///{name}"}
    shards.database_forget()
    try:
        yield name
    finally:
        shards.database_forget()
        for alias in (SHARD, shards.DIRECTORY_ALIAS):
            connections[alias].close()
            del connections.settings[alias]
            with contextlib.suppress(AttributeError):
                delattr(connections._connections, alias)
        end_other_sessions(django_db_blocker)
        with _admin_connection(default) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_union_on_a_second_database_is_provisioned_served_migrated_and_counted(
    second_database, union_a, client_for, django_db_blocker
):
    from federation.dashboard import Scope, dashboard_build, period_parse
    from federation.models import Fact, FactMonth
    from tenants.registry.migrate import unions_migrate
    from tenants.registry.models import Domain, SchemaState, Union
    from tenants.registry.services import union_provision
    from tests.factories import credit_code

    slug = f"erhao{uuid.uuid4().hex[:6]}"
    directory_name = connections["default"].settings_dict["NAME"]
    timings: dict[str, float] = {}
    made_here: dict[str, list] = {"accounts": [], "streets": []}

    def scenario():
        # The shard's own public schema, migrated like the directory's.
        started = time.perf_counter()
        call_command("migrate_shards", verbosity=0)
        timings["migrate_shared"] = time.perf_counter() - started

        connection.set_schema_to_public()
        made = union_provision(
            name="二号库测试有限公司工会",
            slug=slug,
            credit_code=credit_code(97),
            employer="二号库测试有限公司",
            district=union_a.district,
            officer_mobile="13800138097",
            officer_name="王芳",
            database=SHARD,
        )
        union = made.union
        assert made.created and union.database == SHARD

        # Served: the home page, and an appeal filed through the API, on the shard.
        client = Client(HTTP_HOST=union.primary_host)
        page = client.get("/")
        assert page.status_code == 200
        assert "二号库测试有限公司工会" in page.content.decode()
        filed = client.post("/api/v1/appeals/", APPEAL, content_type="application/json")
        assert filed.status_code == 201, filed.content
        # The directory's unions are served beside it, from the same process.
        assert Client(HTTP_HOST=union_a.primary_host).get("/").status_code == 200

        _directory_writes_from_the_shard(union, union_a, made_here)

        # Migrated: undo the union's newest migration of one app on the shard, then migrate.
        with tenant_context(union):
            assert connection.settings_dict["NAME"] == second_database
            from django.db.migrations.executor import MigrationExecutor

            executor = MigrationExecutor(connection)
            leaf = max(n for (app, n) in executor.loader.applied_migrations if app == "referrals_out")
            previous = max(
                n for (app, n) in executor.loader.graph.nodes if app == "referrals_out" and n < leaf
            )
            executor.migrate([("referrals_out", previous)])
            executor.loader.build_graph()
            assert ("referrals_out", leaf) not in executor.loader.applied_migrations
        connection.set_schema_to_public()
        SchemaState.objects.filter(union=union).update(fingerprint="behind")
        report = unions_migrate(processes=1)
        assert report.ok and union.schema_name in report.migrated
        with tenant_context(union):
            executor = MigrationExecutor(connection)
            assert ("referrals_out", leaf) in executor.loader.applied_migrations
        connection.set_schema_to_public()

        # Moved back to the directory (suspended, as the command requires): copied, counted, the
        # registry pointed at it, the shard's schema dropped; served from the directory after.
        from tenants.registry.move import UnionMoveError, union_move

        server = connections.settings["default"]
        assert union.schema_name in _schemas_in(server, second_database)
        assert union.schema_name not in _schemas_in(server, directory_name)
        with pytest.raises(UnionMoveError, match="suspend"):
            union_move(union=union, target="default")
        Union.objects.filter(pk=union.pk).update(status=Union.Status.SUSPENDED)
        with pytest.raises(UnionMoveError, match="already on"):
            union_move(union=union, target=SHARD)
        moved = union_move(union=union, target="default")
        assert moved.source == SHARD and moved.rows["cases_case"] >= 2
        Union.objects.filter(pk=union.pk).update(status=Union.Status.ACTIVE)
        union.refresh_from_db()
        assert union.database == "default"
        home = Client(HTTP_HOST=union.primary_host).get("/")
        assert home.status_code == 200 and "二号库测试有限公司工会" in home.content.decode()
        with tenant_context(union):
            assert connection.settings_dict["NAME"] == directory_name
            from tenants.cases.models import Case

            assert Case.objects.count() == moved.rows["cases_case"]
        connection.set_schema_to_public()
        return union.pk, union.schema_name

    try:
        with django_db_blocker.unblock():
            union_pk, schema = _in_thread(scenario)

            # Moved back: the schema is in the directory only now; the registry says so.
            db = connections["default"].settings_dict
            assert schema not in _schemas_in(db, second_database)
            assert schema in _schemas_in(db, directory_name)
            union = Union.objects.get(pk=union_pk)
            assert union.database == "default"
            assert SchemaState.objects.get(union=union).fingerprint not in ("", "behind")

            # Counted: the case.opened facts (the appeal's, the warning's case) reached the
            # directory's fact table and its dashboard.
            assert Fact.objects.filter(union_id=union_pk, name="case.opened").count() == 2
            scope = Scope("union", district=union.district, street=union.street, union=union)
            board = dashboard_build(scope, period_parse({}), link=lambda level, pk: f"/{level}/{pk}/")
            assert board.units[1].rows[0].cells["cases_opened"] == 2
    finally:
        with django_db_blocker.unblock():

            def clean():
                from accounts.models import Account

                _directory_writes_clean(made_here)
                union = Union.objects.filter(slug=slug).first()
                if union is not None:
                    Fact.objects.filter(union_id=union.pk).delete()
                    FactMonth.objects.filter(union_id=union.pk).delete()
                    SchemaState.objects.filter(union=union).delete()
                    Domain.objects.filter(tenant=union).delete()
                    Union.objects.filter(pk=union.pk).delete()
                    with connection.cursor() as cursor:  # moved back into the directory
                        cursor.execute(f'DROP SCHEMA IF EXISTS "{union.schema_name}" CASCADE')
                Account.objects.filter(mobile="13800138097").delete()

            _in_thread(clean)
    print(f"\nshard public schema migrated in {timings.get('migrate_shared', 0):.1f}s")


def _directory_writes_from_the_shard(union, union_a, made_here: dict) -> None:
    """The shard's union does work whose rows live in the directory, from its own context and
    outside any transaction as in a request or a task: each such service runs its own
    transaction on the directory (row locks included) and the after-commit work reaches the
    right schema on the right database."""
    from django.db import transaction

    from docking.models import BookingRequest, BookingStatus
    from docking.selectors import Party
    from docking.services import booking_decide, booking_request, resource_create
    from federation.models import Fact, FederationRole, InboxWarning
    from portal_notifications.models import PortalNotification
    from stations.models import ReceiverKind, ReferralStatus, ServiceStation, StationReferral
    from stations.services import referral_advance, referral_reads_log, referral_receive
    from tenants.incidents.models import IncidentWarning
    from tenants.incidents.services import incident_warning_report
    from tenants.privacy.models import SensitiveAccess
    from tests.factories import make_person

    portal = union_a.__class__.objects.get(schema_name="public")
    street = union_a.district.streets.order_by("code").first()
    made_here["streets"].append(street.pk)

    def portal_person(kind: str, name: str, **place):
        account, user = make_person(portal, kind, name=name)
        made_here["accounts"].append(account.mobile)
        FederationRole.objects.create(user=user, kind=kind, **place)
        return user

    district_admin = portal_person("district_admin", "二号区管", district=union.district)
    station_staff = portal_person("station_staff", "二号站长", street=street)
    chairman = make_person(union, "chairman", name="二号主席")
    made_here["accounts"].append(chairman[0].mobile)
    chairman_user = chairman[1]

    # 1. A collective-incident warning: reported in the union (its database), delivered by the
    #    outbox into the district's inbox (the directory); the district's staff are told.
    with tenant_context(union):
        warning = incident_warning_report(
            by=chairman_user, category="wage_arrears", summary="二号库三车间约四十名职工因欠薪商量停工。",
            headcount=40, location="厂区三车间", risk_level="elevated",
        )  # fmt: skip
        assert IncidentWarning.objects.get(pk=warning.pk).delivered_at is not None
    inbox = InboxWarning.objects.get(event_id=warning.event_id)
    assert inbox.union_id == union.pk and inbox.district_id == union.district_id
    assert PortalNotification.objects.filter(recipient=district_admin, kind="warning").count() == 1
    assert Fact.objects.filter(union_id=union.pk, name="warning.raised").count() == 1

    # 2. Docking: the union books a station's room (a row lock on the resource in the
    #    directory), the station approves on the portal, and the union, told in its own schema,
    #    reports the approval as a fact once.
    station = ServiceStation.objects.create(
        street=street, name="二号测试服务站", address="朝阳区测试路1号", phone="010-12345678", services="场地"
    )
    with schema_context("public"):
        room = resource_create(
            party=Party(station=station), by=station_staff, kind="room", title="二号活动室",
            address="朝阳区测试路1号2层", contact="010-12345678", capacity=20, publish=True,
        )  # fmt: skip
    with tenant_context(union):
        booking = booking_request(
            resource=room, party=Party(union=union), by=chairman_user, requester_name="李强",
            requester_phone="13800138098", purpose="班组培训", headcount=10,
            starts_at=_soon(hours=50), ends_at=_soon(hours=52),
        )  # fmt: skip
    with schema_context("public"):
        booking_decide(booking=booking, approve=True, by=station_staff)
    booking = BookingRequest.objects.get(pk=booking.pk)
    assert booking.status == BookingStatus.APPROVED and booking.told_requester == BookingStatus.APPROVED
    assert Fact.objects.filter(union_id=union.pk, name="docking.booking_approved").count() == 1

    # 3. A referral to the district: received in the union's delivery transaction, accepted by
    #    the district on the portal (outside any transaction, so its row lock needs its own),
    #    and the district's read of what was shared logged in the union's audit log.
    with tenant_context(union), transaction.atomic():
        referral, created = referral_receive(
            union_schema=union.schema_name, event_id=uuid.uuid4(), referral_uuid=uuid.uuid4(),
            reference="ZJ-SHARD-1", case_kind="appeal", difficulty="normal",
            shared=[{"label": "诉求", "value": "班车站点"}], sent_at=_soon(hours=0),
            receiver_kind=ReceiverKind.DISTRICT,
        )  # fmt: skip
        assert created
    with schema_context("public"):
        referral_advance(referral=referral, action="accept", by=district_admin)
        assert StationReferral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED
        referral_reads_log(
            referrals=[StationReferral.objects.get(pk=referral.pk)], user=district_admin, via="portal"
        )
    with tenant_context(union):
        assert SensitiveAccess.objects.filter(object_pk=str(referral.pk), via="portal").count() == 1


def _soon(*, hours: int):
    import datetime

    from django.utils import timezone

    return timezone.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=hours)


def _directory_writes_clean(made_here: dict) -> None:
    from accounts.models import Account
    from docking.models import BookingRequest, SharedResource
    from federation.models import FederationRole, InboxWarning
    from portal_notifications.models import PortalNotification
    from stations.models import ServiceStation, StationReferral
    from tenants.users.models import User

    StationReferral.objects.filter(reference="ZJ-SHARD-1").delete()
    BookingRequest.objects.filter(resource__title="二号活动室").delete()
    SharedResource.objects.filter(title="二号活动室").delete()
    ServiceStation.objects.filter(name="二号测试服务站").delete()
    InboxWarning.objects.filter(union__slug__startswith="erhao").delete()
    accounts = list(Account.objects.filter(mobile__in=made_here["accounts"]))
    users = User.objects.filter(account__in=accounts)
    PortalNotification.objects.filter(recipient__in=users).delete()
    FederationRole.objects.filter(user__in=users).delete()
    users.delete()
    Account.objects.filter(pk__in=[a.pk for a in accounts]).delete()


def test_switching_a_connection_to_another_database_inside_a_transaction_is_refused(
    second_database, django_db_blocker
):
    """The default connection follows a union to its database, but never out of an open
    transaction: that would leave the transaction behind, half done."""
    from django.db import transaction

    from workershome.shards import ShardSwitchError, on_database

    def work():
        with transaction.atomic():
            connection.set_schema_to_public()
            with pytest.raises(ShardSwitchError), on_database(SHARD):
                pass
            assert connection.settings_dict["NAME"] != second_database
        with on_database(SHARD), schema_context("public"), connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            return cursor.fetchone()[0]

    with django_db_blocker.unblock():
        assert _in_thread(work) == second_database


def test_union_rows_refer_to_directory_rows_by_id_only():
    """A union's tables may live on a shard whose public tables hold nothing of the directory's,
    so a union model refers to a public-only model without a database constraint (and code
    reads the referred row through the router, never by a join in the same statement)."""
    from django.apps import apps

    from workershome.shards import public_only_labels

    shared = public_only_labels()
    relations = [
        (model._meta.label, field.name, field.related_model._meta.label, field.db_constraint)
        for model in apps.get_models()
        if model._meta.app_label not in shared
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model is not None
        and field.related_model._meta.app_label in shared
    ]  # fmt: skip
    assert relations, "expected union rows that refer to accounts and unions"
    assert [r for r in relations if r[3]] == []


def test_new_unions_go_to_the_database_with_the_fewest(settings, union_a, union_b):
    """``UNION_NEW_DATABASE=fewest`` places a new union on the database holding the fewest
    unions (the directory first on a tie); a named database is taken as it is."""
    from tenants.registry.models import Union
    from workershome.shards import database_for_new_union

    settings.DATABASE_SHARDS = {SHARD: "postgres:///unused"}  # only the registry is read
    settings.UNION_NEW_DATABASE = SHARD
    assert database_for_new_union() == SHARD
    settings.UNION_NEW_DATABASE = "fewest"
    unions = Union.objects.exclude(schema_name="public")
    assert unions.count() >= 2
    assert database_for_new_union() == SHARD  # the shard holds none yet
    unions.exclude(pk=union_a.pk).update(database=SHARD)
    assert database_for_new_union() == "default"  # one here, the rest there
    unions.update(database=SHARD)
    assert database_for_new_union() == "default"
    unions.update(database="default")
    settings.DATABASE_SHARDS = {}
    assert database_for_new_union() == "default"  # one database: always the directory
