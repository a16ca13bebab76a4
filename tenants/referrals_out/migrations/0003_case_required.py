"""The case is required now that every row has one; the mediation column goes and the
station's name becomes the receiver's name."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals_out", "0002_referral_of_any_case"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outgoingreferral",
            name="case",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="outgoing_referrals", to="cases.case",
                verbose_name="case",
            ),
        ),
        migrations.RemoveField(model_name="outgoingreferral", name="mediation"),
        migrations.RenameField(model_name="outgoingreferral", old_name="station_name", new_name="receiver_name"),
    ]
