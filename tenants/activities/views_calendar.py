"""The union's activity calendar on its site (phone first), its iCalendar feeds, and the page
where a worker subscribes their phone to what they signed up for. Thin: selectors and services.

The calendar page is the same for every anonymous visitor, so the page cache keeps it until an
activity changes; the union's feed keeps its own cached bytes and answers conditional GETs
(ETag, Last-Modified) with 304 without touching the database.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.decorators import method_decorator
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from workershome.errors import ServiceError
from workershome.tenancy import on_portal

from .calendar import calendar_kind_labels
from .feeds import Feed, feed_window, personal_feed_build, union_feed, union_feed_validators
from .selectors_calendar import (
    MAX_YEAR,
    MIN_YEAR,
    calendar_month,
    calendar_token_of,
    calendar_token_owner,
    signups_for_feed,
)
from .services_calendar import calendar_token_issue, calendar_token_renew, calendar_token_revoke

VIEWS = ("month", "list")
FEED_CONTENT_TYPE = "text/calendar; charset=utf-8"


def _union(request: HttpRequest):
    if on_portal():
        raise Http404
    return request.tenant  # type: ignore[attr-defined]


def _base_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None and value.strip() else None
    except ValueError:
        return None


def calendar_query(*, year: int, month: int, view: str = "month", kind: str = "") -> str:
    params: dict[str, str | int] = {"year": year, "month": month}
    if view != "month":
        params["view"] = view
    if kind:
        params["kind"] = kind
    return "?" + urlencode(params)


@require_safe
def calendar_page(request: HttpRequest) -> HttpResponse:
    """GET ``?year=2026&month=11&view=month|list&kind=sports``; anything it cannot read is named
    on the page, which shows the current month (or all kinds) instead, with status 400."""
    union = _union(request)
    today = timezone.localdate()
    problems: list[str] = []
    year, month = today.year, today.month
    raw_year, raw_month = request.GET.get("year"), request.GET.get("month")
    if raw_year is not None or raw_month is not None:
        asked_year = _int(raw_year) if raw_year is not None else today.year
        asked_month = _int(raw_month) if raw_month is not None else today.month
        if asked_year is None or not MIN_YEAR <= asked_year <= MAX_YEAR:
            problems.append(
                _("The year must be a number from %(min)s to %(max)s; showing this month.")
                % {"min": MIN_YEAR, "max": MAX_YEAR}
            )
        elif asked_month is None or not 1 <= asked_month <= 12:
            problems.append(_("The month must be a number from 1 to 12; showing this month."))
        else:
            year, month = asked_year, asked_month
    view = request.GET.get("view") or "month"
    if view not in VIEWS:
        problems.append(_("There is no such view; showing the month."))
        view = "month"
    labels = calendar_kind_labels()
    kind = request.GET.get("kind") or ""
    if kind and kind not in labels:
        problems.append(_("There is no such kind of activity; showing all kinds."))
        kind = ""
    calendar = calendar_month(year=year, month=month, kinds=[kind] if kind else None, today=today)
    context = {
        "calendar": calendar,
        "view": view,
        "kind": kind,
        "kind_label": labels.get(kind, ""),
        "kinds": [
            (value, label, calendar_query(year=year, month=month, view=view, kind=value))
            for value, label in labels.items()
        ],
        "all_kinds_url": calendar_query(year=year, month=month, view=view),
        "problems": problems,
        "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
        "previous_url": calendar_query(
            year=calendar.previous[0], month=calendar.previous[1], view=view, kind=kind
        ),
        "next_url": calendar_query(year=calendar.next[0], month=calendar.next[1], view=view, kind=kind),
        "this_month_url": calendar_query(year=today.year, month=today.month, view=view, kind=kind),
        "is_this_month": (year, month) == (today.year, today.month),
        "month_url": calendar_query(year=year, month=month, kind=kind),
        "list_url": calendar_query(year=year, month=month, view="list", kind=kind),
        "previous_month": datetime.date(*calendar.previous, 1),
        "next_month": datetime.date(*calendar.next, 1),
        "feed_url": _base_url(request) + reverse("activity_calendar:feed"),
        "webcal_url": f"webcal://{request.get_host()}{reverse('activity_calendar:feed')}",
        "union": union,
    }
    return TemplateResponse(
        request, "activities/calendar/month.html", context, status=400 if problems else 200
    )


def _feed_headers(
    response: HttpResponse,
    *,
    etag: str,
    last_modified: datetime.datetime | None,
    filename: str,
    private: bool,
) -> int | None:
    response["ETag"] = etag
    stamp = int(last_modified.timestamp()) if last_modified else None
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Calendar apps ask again with If-None-Match; "no-cache" keeps the site's page cache out (the
    # feed has its own) and makes every client check, which costs a 304 and no query.
    if private:
        patch_cache_control(response, private=True, no_cache=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
    else:
        patch_cache_control(response, public=True, no_cache=True)
    return stamp


def _feed_response(request: HttpRequest, feed: Feed, *, filename: str, private: bool) -> HttpResponse:
    response = HttpResponse(feed.body, content_type=FEED_CONTENT_TYPE)
    stamp = _feed_headers(
        response, etag=feed.etag, last_modified=feed.last_modified, filename=filename, private=private
    )
    return (
        get_conditional_response(request, etag=feed.etag, last_modified=stamp, response=response) or response
    )


@require_safe
def union_feed_view(request: HttpRequest) -> HttpResponse:
    union = _union(request)
    base_url, filename = _base_url(request), f"{union.slug}-activities.ics"
    validators = union_feed_validators(base_url=base_url)
    if validators is not None and (
        "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
    ):
        # A calendar app asking again: answer from the validators, without reading the feed's bytes.
        etag, last_modified = validators
        headers = HttpResponse(content_type=FEED_CONTENT_TYPE)
        stamp = _feed_headers(
            headers, etag=etag, last_modified=last_modified, filename=filename, private=False
        )
        answer = get_conditional_response(request, etag=etag, last_modified=stamp, response=headers)
        if answer is not None and answer is not headers:
            return answer
    feed = union_feed(union=union, base_url=base_url)
    return _feed_response(request, feed, filename=filename, private=False)


@require_safe
def personal_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """A worker's private feed, opened by the token in its address alone (calendar apps do not
    sign in). A wrong or revoked token, or another union's, is simply not found."""
    union = _union(request)
    user = calendar_token_owner(token=token)
    if user is None:
        raise Http404
    start, end = feed_window()
    feed = personal_feed_build(
        union=union,
        user=user,
        signups=signups_for_feed(user=user, start=start, end=end),
        base_url=_base_url(request),
        start=start,
        end=end,
    )
    return _feed_response(request, feed, filename="my-activities.ics", private=True)


