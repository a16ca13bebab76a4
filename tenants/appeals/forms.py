"""The appeal form, the tracking-code form and the rating form (phone first)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.cases.services import MAX_ATTACHMENT_BYTES

from .services import APPEAL_CATEGORIES, COMMENT_MAX, DESCRIPTION_MAX, TITLE_MAX

# Where a ServiceError's field lands on these forms.
FIELD_OF_ERROR = {
    "category": "category",
    "title": "title",
    "description": "description",
    "file": "attachment",
    "requester_name": "name",
    "requester_mobile": "mobile",
    "code": "code",
    "rating": "rating",
    "comment": "comment",
}


def error_to_form(form: forms.Form, error) -> None:
    field = FIELD_OF_ERROR.get(error.field or "")
    form.add_error(field if field in form.fields else None, str(error.message))


class AppealForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is it?"), choices=APPEAL_CATEGORIES, widget=forms.RadioSelect, initial="suggestion"
    )
    title = forms.CharField(
        label=_("Subject"), max_length=TITLE_MAX,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. More buses on the night-shift route")}),
    )  # fmt: skip
    description = forms.CharField(
        label=_("Details"), max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, where and since when, and what you would like the union to do."),
    )  # fmt: skip
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,.txt,image/jpeg,image/png,application/pdf"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = _(
            "A photo or a document: PDF, JPG, PNG, Word, Excel or text, up to %(size)s MB."
        ) % {"size": MAX_ATTACHMENT_BYTES // (1024 * 1024)}


class NamedAppealForm(AppealForm):
    """For a sender who is not signed in and not anonymous: the union needs a way to answer."""

    name = forms.CharField(
        label=_("Your name"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    mobile = forms.CharField(
        label=_("Mobile number"), max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("The union calls or texts you about your appeal on this number."),
    )  # fmt: skip

    field_order = ["name", "mobile", "category", "title", "description", "attachment"]


class TrackingCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"), max_length=30,
        widget=forms.TextInput(attrs={
            "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
            "placeholder": "XXXX-XXXX-XXXX",
        }),
    )  # fmt: skip


RATING_CHOICES = [
    (5, _("5 · Very satisfied")),
    (4, _("4 · Satisfied")),
    (3, _("3 · Acceptable")),
    (2, _("2 · Not satisfied")),
    (1, _("1 · Not satisfied at all")),
]


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the outcome?"), choices=RATING_CHOICES, coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Give a rating from 1 to 5."), "invalid_choice": _("Give a rating from 1 to 5.")},
    )  # fmt: skip
    comment = forms.CharField(
        label=_("Comment (optional)"), max_length=COMMENT_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
