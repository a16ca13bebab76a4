"""``public.workershome_audit_protect(schema)``: hands a union's audit table to the owner role.

The sensitive-data audit table (``privacy_sensitiveaccess``) refuses UPDATE, DELETE and
TRUNCATE by trigger, and a table's owner could disable that trigger. Where the application runs
as its own database role (``wh_app``) and migrations as an owner role (``wh_owner``, a member of
``wh_app``: docs/operations.md), this function — created by the migration, so owned by
``wh_owner``, and run with its rights (SECURITY DEFINER) — makes ``wh_owner`` the table's owner
and leaves the caller only SELECT and INSERT. Provisioning calls it for every new union, so a
union created from the portal by the web process is protected like the others. It can only give
the one table away, never take anything. Where both are the same role (development, tests) it
changes nothing.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION public.workershome_audit_protect(target_schema text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    audit regclass := to_regclass(format('%I.privacy_sensitiveaccess', target_schema));
    caller text := session_user;
BEGIN
    IF audit IS NULL THEN
        RETURN false;
    END IF;
    IF (SELECT relowner::regrole::text FROM pg_class WHERE oid = audit) <> current_user THEN
        EXECUTE format('ALTER TABLE %s OWNER TO %I', audit, current_user);
    END IF;
    IF caller <> current_user THEN
        EXECUTE format('GRANT SELECT, INSERT ON %s TO %I', audit, caller);
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON %s FROM %I', audit, caller);
    END IF;
    RETURN true;
END
$fn$;
REVOKE ALL ON FUNCTION public.workershome_audit_protect(text) FROM PUBLIC;
"""
class Migration(migrations.Migration):
    dependencies = [("registry", "0002_template_snapshot")]

    operations = [
        migrations.RunSQL(CREATE, "DROP FUNCTION IF EXISTS public.workershome_audit_protect(text);")
    ]