@method_decorator([login_required, never_cache], name="dispatch")
class SubscribeView(View):
    """GET: the worker's private feed addresses and how to add them on a phone; POST
    ``action=issue|renew|revoke``: turn the feed on, give it a new address, or turn it off."""

    template_name = "activities/calendar/subscribe.html"
    ACTIONS = {
        "issue": (
            calendar_token_issue,
            gettext_lazy("Your calendar feed is on. Add it to your phone below."),
        ),
        "renew": (
            calendar_token_renew,
            gettext_lazy("Your calendar feed has a new address; the old one no longer works."),
        ),
        "revoke": (
            calendar_token_revoke,
            gettext_lazy("Your calendar feed is off; its address no longer works."),
        ),
    }

    def get(self, request: HttpRequest) -> HttpResponse:
        _union(request)
        token = calendar_token_of(user=request.user)
        context: dict = {
            "token": token,
            "public_feed_url": _base_url(request) + reverse("activity_calendar:feed"),
        }
        if token is not None:
            path = reverse("activity_calendar:my_feed", args=[token.token])
            context["https_url"] = _base_url(request) + path
            context["webcal_url"] = f"webcal://{request.get_host()}{path}"
            start, end = feed_window()
            now = timezone.now()
            context["upcoming"] = [
                signup for signup in signups_for_feed(user=request.user, start=start, end=end)
                if signup.entry.ends_at > now
            ][:10]  # fmt: skip
        return TemplateResponse(request, self.template_name, context)

    def post(self, request: HttpRequest) -> HttpResponse:
        _union(request)
        action = self.ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            messages.error(request, _("Nothing was changed: unknown action."))
            return redirect("my_calendar:subscribe")
        service, message = action
        try:
            service(user=request.user)
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, str(message))
        return redirect("my_calendar:subscribe")
