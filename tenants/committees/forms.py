"""Admin forms of the organisation: a committee, a term, a position. The rules (no overlapping
terms, one leader, who may publish a contact) are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from .models import Committee, Position, Term


class CommitteeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Committee.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    order = forms.IntegerField(label=_("Order on the site"), min_value=0, max_value=999, required=False)


class TermForm(forms.Form):
    number = forms.IntegerField(label=_("Term number"), min_value=1, max_value=99)
    years = forms.TypedChoiceField(label=_("Length"), choices=Term.Years.choices, coerce=int)
    starts_on = forms.DateField(label=_("Starts on"), widget=AdminDateInput)
    ends_on = forms.DateField(
        label=_("Ends on"), widget=AdminDateInput, required=False,
        help_text=_("Leave empty: the day before the election's anniversary after the term's years."),
    )  # fmt: skip
    elected_at_meeting = forms.CharField(label=_("Elected by"), max_length=200, required=False,
                                         help_text=_("E.g. the 3rd members' congress."))  # fmt: skip


class PositionForm(forms.Form):
    member_mobile = forms.CharField(
        label=_("Member's mobile number"), max_length=20, help_text=_("A member on the roster."),
    )  # fmt: skip
    role = forms.ChoiceField(label=_("Position"), choices=Position.Role.choices)
    duties = forms.CharField(label=_("Duties"), max_length=200, required=False)
    public_mobile = forms.CharField(
        label=_("Public mobile number"), max_length=20, required=False,
        help_text=_("The union committee's chairman only: shown on the site and the posters."),
    )  # fmt: skip
    public_email = forms.CharField(label=_("Public email"), max_length=254, required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, required=False)


class PositionEditForm(PositionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["member_mobile"]
