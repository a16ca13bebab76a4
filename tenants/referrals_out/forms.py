from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from stations.models import Difficulty

from .models import SharedItem


class SendForm(forms.Form):
    difficulty = forms.ChoiceField(
        label=_("Difficulty"), choices=Difficulty.choices, initial=Difficulty.NORMAL
    )
    shared = forms.MultipleChoiceField(
        label=_("Share with the station"), choices=SharedItem.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The kind of dispute is always shared; choose what else the station may see."),
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note to the station"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent_given = forms.BooleanField(
        label=_("The worker agreed, in writing, to share the chosen items with the service station"),
        required=False,
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("The worker's rating"), coerce=int, choices=[(n, str(n)) for n in range(5, 0, -1)]
    )
