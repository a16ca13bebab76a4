"""Staff forms of worker contact (admin). Fields only; the services validate and act."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from tenants.cases.kinds import KINDS
from tenants.cases.models import Case
from tenants.users.models import User

from .models import ContactActivity, InboundChannel


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name()}（{obj.username}）"


def _members():
    return User.objects.filter(is_active=True).order_by("name", "username")


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactActivity.Kind.choices)
    title = forms.CharField(label=_("Subject"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=AdminDateInput)
    place = forms.CharField(label=_("Place"), max_length=100)
    attendees = MemberChoiceField(
        label=_("Members who took part"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    other_attendees = forms.IntegerField(
        label=_("Other people"), min_value=0, max_value=100000, initial=0,
        help_text=_("Workers and others present who are not listed."),
    )  # fmt: skip
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def __init__(self, *args, with_issues: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        attendees = self.fields["attendees"]
        assert isinstance(attendees, forms.ModelMultipleChoiceField)
        attendees.queryset = _members()
        if with_issues:
            self.fields["issues"] = forms.CharField(
                label=_("Issues raised"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_("One issue per line; add details and who raised each on the activity's page."),
            )


class IssueForm(forms.Form):
    summary = forms.CharField(label=_("Issue"), max_length=200)
    details = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    raised_by_mobile = forms.CharField(
        label=_("Raised by (member's mobile number)"), max_length=20, required=False
    )
    raised_by_name = forms.CharField(
        label=_("Raised by"),
        max_length=50,
        required=False,
        help_text=_("A name, or e.g. “workers of workshop 2”."),
    )


def _categories() -> list[tuple[str, str]]:
    return [("", "—"), *((code, str(label)) for code, label in KINDS["appeal"].categories)]


class CaseFromIssueForm(forms.Form):
    issue = forms.IntegerField(widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_("Category"), required=False, choices=_categories)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Case.Priority.choices, coerce=int, initial=Case.Priority.NORMAL
    )


class ChannelCreateForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100, help_text=_("E.g. the 12351 workers' hotline."))
    kind = forms.ChoiceField(label=_("Kind"), choices=InboundChannel.Kind.choices)


class ChannelEditForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    active = forms.BooleanField(
        label=_("active"), required=False, help_text=_("Switched off, the channel's messages are refused.")
    )
