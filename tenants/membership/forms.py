"""Admin forms of the roster: one member, the Excel upload, a transfer request and its decision.

Forms only shape input; the checks that matter (mobile numbers, duplicates, the union chosen)
are the services', so the admin, the API and the import accept the same things."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput
from wagtail.images.widgets import AdminImageChooser

from tenants.registry.models import Union

from .models import Member


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    mobile = forms.CharField(label=_("Mobile number"), max_length=20)
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Member.Gender.choices], required=False)
    department = forms.CharField(label=_("Department or workshop"), max_length=100, required=False)
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=AdminDateInput)
    card_number = forms.CharField(label=_("Member card number"), max_length=30, required=False)
    badge_number = forms.CharField(
        label=_("Badge number"), max_length=20, required=False,
        help_text=_("The number on the uniform badge staff and committee members wear (亮身份)."),
    )  # fmt: skip
    photo: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Photo"), queryset=None, required=False, widget=AdminImageChooser,
        help_text=_("Shown on the site's people page for committee members."),
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        from wagtail.images import get_image_model

        super().__init__(*args, **kwargs)
        self.fields["photo"].queryset = get_image_model().objects.all()


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Use the template: the first row names the columns. At most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(Member.Status.ACTIVE, _("Active")), (Member.Status.LEFT, _("Left the union"))],
    )


class TransferRequestForm(forms.Form):
    to_union = forms.ModelChoiceField(
        label=_("Transfer to"), queryset=Union.objects.none(), empty_label=_("Choose the receiving union"),
        error_messages={"required": _("Choose the union to transfer to."),
                        "invalid_choice": _("Choose another union to transfer to.")},
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reason"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. moved to a new employer."),
    )  # fmt: skip

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if targets is not None:
            self.fields["to_union"].queryset = targets


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason for declining"), max_length=300, required=False)
