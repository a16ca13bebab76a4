from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from federation.models import District

from .models import ResourceKind


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    address = forms.CharField(label=_("Address"), max_length=200)
    capacity = forms.IntegerField(label=_("Capacity (people)"), min_value=1, initial=1)
    exclusive = forms.BooleanField(
        label=_("One booking at a time"), required=False, initial=True,
        help_text=_("Two approved bookings of this resource may not overlap."),
    )  # fmt: skip
    contact = forms.CharField(
        label=_("Contact"), max_length=100, help_text=_("Who to call, and their phone number.")
    )
    terms = forms.CharField(
        label=_("Terms of use"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    requires_approval = forms.BooleanField(label=_("Bookings need approval"), required=False, initial=True)
    photo = forms.FileField(
        label=_("Photo"), required=False, help_text=_("A JPG, PNG or WebP image of at most 5 MB.")
    )
    photo_clear = forms.BooleanField(label=_("Remove the photo"), required=False)
    publish = forms.BooleanField(label=_("Publish in the catalogue"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["publish"]
        else:
            del self.fields["photo_clear"]


class CatalogueFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *ResourceKind.choices]
    )
    district = forms.ModelChoiceField(
        label=_("District"), required=False, queryset=District.objects.all(), empty_label=_("All districts"),
        to_field_name="code",
    )  # fmt: skip
    q = forms.CharField(label=_("Search"), required=False, max_length=50)


class BookingForm(forms.Form):
    requester_name = forms.CharField(label=_("Contact person"), max_length=50)
    requester_phone = forms.CharField(label=_("Contact phone"), max_length=30)
    purpose = forms.CharField(label=_("Purpose"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    headcount = forms.IntegerField(label=_("Number of people"), min_value=1)
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(
        label=_("Reply"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when declining: say why."),
    )  # fmt: skip
