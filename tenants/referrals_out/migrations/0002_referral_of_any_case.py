"""A referral points at its case (any kind) instead of a mediation case: the column is added
and existing rows take their mediation case's case. Requiring it and dropping the old column
follow in 0003, in their own transaction (PostgreSQL refuses to alter a table with pending
deferred-constraint events from the rows just updated).

The same holds inside this migration: the new column's index is created when the migration's
operations are done, after the copy, so the copy fires its deferred foreign-key checks at once
(as a commit would). Without that, a union with referrals failed here with "cannot CREATE INDEX
… because it has pending trigger events" (tests/referrals/test_migration_case.py)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def case_from_mediation(apps, schema_editor):
    OutgoingReferral = apps.get_model("referrals_out", "OutgoingReferral")
    MediationCase = apps.get_model("mediation", "MediationCase")
    OutgoingReferral.objects.using(schema_editor.connection.alias).update(
        case_id=Subquery(MediationCase.objects.filter(pk=OuterRef("mediation_id")).values("case_id")[:1])
    )
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_kinds_mediation_counselling"),
        ("mediation", "0001_initial"),
        ("referrals_out", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="outgoingreferral",
            name="case",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="outgoing_referrals",
                to="cases.case", verbose_name="case",
            ),
        ),
        migrations.RunPython(case_from_mediation, migrations.RunPython.noop),
    ]
