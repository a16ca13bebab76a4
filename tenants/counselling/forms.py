"""Forms of counselling (site and admin). They only shape input; the services check and refuse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.activities.models import Audience

from .models import Counsellor

_DATE = forms.DateInput(attrs={"type": "date"})
_TIME = forms.TimeInput(attrs={"type": "time"})
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
WEEKDAYS = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
    (5, _("Saturday")), (6, _("Sunday")),
]  # fmt: skip


class BookingForm(forms.Form):
    slot = forms.IntegerField(
        label=_("Time"), min_value=1, max_value=2**63 - 1,
        error_messages={"required": _("Choose a time."), "invalid": _("Choose a time.")},
    )  # fmt: skip
    consent = forms.BooleanField(label=_("I agree to the purpose stated above"), required=False)


class CounsellorForm(forms.ModelForm):
    mobile = forms.CharField(
        label=_("Mobile number of their account in this union"), max_length=20, required=False,
        help_text=_("Leave empty for a hired professional without an account (they cannot take appointments)."),
    )  # fmt: skip

    class Meta:
        model = Counsellor
        fields = ["name", "qualification", "introduction", "hired", "active"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}


class SlotsForm(forms.Form):
    counsellor = forms.ModelChoiceField(
        label=_("Counsellor"), queryset=Counsellor.objects.filter(active=True, user__isnull=False)
    )
    first_day = forms.DateField(label=_("From"), widget=_DATE)
    weeks = forms.IntegerField(label=_("For how many weeks"), min_value=1, max_value=26, initial=4)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    start = forms.TimeField(label=_("At"), widget=_TIME)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=15, max_value=180, initial=50)
    place = forms.CharField(label=_("Place"), max_length=100, initial="职工减压室")


class LectureForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    starts_at = forms.DateTimeField(label=_("Starts"), widget=_DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=_DATETIME)
    place = forms.CharField(label=_("Place"), max_length=200)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=100000, required=False)
    audience = forms.ChoiceField(label=_("Open to"), choices=Audience.choices, initial=Audience.MEMBERS)
    counsellor = forms.ModelChoiceField(label=_("Speaker"), queryset=Counsellor.objects.all(), required=False)
    publish = forms.BooleanField(label=_("Publish now"), required=False, initial=True)


class CloseForm(forms.Form):
    held = forms.TypedChoiceField(
        label=_("The talk"), choices=[("1", _("took place")), ("0", _("did not take place: the worker did not come"))],
        coerce=lambda value: value == "1",
    )  # fmt: skip


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Session notes"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )
