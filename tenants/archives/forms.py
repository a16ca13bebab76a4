"""Forms of the archives admin. They only shape input; the services check and refuse."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from tenants.committees.models import Term

from .models import AccessLevel, ArchiveCategory, ArchiveKind, Retention

_DATE = forms.DateInput(attrs={"type": "date"})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files from one ``<input type=file multiple>``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def year_choices() -> list[tuple[str, str]]:
    year = timezone.localdate().year
    return [(str(y), str(y)) for y in range(year, year - 30, -1)]


class ItemDetailsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ArchiveKind.choices)
    date = forms.DateField(label=_("Date"), widget=_DATE)
    retention = forms.ChoiceField(
        label=_("Retention period"), choices=Retention.choices, initial=Retention.YEARS_10
    )
    access = forms.ChoiceField(
        label=_("Who may read it"), choices=AccessLevel.choices, initial=AccessLevel.STAFF
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ItemCreateForm(ItemDetailsForm):
    category = forms.ChoiceField(label=_("Category"), choices=ArchiveCategory.choices)
    files = MultipleFileField(  # type: ignore[assignment]  # a form field, not BaseForm.files
        label=_("Files"),
        help_text=_("Photos (JPG, PNG), PDF, Word, Excel, PowerPoint or video (MP4, MOV); several at once."),
    )
    term = forms.ModelChoiceField(
        label=_("Committee term"), queryset=Term.objects.select_related("committee").order_by("-starts_on"),
        required=False, help_text=_("For election papers and a term's records."),
    )  # fmt: skip
    page = forms.ModelChoiceField(
        label=_("Page on the site"), queryset=Page.objects.filter(depth__gt=2).live().order_by("title"),
        required=False, help_text=_("For a rule or notice also published on the site."),
    )  # fmt: skip
    field_order = [
        "category",
        "kind",
        "title",
        "date",
        "retention",
        "access",
        "description",
        "files",
        "term",
        "page",
    ]


class FileAddForm(forms.Form):
    upload = forms.FileField(label=_("Add a file"))


class BundleForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All categories")), *ArchiveCategory.choices], required=False
    )
    year = forms.TypedChoiceField(label=_("Year"), choices=year_choices, coerce=int)


class CatalogueForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), choices=year_choices, coerce=int)
