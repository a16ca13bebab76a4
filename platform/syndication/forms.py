"""The publish form of the federation portal: audience limited to what the user may address."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from federation.models import District

from .models import FederationNotice
from .permissions import districts_publishable_by, is_city_admin


class NoticePublishForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=FederationNotice.Kind.choices)
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text; an empty line starts a new paragraph."),
    )  # fmt: skip
    to_all = forms.BooleanField(label=_("To every union"), required=False)
    districts = forms.ModelMultipleChoiceField(
        label=_("To the unions of these districts"), queryset=District.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    attachment = forms.FileField(label=_("Attachment (PDF, at most 10 MB)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_city_admin(user):
            del self.fields["to_all"]
        # Any district is offered to the queryset so that a district outside the user's scope
        # reaches the service, which refuses it with a clear message (never silently dropped).
        self.fields["districts"].queryset = District.objects.all()
        self.fields["districts"].widget.choices = [
            (district.pk, district.name) for district in districts_publishable_by(user)
        ]
