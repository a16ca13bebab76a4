"""Sign-in of a worker of another union, to sign up for an activity open to them.

The normal sign-in (``accounts.backends.AccountBackend``) refuses people who do not belong to
the union. This backend answers only when an ``activity`` credential is given (the activity's
sign-in-to-sign-up page): it checks the password against the person's one account and returns
their local user here, creating one with the ``visitor`` role where the activity's audience
admits them. It runs after django-axes' backend, so failures count towards the same lockout as
the normal sign-in, and a wrong password stops the sign-in at once (no second hashing).
"""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.models import Account
from accounts.validators import normalize_mobile
from tenants.users.models import User


class ActivityVisitorBackend(BaseBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        *,
        activity,
    ):
        if not username or not password or activity is None:
            raise PermissionDenied
        account = Account.objects.filter(mobile=normalize_mobile(username)).first()
        if account is None:
            make_password(password)  # same work as a real check: no timing hint of who exists
            raise PermissionDenied
        if not account.is_active or not account.check_password(password):
            raise PermissionDenied
        from .services import activity_visitor_user

        return activity_visitor_user(account=account, activity=activity)  # may refuse (ServiceError)

    def get_user(self, user_id):
        return User.objects.filter(pk=user_id, is_active=True).first()
