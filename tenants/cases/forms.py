"""Staff forms for cases (admin). Fields only; the services validate and act."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.users.models import User

from .kinds import KINDS
from .models import Case, CaseEvent
from .services import NOTE_KINDS


def _categories() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for spec in KINDS.values():
        for code, label in spec.categories:
            seen.setdefault(code, str(label))
    return [("", "—"), *seen.items()]


class CaseCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of case"))
    category = forms.ChoiceField(label=_("Category"), required=False)
    title = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Case.Channel.choices)
    requester_type = forms.ChoiceField(
        label=_("Requester"), choices=Case.RequesterType.choices, widget=forms.RadioSelect
    )
    member_mobile = forms.CharField(
        label=_("Member's mobile number"), max_length=20, required=False,
        help_text=_("For a member of this union."),
    )  # fmt: skip
    requester_name = forms.CharField(label=_("Requester's name"), max_length=50, required=False)
    requester_contact = forms.CharField(label=_("Requester's contact"), max_length=100, required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Case.Priority.choices, coerce=int, initial=Case.Priority.NORMAL
    )
    confidentiality = forms.ChoiceField(label=_("Who may see it"), choices=Case.Confidentiality.choices)
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [(kind, KINDS[kind].label) for kind in kinds]
        cast(forms.ChoiceField, self.fields["category"]).choices = _categories()


class TransitionForm(forms.Form):
    to_step = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the step closes the case."),
    )  # fmt: skip


class NoteForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(kind.value, kind.label) for kind in NOTE_KINDS],
        initial=CaseEvent.Kind.NOTE,
    )
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class AssignForm(forms.Form):
    assignee: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Assignee"), queryset=User.objects.none()
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
