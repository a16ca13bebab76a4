"""Forms of the workers' library: the admin's catalogue, copies, import, lending desk and rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from workershome.errors import ServiceError

from .models import Book, BookCopy, LibrarySettings
from .services import isbn_normalize


class BookForm(forms.ModelForm):
    """A title; the ISBN may be typed with hyphens, or as an older ISBN-10."""

    isbn = forms.CharField(
        label=_("ISBN"), max_length=20, help_text=_("13 digits (or the 10 of an older book).")
    )
    cover_upload = forms.FileField(
        label=_("cover"), required=False, help_text=_("JPG, PNG or WebP, up to 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )  # fmt: skip

    class Meta:
        model = Book
        fields = ["isbn", "title", "authors", "publisher", "year", "category", "description", "shared"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def clean_isbn(self) -> str:
        try:
            return isbn_normalize(self.cleaned_data["isbn"])
        except ServiceError as error:
            raise forms.ValidationError(str(error.message)) from error

    def validate_unique(self) -> None:
        """The service refuses a taken ISBN, naming the title that has it."""


class CopyForm(forms.Form):
    barcode = forms.CharField(label=_("barcode"), max_length=40)
    location = forms.CharField(label=_("shelf"), max_length=100, required=False)


class CopyStatusForm(forms.Form):
    copy = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("status"),
        choices=[
            (status, status.label)
            for status in (BookCopy.Status.AVAILABLE, BookCopy.Status.LOST, BookCopy.Status.WITHDRAWN)
        ],
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


class LendForm(forms.Form):
    barcode = forms.CharField(
        label=_("Copy's barcode"), max_length=40, widget=forms.TextInput(attrs={"autofocus": True})
    )
    member_mobile = forms.CharField(label=_("Member's mobile number"), max_length=20)


class BarcodeForm(forms.Form):
    barcode = forms.CharField(label=_("Copy's barcode"), max_length=40)


class RulesForm(forms.ModelForm):
    class Meta:
        model = LibrarySettings
        fields = ["loan_days", "max_renewals", "hold_days", "max_loans"]
