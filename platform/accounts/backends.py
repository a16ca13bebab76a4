"""Sign-in: the password is checked against the global account, the local user is returned."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest

from .models import Account
from .validators import normalize_mobile


class AccountBackend(ModelBackend):
    """Authenticate a mobile number and password; answer with this schema's local user.

    The local user is created on first sign-in only where the person belongs here (the union is
    their home union, or the union lets any worker register). Permissions come from the local
    user's groups, so they never leave the schema.
    """

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ):
        if username is None:
            username = kwargs.get("mobile")
        if not username or not password:
            return None
        account = Account.objects.filter(mobile=normalize_mobile(username)).first()
        if account is None:
            make_password(password)  # same work as a real check: no timing hint of who exists
            return None
        if not account.is_active or not account.check_password(password):
            return None
        from .services import local_user_for_account

        user = local_user_for_account(account=account, create=True)
        if user is None or not self.user_can_authenticate(user):
            return None
        return user


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    """django-axes counts failures per normalised mobile number, however it was typed."""
    value = ""
    if credentials:
        value = credentials.get("username") or credentials.get("mobile") or ""
    elif request is not None and request.method == "POST":
        value = request.POST.get("username", "")
    return normalize_mobile(value)
