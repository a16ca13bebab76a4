"""The audit log of sensitive reads is append-only in the database itself.

A trigger refuses UPDATE and DELETE on every row and TRUNCATE on the table, whatever the
application (or someone with its credentials) tries. Only the table's owner can disable a
trigger: production therefore runs the application as a role that does not own the table and
holds only INSERT and SELECT on it (docs/operations.md).
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION privacy_sensitive_access_append_only() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    RAISE EXCEPTION 'privacy_sensitiveaccess is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$body$;
CREATE TRIGGER privacy_sensitiveaccess_no_change
    BEFORE UPDATE OR DELETE ON privacy_sensitiveaccess
    FOR EACH ROW EXECUTE FUNCTION privacy_sensitive_access_append_only();
CREATE TRIGGER privacy_sensitiveaccess_no_truncate
    BEFORE TRUNCATE ON privacy_sensitiveaccess
    FOR EACH STATEMENT EXECUTE FUNCTION privacy_sensitive_access_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS privacy_sensitiveaccess_no_truncate ON privacy_sensitiveaccess;
DROP TRIGGER IF EXISTS privacy_sensitiveaccess_no_change ON privacy_sensitiveaccess;
DROP FUNCTION IF EXISTS privacy_sensitive_access_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
