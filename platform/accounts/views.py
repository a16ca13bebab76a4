"""Sign-in, sign-out, password reset and change, worker registration: on every host."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tenants.users.models import User
from workershome.errors import ServiceError
from workershome.tenancy import current_tenant, on_portal

from .forms import (
    PasswordChangeForm,
    PasswordResetConfirmForm,
    PasswordResetRequestForm,
    RegisterForm,
    SignInForm,
)
from .services import account_password_change, account_password_reset, one_time_code_send


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


def _apply_error(form, error: ServiceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        one_time_code_send(mobile=form.cleaned_data["mobile"], channel=form.cleaned_data["channel"])
        messages.info(request, _("If this number has an account, a verification code is on its way."))
        # Kept in the session, not the URL: mobile numbers stay out of access logs and history.
        request.session["password_reset_mobile"] = form.cleaned_data["mobile"]
        return redirect("accounts:password_reset_confirm")
    return render(request, "accounts/password_reset.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest) -> HttpResponse:
    form = PasswordResetConfirmForm(
        request.POST or None, initial={"mobile": request.session.get("password_reset_mobile", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            account_password_reset(
                mobile=form.cleaned_data["mobile"], code=form.cleaned_data["code"],
                new_password=form.cleaned_data["password1"],
            )  # fmt: skip
        except ServiceError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Your password has been set. Please sign in."))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    account = cast(User, request.user).account
    if request.method == "POST" and form.is_valid():
        try:
            if account is None:
                raise ServiceError(
                    "no_account", _("This user has no platform account; ask an administrator.")
                )
            account_password_change(
                account=account, old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["password1"],
            )  # fmt: skip
        except ServiceError as error:
            _apply_error(form, error)
        else:
            messages.success(
                request, _("Your password has been changed; it applies everywhere on the platform.")
            )
            return redirect("/")
    return render(request, "accounts/password_change.html", {"form": form})


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """A worker joins the union whose site this is (by invite code, or by a request)."""
    from tenants.membership.services import worker_register

    if on_portal():
        return render(request, "accounts/register_portal.html", status=200)
    form = RegisterForm(request.POST or None, initial={"invite_code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = worker_register(
                mobile=data["mobile"], name=data["name"], password=data["password1"],
                invite_code=data["invite_code"], department=data["department"],
            )  # fmt: skip
        except ServiceError as error:
            _apply_error(form, error)
        else:
            if result.outcome == "requested":
                return render(request, "accounts/register_requested.html", {"result": result})
            login(request, result.user, backend="accounts.backends.AccountBackend")
            messages.success(
                request, _("Welcome! You have joined %(union)s.") % {"union": current_tenant().name}
            )
            return redirect("/")
    return render(request, "accounts/register.html", {"form": form})
