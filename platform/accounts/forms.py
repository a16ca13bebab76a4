from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .validators import normalize_mobile, validate_mobile


class MobileField(forms.CharField):
    default_validators = [validate_mobile]

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel", "placeholder": "138 0013 8000"})

    def clean(self, value):
        return normalize_mobile(super().clean(value))


class SignInForm(AuthenticationForm):
    username = MobileField()
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("The mobile number or password is wrong, or you are not a member of this union."),
        "inactive": _("This account is disabled."),
    }


class PasswordResetRequestForm(forms.Form):
    mobile = MobileField()
    channel = forms.ChoiceField(
        label=_("Send the code by"),
        choices=[("sms", _("SMS")), ("email", _("Email"))],
        initial="sms",
        widget=forms.RadioSelect,
    )


class NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            raise ValidationError({"password2": _("The two passwords differ.")})
        return data


class PasswordResetConfirmForm(NewPasswordMixin):
    mobile = MobileField()
    code = forms.CharField(label=_("Verification code"), max_length=6, min_length=6)
    field_order = ["mobile", "code", "password1", "password2"]


class PasswordChangeForm(NewPasswordMixin):
    old_password = forms.CharField(label=_("Current password"), strip=False, widget=forms.PasswordInput)
    field_order = ["old_password", "password1", "password2"]


class RegisterForm(NewPasswordMixin):
    name = forms.CharField(label=_("Name"), max_length=50)
    mobile = MobileField()
    invite_code = forms.CharField(
        label=_("Invite code"), max_length=12, required=False,
        help_text=_("From your union. Without one, your request is approved by a union officer."),
    )  # fmt: skip
    department = forms.CharField(label=_("Department"), max_length=100, required=False)
    field_order = ["name", "mobile", "password1", "password2", "invite_code", "department"]
