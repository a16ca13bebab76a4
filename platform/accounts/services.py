"""Writes on accounts: create, link to a union, one-time codes, password reset."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.utils.translation import gettext_lazy as _

from tenants.users.models import User
from workershome.errors import Conflict, ServiceError
from workershome.shards import shared_atomic
from workershome.tenancy import current_tenant, on_portal

from .models import Account
from .sms import send_sms
from .validators import normalize_mobile, validate_mobile


def _clean_mobile(mobile: str) -> str:
    try:
        validate_mobile(mobile)
    except ValidationError as exc:
        raise ServiceError("mobile_invalid", exc.error_list[0].message, field="mobile") from exc
    return normalize_mobile(mobile)


def _check_password(password: str, account: Account | None = None) -> None:
    try:
        # The validators only read attributes (mobile, name, email) that an Account has too.
        password_validation.validate_password(password, user=account)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ServiceError("password_weak", " ".join(exc.messages), field="password") from exc


@shared_atomic
def account_create(
    *, mobile: str, name: str, password: str | None = None, email: str = "", home_union=None
) -> Account:
    """Create a person's global account. Without a password the account cannot sign in until
    the person sets one through the one-time code sent to the mobile."""
    mobile = _clean_mobile(mobile)
    if Account.objects.filter(mobile=mobile).exists():
        raise Conflict(
            "account_exists", _("An account with this mobile number already exists."), field="mobile"
        )
    if not (name or "").strip():
        raise ServiceError("name_required", _("Please enter a name."), field="name")
    account = Account(mobile=mobile, name=name.strip(), email=email.strip(), home_union=home_union)
    if password:
        _check_password(password, account)
        account.set_password(password)
    else:
        account.set_unusable_password()
    account.save()
    return account


def account_get_or_create(
    *, mobile: str, name: str, password: str | None = None, email: str = "", home_union=None
):
    """The account for a mobile number, created if missing; an existing one is left as it is."""
    existing = Account.objects.filter(mobile=_clean_mobile(mobile)).first()
    if existing is not None:
        return existing, False
    return account_create(
        mobile=mobile, name=name, password=password, email=email, home_union=home_union
    ), True


def local_user_for_account(
    *, account: Account, create: bool = False, roles: tuple[str, ...] = ()
) -> User | None:
    """This schema's user for ``account``; created (as a member) where the person belongs here.

    On a union schema a user is created when the union is the account's home union, when the
    union lets any worker register, or when ``roles`` are given explicitly by a service that has
    checked the right to grant them (provisioning, an approved request, an invite code). On the
    federation portal users are only ever created with explicit roles.
    """
    user = User.objects.filter(account_id=account.pk).first()
    if user is None:
        # A row made before it was linked (say, by the shell) is adopted, never duplicated.
        user = User.objects.filter(username=account.mobile, account__isnull=True).first()
        if user is not None:
            user.account = account
            user.save(update_fields=["account"])
    if user is None:
        if not create:
            return None
        union = current_tenant()
        portal = union is None or on_portal()
        belongs = not portal and (
            account.home_union_id == getattr(union, "pk", None)
            or getattr(union, "registration", "") == "open"
        )
        if not roles and not belongs:
            return None
        user = User(username=account.mobile, account=account, name=account.name, email=account.email)
        user.set_unusable_password()
        user.save()
        if not roles and not portal:
            roles = ("member",)
    if roles:
        user.groups.add(*Group.objects.filter(name__in=roles))
    return user


# --- One-time codes ---------------------------------------------------------------------------
# Codes are kept hashed in the cache under a key that carries the schema (tenant-aware cache),
# so a code asked for on one union's site is worth nothing on another's.

_MAX_CODE_ATTEMPTS = 5
_RESEND_SECONDS = 60


def _code_key(purpose: str, mobile: str) -> str:
    return f"otp:{purpose}:{mobile}"


def _digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def one_time_code_send(*, mobile: str, purpose: str = "password_reset", channel: str = "sms") -> bool:
    """Send a six-digit code to the account's mobile (or email). Returns whether one was sent.

    Says nothing to the caller about whether the number has an account: the view shows the
    same message either way.
    """
    mobile = _clean_mobile(mobile)
    account = Account.objects.filter(mobile=mobile, is_active=True).first()
    key = _code_key(purpose, mobile)
    if account is None or not cache.add(f"{key}:throttle", 1, _RESEND_SECONDS):
        return False
    code = f"{secrets.randbelow(1_000_000):06d}"
    cache.set(key, {"digest": _digest(code), "attempts": 0}, settings.ONE_TIME_CODE_TTL)
    minutes = settings.ONE_TIME_CODE_TTL // 60
    text = _("[Workers' Home] Your verification code is %(code)s, valid for %(minutes)s minutes. "
             "Do not share it with anyone.") % {"code": code, "minutes": minutes}  # fmt: skip
    if channel == "email" and account.email:
        send_mail(_("Workers' Home verification code"), text, None, [account.email])
    else:
        send_sms(mobile=mobile, text=text)
    return True


def one_time_code_verify(*, mobile: str, code: str, purpose: str = "password_reset") -> bool:
    mobile = normalize_mobile(mobile)
    key = _code_key(purpose, mobile)
    entry = cache.get(key)
    if not entry or entry["attempts"] >= _MAX_CODE_ATTEMPTS:
        return False
    if hmac.compare_digest(entry["digest"], _digest((code or "").strip())):
        cache.delete(key)
        return True
    entry["attempts"] += 1
    cache.set(key, entry, settings.ONE_TIME_CODE_TTL)
    return False


@shared_atomic
def account_password_reset(*, mobile: str, code: str, new_password: str) -> Account:
    """Set a new password after the one-time code checks out."""
    mobile = _clean_mobile(mobile)
    account = Account.objects.select_for_update().filter(mobile=mobile, is_active=True).first()
    _check_password(new_password, account)  # before the code is spent
    if account is None or not one_time_code_verify(mobile=mobile, code=code):
        raise ServiceError("code_invalid", _("The verification code is wrong or has expired."), field="code")
    account.set_password(new_password)
    account.save(update_fields=["password"])
    return account


@shared_atomic
def account_password_change(*, account: Account, old_password: str, new_password: str) -> None:
    if not account.check_password(old_password):
        raise ServiceError("password_wrong", _("The current password is wrong."), field="old_password")
    _check_password(new_password, account)
    account.set_password(new_password)
    account.save(update_fields=["password"])
