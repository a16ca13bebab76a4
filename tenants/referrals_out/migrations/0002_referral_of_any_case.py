"""A referral points at its case (any kind) instead of a mediation case: the column is added
and existing rows take their mediation case's case. Requiring it and dropping the old column
follow in 0003, in their own transaction (PostgreSQL refuses to alter a table with pending
deferred-constraint events from the rows just updated)."""

import django.db.models.deletion
from django.db import migrations, models


def case_from_mediation(apps, schema_editor):
    OutgoingReferral = apps.get_model("referrals_out", "OutgoingReferral")
    for referral in OutgoingReferral.objects.select_related("mediation").only("pk", "mediation__case_id"):
        OutgoingReferral.objects.filter(pk=referral.pk).update(case_id=referral.mediation.case_id)


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
