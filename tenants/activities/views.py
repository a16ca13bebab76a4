"""Activities on the union's site (phone first): what is on, one activity with its sign-up
button and the person's place, sign-in-to-sign-up for workers of other unions, check-in by QR
code, ratings afterwards, and "my activities". Thin: selectors and services."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache

from accounts.forms import MobileField
from workershome.errors import ServiceError

from .models import Activity, ActivityKind, ActivitySignup, Audience
from .permissions import audience_admits
from .selectors import (
    activities_past,
    activities_upcoming,
    activities_visible_to,
    activity_counts,
    check_in_open,
    signup_of,
    signups_of,
    waiting_position,
)
from .services import (
    activity_check_in,
    activity_place,
    activity_rate,
    activity_signup,
    activity_signup_cancel,
)


def _login_url(next_url: str) -> str:
    return f"{reverse('accounts:login')}?{urlencode({'next': next_url})}"


def _signed_up_message(request: HttpRequest, signup: ActivitySignup) -> None:
    if signup.status == ActivitySignup.Status.CONFIRMED:
        messages.success(
            request,
            _("You are signed up for %(title)s. See you at %(start)s!")
            % {
                "title": signup.activity.title,
                "start": f"{timezone.localtime(signup.activity.starts_at):%m-%d %H:%M}",
            },
        )
    else:
        messages.info(
            request,
            _(
                "The activity is full: you are number %(n)s on the waiting list. "
                "If a place frees up it is yours, and we will tell you."
            )
            % {"n": waiting_position(signup)},
        )


def _places_left(activity: Activity) -> int:
    return (activity.capacity or 0) - getattr(activity, "confirmed_count", 0)


@method_decorator(never_cache, name="dispatch")
class ActivityListView(View):
    """What is on, by kind; and a few that took place, with their summaries."""

    def get(self, request: HttpRequest) -> HttpResponse:
        kind = request.GET.get("kind", "")
        if kind not in ActivityKind.values:
            kind = ""
        user = request.user if request.user.is_authenticated else None
        upcoming = list(activities_upcoming(user=user, kind=kind)[:100])
        mine: dict[int, str] = {}
        if user is not None and upcoming:
            mine = dict(
                ActivitySignup.objects.filter(
                    user=user, activity__in=upcoming, status__in=("confirmed", "waiting")
                ).values_list("activity_id", "status")
            )
        return TemplateResponse(request, "activities/list.html", {
            "upcoming": [(activity, mine.get(activity.pk), _places_left(activity)) for activity in upcoming],
            "past": list(activities_past(user=user, kind=kind)[:6]),
            "kinds": ActivityKind.choices,
            "kind": kind,
        })  # fmt: skip


@method_decorator(never_cache, name="dispatch")
class ActivityDetailView(View):
    """One activity: when, where, places left, who it is open to; the person's place and the
    button to sign up or cancel; afterwards the summary, photos and the rating form."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        activity = get_object_or_404(activities_visible_to(user), pk=pk)
        return TemplateResponse(request, "activities/detail.html", detail_context(request, activity))


def detail_context(request: HttpRequest, activity: Activity) -> dict:
    user = request.user if request.user.is_authenticated else None
    now = timezone.now()
    counts = activity_counts(activity)
    signup = signup_of(activity, user)
    live = signup is not None and signup.status in ("confirmed", "waiting")
    open_for_signup = (
        activity.status == Activity.Status.PUBLISHED
        and activity.signup_required
        and activity.starts_at > now
        and (activity.signup_deadline is None or activity.signup_deadline > now)
    )
    left = None if activity.capacity is None else max(activity.capacity - counts["confirmed"], 0)
    detail_url = reverse("activities:detail", args=[activity.pk])
    return {
        "activity": activity,
        "place": activity_place(activity),
        "counts": counts,
        "left": left,
        "signup": signup if live else None,
        "past_signup": signup if signup is not None and not live else None,
        "position": waiting_position(signup) if live and signup else None,
        "open_for_signup": open_for_signup,
        "admitted": user is not None and audience_admits(activity.audience, user),
        "ended": activity.ends_at <= now,
        "started": activity.starts_at <= now,
        "can_rate": (
            signup is not None
            and signup.attended_at is not None
            and signup.rating is None
            and activity.ends_at <= now
        ),
        "photos": list(activity.photos.select_related("image")) if activity.starts_at <= now else [],
        "login_url": _login_url(detail_url),
        "join_url": reverse("activities:join", args=[activity.pk]),
        "open_to_others": activity.audience != Audience.MEMBERS,
    }


class SignupView(View):
    """POST: sign the signed-in person up (or onto the waiting list)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        activity = get_object_or_404(activities_visible_to(None), pk=pk)
        if not request.user.is_authenticated:
            target = reverse("activities:join", args=[pk]) if activity.audience != Audience.MEMBERS else None
            return redirect(target or _login_url(reverse("activities:detail", args=[pk])))
        try:
            signup = activity_signup(activity=activity, user=request.user)
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            _signed_up_message(request, signup)
        return redirect("activities:detail", pk)


class SignupCancelView(View):
    """POST: the person gives their place back (or leaves the waiting list)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(_login_url(reverse("activities:detail", args=[pk])))
        signup = (
            ActivitySignup.objects.filter(
                activity_id=pk, user=request.user, status__in=("confirmed", "waiting")
            )
            .select_related("activity")
            .first()
        )
        if signup is None:
            raise Http404
        try:
            activity_signup_cancel(signup=signup, by=request.user)
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Your sign-up is cancelled."))
        return redirect("activities:detail", pk)


