from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from federation.models import Street


class StationForm(forms.Form):
    street = forms.ModelChoiceField(label=_("Street"), queryset=Street.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=30)
    services = forms.CharField(
        label=_("Services offered"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One service per line."),
    )  # fmt: skip
    grid_id = forms.CharField(label=_("Grid platform identifier"), max_length=50, required=False)

    def __init__(self, *args, streets=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        street = self.fields["street"]
        assert isinstance(street, forms.ModelChoiceField)
        street.queryset = streets if streets is not None else Street.objects.none()


class AdvanceForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("accept", _("Accept")), ("decline", _("Decline")), ("start", _("Start handling")),
                 ("close", _("Close as resolved"))],
        widget=forms.RadioSelect,
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when declining or closing: why, or how it was resolved."),
    )  # fmt: skip
