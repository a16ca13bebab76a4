"""Admin forms of the workers' congress. The rules (quorum, co-signers, review decisions, the
pass rule) are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from .models import DisclosureItem, Resolution
from .services import REVIEW_DECISION_CHOICES


class SessionForm(forms.Form):
    congress_number = forms.IntegerField(label=_("Congress number (届)"), min_value=1, max_value=99)
    session_number = forms.IntegerField(label=_("Session number (次)"), min_value=1, max_value=99)
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=AdminDateInput)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    cosigners_min = forms.IntegerField(label=_("Co-signers needed"), min_value=0, max_value=50, initial=2)
    reply_days = forms.IntegerField(label=_("Days to reply"), min_value=1, max_value=365, initial=30)


class DelegateForm(forms.Form):
    member_mobile = forms.CharField(label=_("Member's mobile number"), max_length=20,
                                    help_text=_("A member on the roster."))  # fmt: skip
    constituency = forms.CharField(label=_("Constituency"), max_length=100,
                                   help_text=_("The delegation or electoral district (代表团/选区)."))  # fmt: skip


class AgendaForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=200)


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}), required=False)


class ResolutionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    method = forms.ChoiceField(label=_("Voting method"), choices=Resolution.Method.choices)
    votes_for = forms.IntegerField(label=_("For"), min_value=0)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0)
    votes_abstain = forms.IntegerField(label=_("Abstain"), min_value=0)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=REVIEW_DECISION_CHOICES)
    department = forms.CharField(label=_("Responsible department"), max_length=100, required=False,
                                 help_text=_("Required when accepted as a motion."))  # fmt: skip
    reply_days = forms.IntegerField(label=_("Days to reply"), min_value=1, max_value=365, required=False,
                                    help_text=_("Leave empty for the session's time limit."))  # fmt: skip
    note = forms.CharField(label=_("Review note"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                           help_text=_("Required when not accepted: the reason."))  # fmt: skip


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("The department's reply"), widget=forms.Textarea(attrs={"rows": 6}))


class DisclosureForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=DisclosureItem.Category.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 6}))
    disclosed_on = forms.DateField(label=_("Disclosed on"), widget=AdminDateInput)
    published = forms.BooleanField(label=_("Published to members"), required=False, initial=True)
