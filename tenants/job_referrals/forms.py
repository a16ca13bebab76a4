"""Forms of the referral admin. They only shape input; the services check and refuse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.training.models import Course

from .models import Referral

_DATE = forms.DateInput(attrs={"type": "date"})


class ReferralForm(forms.Form):
    mobile = forms.CharField(label=_("Member's mobile number (on the roster)"), max_length=20)
    kind = forms.ChoiceField(label=_("Referred to"), choices=Referral.Kind.choices)
    referred_on = forms.DateField(label=_("Referred on"), widget=_DATE)
    course = forms.ModelChoiceField(
        label=_("Our training course"), queryset=Course.objects.all(), required=False
    )
    institution = forms.CharField(label=_("Outside training institution"), max_length=200, required=False)
    programme = forms.CharField(label=_("Course or programme"), max_length=200, required=False)
    employer = forms.CharField(label=_("Employer"), max_length=200, required=False)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    contact = forms.CharField(
        label=_("Contact at the employer or institution"), max_length=100, required=False
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    next_follow_up_on = forms.DateField(label=_("Next follow-up"), widget=_DATE, required=False)


class FollowUpForm(forms.Form):
    followed_up_on = forms.DateField(label=_("Followed up on"), widget=_DATE)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Referral.Outcome.choices)
    note = forms.CharField(label=_("What was learnt"), widget=forms.Textarea(attrs={"rows": 3}))
    next_follow_up_on = forms.DateField(label=_("Next follow-up"), widget=_DATE, required=False)
