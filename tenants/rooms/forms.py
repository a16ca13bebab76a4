"""Forms of room booking: the member's booking on the site, and the officers' admin forms."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminTimeInput

from cms.models import RoomKind, RoomPage
from tenants.reception.models import Weekday

from .models import RoomBookingRule


class BookingForm(forms.Form):
    """A booking as a member fills it in: the day, from and until, the use, purpose and people,
    and the group it is for (for a group's leader)."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time", "step": 900})
    )
    end = forms.TimeField(label=_("End time"), widget=forms.TimeInput(attrs={"type": "time", "step": 900}))
    use = forms.ChoiceField(label=_("Use of the room"))
    purpose = forms.CharField(
        label=_("Purpose"), max_length=200, help_text=_("E.g. badminton training, a team meeting."),
        error_messages={"required": _("Say what the room is for.")},
    )  # fmt: skip
    people = forms.IntegerField(label=_("Number of people"), min_value=1, max_value=10000)
    group = forms.TypedChoiceField(label=_("For the group"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, room: RoomPage, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(RoomKind.choices)
        use = self.fields["use"]
        assert isinstance(use, forms.ChoiceField)
        use.choices = [(kind, labels.get(kind, kind)) for kind in room.all_kinds]
        group = self.fields["group"]
        assert isinstance(group, forms.TypedChoiceField)
        group.choices = [("", _("Myself")), *((g.pk, g.name) for g in groups)]
        if not groups:
            group.widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("start") and data.get("end"):
            data["starts_at"] = timezone.make_aware(datetime.datetime.combine(data["date"], data["start"]))
            data["ends_at"] = timezone.make_aware(datetime.datetime.combine(data["date"], data["end"]))
        return data


class RuleForm(forms.ModelForm):
    class Meta:
        model = RoomBookingRule
        fields = ["room", "bookable", "requires_approval", "max_hours", "days_ahead", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        room = self.fields["room"]
        assert isinstance(room, forms.ModelChoiceField)
        taken = RoomBookingRule.objects.exclude(pk=self.instance.pk).values_list("room_id", flat=True)
        room.queryset = RoomPage.objects.exclude(pk__in=list(taken)).order_by("path")
        if self.instance.pk:
            room.disabled = True


class HoursForm(forms.Form):
    """One opening period; the admin shows a handful of these rows."""

    weekday = forms.TypedChoiceField(
        label=_("Day of the week"), choices=[("", "—"), *Weekday.choices], coerce=int, required=False,
        empty_value=None,
    )  # fmt: skip
    opens = forms.TimeField(label=_("Opens"), required=False, widget=AdminTimeInput)
    closes = forms.TimeField(label=_("Closes"), required=False, widget=AdminTimeInput)

    def clean(self):
        data = super().clean()
        filled = [data.get("weekday") is not None, bool(data.get("opens")), bool(data.get("closes"))]
        if any(filled) and not all(filled):
            raise forms.ValidationError(_("Give the day, the opening and the closing time."))
        return data


HoursFormSet = forms.formset_factory(HoursForm, extra=3, max_num=28)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
