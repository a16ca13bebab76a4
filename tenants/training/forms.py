"""Forms of skills training: the staff's admin forms (course, session, attendance)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.widgets import AdminDateTimeInput

from .models import Course


class CourseForm(forms.ModelForm):
    """The course as an officer sets it in the admin (its sessions are added on its page)."""

    class Meta:
        model = Course
        fields = [
            "title", "category", "description", "teacher", "room", "place", "capacity", "waiting_list",
            "enrolment_deadline", "hours_per_session", "completion_percent", "contact", "status",
        ]  # fmt: skip
        widgets = {
            "enrolment_deadline": AdminDateTimeInput,
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from cms.models import RoomPage

        self.fields["room"].queryset = RoomPage.objects.live().order_by("title")
        self.fields["room"].required = False


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=AdminDateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=AdminDateTimeInput)
    topic = forms.CharField(label=pgettext_lazy("course session", "Topic"), max_length=120, required=False)
