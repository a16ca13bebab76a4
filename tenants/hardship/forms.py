"""Forms of the hardship admin. They only shape input; the services check and refuse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.privacy.models import Consent

from .models import AssistanceRecord, FollowUpVisit, HardshipKind, HouseholdMember, Tier

_DATE = forms.DateInput(attrs={"type": "date"})


class ConsentForm(forms.Form):
    mobile = forms.CharField(label=_("Worker's mobile number"), max_length=20)
    method = forms.ChoiceField(label=_("How it was given"), choices=Consent.Method.choices)
    purpose = forms.CharField(
        label=_("Purpose stated to the worker"), widget=forms.Textarea(attrs={"rows": 3}),
        initial="建立困难职工帮扶档案，核实家庭收入、健康等情况，用于申请帮扶和定期回访；仅工会主席和经办干事可查阅。",
    )  # fmt: skip


class FileOpenForm(forms.Form):
    mobile = forms.CharField(label=_("Worker's mobile number"), max_length=20)
    kind = forms.ChoiceField(label=_("Kind of hardship"), choices=HardshipKind.choices)
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=20)
    monthly_income = forms.CharField(label=_("Household monthly income (yuan)"), max_length=20)
    household_size = forms.IntegerField(label=_("People in the household"), min_value=1, max_value=20)
    causes = forms.CharField(label=_("Causes of hardship"), widget=forms.Textarea(attrs={"rows": 3}))
    health = forms.CharField(label=_("Health"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    member_name = forms.CharField(label=_("Household member: name"), max_length=50, required=False)
    member_relation = forms.ChoiceField(
        label=_("Relation"), choices=[("", "—"), *HouseholdMember.Relation.choices], required=False
    )
    member_id_number = forms.CharField(label=_("Member's resident ID number"), max_length=20, required=False)
    member_health = forms.CharField(label=_("Member's health"), max_length=300, required=False)


class AssistanceForm(forms.Form):
    form = forms.ChoiceField(label=_("Form of help"), choices=AssistanceRecord.Form.choices)
    amount = forms.CharField(label=_("Amount or value (yuan)"), max_length=20, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=AssistanceRecord.Source.choices)
    description = forms.CharField(label=_("What was given, or to whom referred"), max_length=300)
    given_on = forms.DateField(label=_("Given on"), widget=_DATE)


class FollowUpForm(forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=_DATE)
    method = forms.ChoiceField(label=_("How"), choices=FollowUpVisit.Method.choices)
    situation = forms.ChoiceField(label=_("Situation"), choices=FollowUpVisit.Situation.choices)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))
    household_income = forms.CharField(
        label=_("Household monthly income now (yuan)"), max_length=20, required=False
    )


class ExitProposeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the household can leave the file"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ExitDecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"), coerce=lambda value: value == "1",
        choices=[("1", _("Approve the exit")), ("0", _("Continue assistance"))],
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class EvidenceForm(forms.Form):
    upload = forms.FileField(label=_("Evidence document"))
    description = forms.CharField(label=_("What it shows"), max_length=200, required=False)


class SettingsForm(forms.Form):
    deep_months = forms.IntegerField(label=_("Months between visits: deep hardship"))
    relative_months = forms.IntegerField(label=_("Months between visits: relative hardship"))
    sudden_months = forms.IntegerField(label=_("Months between visits: sudden hardship"))
    fallback_months = forms.IntegerField(label=_("Months a household is watched after leaving"))
    income_line = forms.CharField(label=_("Income line per head (yuan a month)"), max_length=20)
