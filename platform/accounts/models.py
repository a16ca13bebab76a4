"""One account per person, in the public schema: one mobile number, one password everywhere."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .validators import normalize_mobile, validate_mobile


class AccountManager(BaseUserManager["Account"]):
    def get_by_natural_key(self, username: str | None) -> Account:
        return self.get(mobile=normalize_mobile(username))


class Account(AbstractBaseUser):
    """A person's global identity: mobile number (the login), email, password, home union.

    Every union the person belongs to (and the federation portal) holds a local ``users.User``
    linked to this row; the password is checked here only.
    """

    class RealName(models.TextChoices):
        UNVERIFIED = "unverified", _("Not verified")
        VERIFIED = "verified", _("Verified")

    mobile = models.CharField(_("mobile number"), max_length=11, unique=True, validators=[validate_mobile])
    email = models.EmailField(_("email"), blank=True)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    real_name_status = models.CharField(
        _("real-name status"), max_length=12, choices=RealName.choices, default=RealName.UNVERIFIED
    )
    home_union = models.ForeignKey(
        "registry.Union",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="home_accounts",
        verbose_name=_("home union"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AccountManager()

    USERNAME_FIELD = "mobile"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_mobile}）"

    @property
    def masked_mobile(self) -> str:
        return f"{self.mobile[:3]}****{self.mobile[-4:]}"
