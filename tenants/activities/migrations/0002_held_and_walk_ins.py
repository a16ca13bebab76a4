from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="cancel_reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="reason for cancelling"),
        ),
        migrations.AddField(
            model_name="activity",
            name="signups_counted_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="sign-ups counted"
            ),
        ),
        migrations.AddField(
            model_name="activity",
            name="held_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="marked as held"),
        ),
        migrations.AddField(
            model_name="activitysignup",
            name="walk_in",
            field=models.BooleanField(
                default=False, help_text="Came without signing up first.", verbose_name="walk-in"
            ),
        ),
    ]
