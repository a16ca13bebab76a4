"""Wagtail's Users admin, adapted to platform accounts.

A union's user is a person's global account seen in that union: adding one means giving a
mobile number (the account is created if the person has none; they set a password with
"Forgot password"), and the username stays that mobile number. Nobody is made a Django
superuser from the admin: roles are the union's groups.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from accounts.forms import MobileField
from accounts.services import account_get_or_create, local_user_for_account
from workershome.errors import ServiceError

from .models import User
from .roles import ROLE_LABELS


class RoleChoiceField(forms.ModelMultipleChoiceField):
    """The union's roles, by their Chinese labels (Wagtail's own default groups are left out)."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Group.objects.filter(name__in=ROLE_LABELS).order_by("pk"),
            required=False,
            label=_("Roles"),
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )

    def label_from_instance(self, obj: Group) -> str:
        return str(ROLE_LABELS.get(obj.name, obj.name))


class UnionUserCreationForm(UserCreationForm):
    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=50)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = {"username", "email", "groups"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in ("is_superuser", "first_name", "last_name"):
            self.fields.pop(field, None)
        self.fields["username"] = MobileField()
        self.fields["email"].required = False  # many workers have no email; the mobile is the login
        self.fields["groups"] = RoleChoiceField()

    def _clean_username(self):
        mobile = self.cleaned_data.get("username")
        if mobile and User.objects.filter(username=mobile).exists():
            self.add_error("username", _("This person is already a user of this union."))

    @transaction.atomic
    def save(self, commit: bool = True) -> User:
        data = self.cleaned_data
        try:
            account, _created = account_get_or_create(
                mobile=data["username"], name=data["name"], email=data["email"]
            )
        except ServiceError as error:
            raise forms.ValidationError(str(error.message)) from error
        roles = tuple(group.name for group in data["groups"]) or ("member",)
        user = local_user_for_account(account=account, create=True, roles=roles)
        assert user is not None
        self.instance = user  # Wagtail's create view reports on the form's instance
        return user


class UnionUserEditForm(UserEditForm):
    class Meta(UserEditForm.Meta):
        model = User
        fields = {"username", "name", "email", "is_active", "groups"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in ("is_superuser", "first_name", "last_name"):
            self.fields.pop(field, None)
        self.fields["username"].disabled = True  # the mobile number links the user to the account
        self.fields["email"].required = False
        self.fields["groups"] = RoleChoiceField()


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update: bool = False):
        return UnionUserEditForm if for_update else UnionUserCreationForm
