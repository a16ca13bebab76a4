"""Admin forms of the work plan. The rules (one plan a year, dates within the year, one owner)
are the services'; the forms only take the input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from tenants.users.models import User

from .models import PlanItem

STAFF_ROLES = ("chairman", "officer", "mediator", "counsellor", "librarian", "editor")


def staff_users():
    """The union's staff: active users holding a staff role (not plain members or visitors)."""
    return (
        User.objects.filter(is_active=True, groups__name__in=STAFF_ROLES)
        .distinct()
        .order_by("first_name", "pk")
    )


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    introduction = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The plan's guiding ideas and main goals for the year."),
    )  # fmt: skip
    published = forms.BooleanField(
        label=_("Published on the site"), required=False,
        help_text=_("Members can read the plan and its progress on the site."),
    )  # fmt: skip


class ItemForm(forms.Form):
    task = forms.CharField(label=_("Task"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=PlanItem.Category.choices)
    owner_mobile = forms.CharField(
        label=_("Owner: member's mobile number"), max_length=20, required=False,
        help_text=_("A member on the roster; or choose a staff member below."),
    )  # fmt: skip
    owner_user = forms.ModelChoiceField(
        label=_("Owner: staff member"), queryset=User.objects.none(), required=False
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=AdminDateInput)
    due_on = forms.DateField(label=_("Due on"), widget=AdminDateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_user"].queryset = staff_users()
        self.fields["owner_user"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(forms.Form):
    note = forms.CharField(label=_("Why it is cancelled"), widget=forms.Textarea(attrs={"rows": 2}))


class SummaryForm(forms.Form):
    summary = forms.CharField(label=_("Year-end summary"), widget=forms.Textarea(attrs={"rows": 10}))