class JoinForm(forms.Form):
    username = MobileField()
    password = forms.CharField(label=gettext_lazy("Password"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))  # fmt: skip


@method_decorator(never_cache, name="dispatch")
class JoinView(View):
    """Sign in to sign up: for an activity open to sister unions or to everyone, a worker signs in
    with their one account (mobile number and password, counted by django-axes like the normal
    sign-in) and is signed up at once. A worker of another union gets a local user here with the
    ``visitor`` role, which carries no rights and no membership."""

    def _activity(self, pk: int) -> Activity:
        activity = get_object_or_404(activities_visible_to(None), pk=pk)
        if activity.audience == Audience.MEMBERS:
            raise Http404
        return activity

    def _render(self, request, activity, form, status=200) -> HttpResponse:
        return TemplateResponse(request, "activities/join.html", {
            "activity": activity, "form": form, "place": activity_place(activity),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        activity = self._activity(pk)
        if request.user.is_authenticated:
            return redirect("activities:detail", pk)
        return self._render(request, activity, JoinForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        activity = self._activity(pk)
        form = JoinForm(request.POST)
        if not form.is_valid():
            return self._render(request, activity, form, status=400)
        try:
            user = authenticate(
                request, username=form.cleaned_data["username"], password=form.cleaned_data["password"],
                activity=activity,
            )  # fmt: skip
        except ServiceError as error:
            form.add_error(None, str(error.message))
            return self._render(request, activity, form, status=error.status if error.status < 500 else 400)
        if user is None:  # wrong number or password (or locked out: the axes middleware answers)
            form.add_error(None, _("The mobile number or password is wrong."))
            return self._render(request, activity, form, status=400)
        login(request, user, backend="accounts.backends.AccountBackend")
        try:
            signup = activity_signup(activity=activity, user=user)
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            _signed_up_message(request, signup)
        return redirect("activities:detail", pk)


@method_decorator(never_cache, name="dispatch")
class CheckInView(View):
    """The page the activity's QR code opens: one tap to check in (sign in first if needed)."""

    def _activity(self, pk: int, token: str) -> Activity:
        activity = get_object_or_404(Activity, pk=pk, status=Activity.Status.PUBLISHED)
        if activity.check_in_token != token:
            raise Http404
        return activity

    def get(self, request: HttpRequest, pk: int, token: str) -> HttpResponse:
        activity = self._activity(pk, token)
        if not request.user.is_authenticated:
            return redirect(_login_url(request.path))
        signup = signup_of(activity, request.user)
        return TemplateResponse(request, "activities/check_in.html", {
            "activity": activity, "place": activity_place(activity), "signup": signup,
            "open": check_in_open(activity),
        })  # fmt: skip

    def post(self, request: HttpRequest, pk: int, token: str) -> HttpResponse:
        activity = self._activity(pk, token)
        if not request.user.is_authenticated:
            return redirect(_login_url(request.path))
        try:
            signup, new = activity_check_in(activity=activity, token=token, user=request.user)
        except ServiceError as error:
            messages.error(request, str(error.message))
            return redirect(request.path)
        local = timezone.localtime(signup.attended_at)
        if new:
            messages.success(
                request, _("Checked in at %(time)s. Enjoy the activity!") % {"time": f"{local:%H:%M}"}
            )
        else:
            messages.info(request, _("You already checked in at %(time)s.") % {"time": f"{local:%H:%M}"})
        return redirect("activities:detail", pk)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Rating"), choices=[(i, str(i)) for i in range(1, 6)], coerce=int,
        error_messages={"required": gettext_lazy("Give a rating from 1 to 5."),
                        "invalid_choice": gettext_lazy("Give a rating from 1 to 5.")},
    )  # fmt: skip
    comment = forms.CharField(label=gettext_lazy("Comment"), max_length=500, required=False)


class RateView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(_login_url(reverse("activities:detail", args=[pk])))
        activity = get_object_or_404(activities_visible_to(None), pk=pk)
        form = RateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a rating from 1 to 5."))
            return redirect("activities:detail", pk)
        try:
            activity_rate(activity=activity, user=request.user, **form.cleaned_data)
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Thank you for your rating."))
        return redirect("activities:detail", pk)


@method_decorator(never_cache, name="dispatch")
class MyActivitiesView(View):
    """/my/activities/: what the person signed up for (coming first) and what they took part in."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(_login_url(request.path))
        now = timezone.now()
        signups = list(signups_of(request.user))
        coming = [s for s in signups if s.activity.ends_at > now and s.status != "cancelled"]
        for signup in coming:
            setattr(signup, "position", waiting_position(signup))  # noqa: B010 - shown by the template
        past = [s for s in reversed(signups) if s.activity.ends_at <= now and s.status == "confirmed"]
        return TemplateResponse(request, "activities/my.html", {"coming": coming, "past": past[:30]})
