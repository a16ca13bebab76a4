"""Forms of reception days: the worker's booking on the site, and the staff's admin forms."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput, AdminTimeInput

from tenants.cases.kinds import KINDS
from tenants.cases.models import Case
from tenants.users.models import User

from .models import ReceptionSchedule


class BookingForm(forms.Form):
    """A worker books one slot: the slot's start (as the page lists it) and the topic."""

    schedule = forms.IntegerField(widget=forms.HiddenInput)
    slot = forms.CharField(label=_("Time"), max_length=40)
    topic = forms.CharField(
        label=_("What would you like to talk about?"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 200}),
        error_messages={"required": _("Say briefly what you would like to talk about.")},
    )

    def clean_slot(self) -> datetime.datetime:
        value = self.cleaned_data["slot"]
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError as error:
            raise forms.ValidationError(_("Choose a time from the list.")) from error
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment


class ScheduleForm(forms.ModelForm):
    """The schedule, as the chairman or an officer sets it in the admin."""

    class Meta:
        model = ReceptionSchedule
        fields = [
            "title", "host", "place", "frequency", "interval", "weekday", "week_of_month",
            "starts_on", "ends_on", "start_time", "end_time", "slot_minutes", "people_per_slot",
            "booking_open", "booking_weeks_ahead", "published", "notes",
        ]  # fmt: skip
        widgets = {
            "starts_on": AdminDateInput,
            "ends_on": AdminDateInput,
            "start_time": AdminTimeInput,
            "end_time": AdminTimeInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        host = self.fields["host"]
        assert isinstance(host, forms.ModelChoiceField)
        host.queryset = (
            User.objects.filter(is_active=True, groups__name__in=["chairman", "officer"])
            .distinct()
            .order_by("name")
        )
        host.required = True


class CancelDateForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=AdminDateInput)
    reason = forms.CharField(
        label=_("Reason"), max_length=200, help_text=_("Shown on the site and sent to those who booked.")
    )


def _categories() -> list[tuple[str, str]]:
    return [("", "—"), *((code, str(label)) for code, label in KINDS["appeal"].categories)]


class CaseFromVisitForm(forms.Form):
    """The few things the case needs beyond the visit: a subject, a category, a priority."""

    title = forms.CharField(label=_("Subject of the case"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), required=False, choices=_categories)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Case.Priority.choices, coerce=int, initial=Case.Priority.NORMAL
    )


class VisitForm(forms.Form):
    """A visit as the staff log it: who came, when, the topic, what was said, the follow-up."""

    member_mobile = forms.CharField(
        label=_("Member's mobile number"),
        max_length=20,
        required=False,
        help_text=_("For a member of this union; otherwise give the visitor's name."),
    )
    visitor_name = forms.CharField(label=_("Visitor's name"), max_length=50, required=False)
    visitor_contact = forms.CharField(label=_("Visitor's contact"), max_length=100, required=False)
    department = forms.CharField(label=_("Department"), max_length=100, required=False)
    schedule = forms.ModelChoiceField(
        label=_("Reception schedule"), queryset=ReceptionSchedule.objects.all(), required=False
    )
    visited_at = forms.DateTimeField(label=_("Time of the visit"), widget=AdminDateTimeInput)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    notes = forms.CharField(label=_("What was said"), widget=forms.Textarea(attrs={"rows": 6}))
    follow_up = forms.CharField(
        label=_("Follow-up"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class VisitEditForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    notes = forms.CharField(label=_("What was said"), widget=forms.Textarea(attrs={"rows": 6}))
    follow_up = forms.CharField(
        label=_("Follow-up"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
