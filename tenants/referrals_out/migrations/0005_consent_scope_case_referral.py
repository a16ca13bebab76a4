"""Consents recorded for referrals move to the scope of their own, ``case_referral``.

Until now a referral's consent was recorded under the case kind's scope (mediation, hardship,
counselling) or, for every other kind (appeals, proposals, warnings), under ``referral``, whose
label says "skills and job referral". They can be told apart exactly: every referral recorded
a consent row of its own (``consent_record`` in ``referrals_out.services``), and it is the row
its ``OutgoingReferral.consent`` points at; nothing else records consents under ``referral``
(job referrals record none). So precisely those rows move; the consents the mediation,
hardship and counselling services took for their own work are untouched. Backwards, each row
goes back to the scope its case kind used.
"""

from django.db import migrations

# The scopes the referral's consent was recorded under before, by kind of case.
OLD_SCOPES = {"mediation": "mediation", "hardship": "hardship", "counselling": "counselling"}


def forwards(apps, schema_editor):
    Consent = apps.get_model("privacy", "Consent")
    OutgoingReferral = apps.get_model("referrals_out", "OutgoingReferral")
    Consent.objects.filter(pk__in=OutgoingReferral.objects.values("consent_id")).update(scope="case_referral")


def backwards(apps, schema_editor):
    Consent = apps.get_model("privacy", "Consent")
    OutgoingReferral = apps.get_model("referrals_out", "OutgoingReferral")
    for consent_id, kind in OutgoingReferral.objects.values_list("consent_id", "case__kind"):
        Consent.objects.filter(pk=consent_id, scope="case_referral").update(
            scope=OLD_SCOPES.get(kind, "referral")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("referrals_out", "0004_every_receiver"),
        ("privacy", "0003_consent_scope_case_referral"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
