"""The audit table cannot be changed by the application's own database role, even in a union the
web process created: provisioning hands the table to the owner role through
``public.workershome_audit_protect`` (registry migration 0003), leaving the application only
SELECT and INSERT — no UPDATE, DELETE, TRUNCATE, and no way to disable the append-only trigger.

Real PostgreSQL roles: an owner role (migrations) that is a member of the application role, as
docs/operations.md sets them up; all created inside the test's transaction and rolled back."""

from __future__ import annotations

import uuid

import pytest
from django.db import DatabaseError, connection, transaction

pytestmark = pytest.mark.django_db


def refused(cursor, sql: str) -> bool:
    try:
        with transaction.atomic():
            cursor.execute(sql)
    except DatabaseError:
        return True
    return False


def test_the_application_role_cannot_change_or_unprotect_the_audit_table_after_provisioning():
    suffix = uuid.uuid4().hex[:8]
    owner, app, schema = f"wh_t_owner_{suffix}", f"wh_t_app_{suffix}", f"u_audit_{suffix}"
    table = f"{schema}.privacy_sensitiveaccess"
    with connection.cursor() as cursor:
        # Given the two roles, and a union schema the application role created (as the web
        # process does when a union is created from the portal)
        cursor.execute(f"CREATE ROLE {owner} NOLOGIN; CREATE ROLE {app} NOLOGIN; GRANT {app} TO {owner}")
        cursor.execute(f"CREATE SCHEMA {schema} AUTHORIZATION {app}")
        cursor.execute(f"SET SESSION AUTHORIZATION {app}")
        cursor.execute(f"CREATE TABLE {table} (id integer, reason text)")
        cursor.execute("RESET SESSION AUTHORIZATION")
        cursor.execute(f"ALTER FUNCTION public.workershome_audit_protect(text) OWNER TO {owner}")
        cursor.execute(f"GRANT EXECUTE ON FUNCTION public.workershome_audit_protect(text) TO {app}")

        # When the application role runs provisioning's hand-over
        cursor.execute(f"SET SESSION AUTHORIZATION {app}")
        cursor.execute("SELECT public.workershome_audit_protect(%s)", [schema])
        assert cursor.fetchone() == (True,)

        # Then it still writes and reads audit rows
        cursor.execute(f"INSERT INTO {table} VALUES (1, '查看帮扶档案')")
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone() == (1,)
        # But it can neither change them nor take the protection off
        assert refused(cursor, f"UPDATE {table} SET reason = '改写'")
        assert refused(cursor, f"DELETE FROM {table}")
        assert refused(cursor, f"TRUNCATE {table}")
        assert refused(cursor, f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        assert refused(cursor, f"ALTER TABLE {table} OWNER TO {app}")
        cursor.execute("RESET SESSION AUTHORIZATION")
        cursor.execute("SELECT relowner::regrole::text FROM pg_class WHERE oid = %s::regclass", [table])
        assert cursor.fetchone() == (owner,)


def test_with_one_role_for_everything_the_hand_over_changes_nothing(union_a):
    with connection.cursor() as cursor:
        cursor.execute("SELECT public.workershome_audit_protect(%s)", [union_a.schema_name])
        assert cursor.fetchone() == (True,)
        cursor.execute("SELECT public.workershome_audit_protect(%s)", ["no_such_schema"])
        assert cursor.fetchone() == (False,)
