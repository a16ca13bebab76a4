"""The local user: a person's presence in one union (or on the federation portal).

Each schema keeps Django's own auth tables, so Wagtail's groups, page permissions and
collections work unmodified and stay inside the union. The password lives on the global
``accounts.Account``; the local row only links to it and carries the union's roles.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class User(AbstractUser):
    """A person in this schema, linked to their global account; username is the mobile number."""

    # No database constraint: the account lives in the public schema and schemas are cloned.
    account = models.ForeignKey(
        "accounts.Account",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("account"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(fields=["account"], name="one_local_user_per_account"),
        ]

    def get_full_name(self) -> str:
        return self.name or super().get_full_name() or self.username

    def get_short_name(self) -> str:
        return self.name or self.username

    def __str__(self) -> str:
        return f"{self.name}（{self.username}）" if self.name else self.username
