"""Forms of interest groups: joining and posting on the site; the officers' admin forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput, AdminTimeInput
from wagtail.images.widgets import AdminImageChooser

from cms.models import RoomPage
from tenants.users.models import User

from .models import GroupMeeting, InterestGroup


class JoinForm(forms.Form):
    message = forms.CharField(
        label=_("A word to the group's leaders (optional)"), max_length=200, required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 200}),
    )  # fmt: skip


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Your post"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        error_messages={"required": _("Write something to post.")},
    )  # fmt: skip
    image = forms.FileField(
        label=_("Photo (optional)"), required=False, help_text=_("JPG, PNG, GIF or WebP, up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )  # fmt: skip


class DecideForm(forms.Form):
    reason = forms.CharField(label=_("Reason (when declining)"), max_length=200, required=False)


def union_people():
    """The union's active people who can lead a group (members and officers, not visitors)."""
    return User.objects.filter(is_active=True).exclude(groups__name="visitor").order_by("name").distinct()


class GroupForm(forms.ModelForm):
    leaders = forms.ModelMultipleChoiceField(
        label=_("Leaders"), queryset=User.objects.none(), widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("They run the group day to day: answer join requests, set meetings, book rooms."),
    )  # fmt: skip

    class Meta:
        model = InterestGroup
        fields = ["name", "kind", "description", "photo", "open_to_join", "active"]
        widgets = {"photo": AdminImageChooser, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        leaders = self.fields["leaders"]
        assert isinstance(leaders, forms.ModelMultipleChoiceField)
        leaders.queryset = union_people()


class MeetingForm(forms.ModelForm):
    class Meta:
        model = GroupMeeting
        fields = [
            "title", "frequency", "interval", "weekday", "week_of_month", "starts_on", "ends_on",
            "start_time", "end_time", "room", "place",
        ]  # fmt: skip
        widgets = {
            "starts_on": AdminDateInput, "ends_on": AdminDateInput,
            "start_time": AdminTimeInput, "end_time": AdminTimeInput,
        }  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        room = self.fields["room"]
        assert isinstance(room, forms.ModelChoiceField)
        room.queryset = RoomPage.objects.live().order_by("path")
