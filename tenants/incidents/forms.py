"""The short warning form (what, how many, where, risk level): quick to fill in on a phone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workershome.errors import ServiceError

from .choices import LOCATION_MAX_LENGTH, MAX_HEADCOUNT, SUMMARY_MAX_LENGTH, IncidentCategory, RiskLevel


class IncidentWarningForm(forms.Form):
    category = forms.ChoiceField(label=_("What the dispute is about"), choices=IncidentCategory.choices)
    summary = forms.CharField(
        label=_("What is happening"),
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What the workers intend to do and why. Describe the incident, not people: no names or phone numbers."
        ),
    )
    headcount = forms.IntegerField(label=_("People involved"), min_value=1, max_value=MAX_HEADCOUNT)
    location = forms.CharField(label=_("Where it is happening"), max_length=LOCATION_MAX_LENGTH)
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=RiskLevel.choices, widget=forms.RadioSelect, initial=RiskLevel.ELEVATED
    )
    expected_at = forms.DateTimeField(
        label=_("Expected at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("When the workers plan to act, if known."),
    )

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    def add_service_error(self, error: ServiceError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, str(error.message))
