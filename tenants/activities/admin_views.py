"""活动管理 in a union's Wagtail admin: the activity list with filters, create and change,
publish and cancel, the sign-up and waiting lists with attendance, the check-in QR code, and
the summary and photos afterwards.

Thin: reads from ``selectors``, every change through ``services``; ids are looked up in this
union's schema only, so another union's activity is simply not found.
"""

from __future__ import annotations

import django_filters
import segno
from django import forms
from django.db.models import Avg
from django.forms.models import construct_instance
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.widgets import AdminDateTimeInput

from cms.models import RoomPage
from workershome.admin_views import RecordViewSet, form_error_add, policy_menu_item, policy_require
from workershome.errors import ServiceError

from .models import Activity, ActivityKind, ActivityPhoto, ActivitySignup
from .permissions import activity_policy
from .selectors import activity_counts, signups_for_staff, waiting_position, with_counts
from .services import (
    MAX_PHOTO_BYTES,
    activity_attendance_mark,
    activity_cancel,
    activity_photo_add,
    activity_photo_remove,
    activity_place,
    activity_publish,
    activity_save,
    activity_signup_cancel,
    activity_summary_save,
)

# --- Forms --------------------------------------------------------------------------------------


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "title", "kind", "description", "starts_at", "ends_at", "room", "place", "capacity", "audience",
            "signup_required", "signup_deadline", "contact",
        ]  # fmt: skip
        widgets = {
            "starts_at": AdminDateTimeInput,
            "ends_at": AdminDateTimeInput,
            "signup_deadline": AdminDateTimeInput,
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        room = self.fields["room"]
        assert isinstance(room, forms.ModelChoiceField)
        room.queryset = RoomPage.objects.live().order_by("title")

    def _post_clean(self):
        # The services check the activity (with a clear message on the field); the model's own
        # validation would only repeat it less clearly, so the values are only copied over.
        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=200,
        help_text=gettext_lazy("Sent to everyone signed up or waiting."),
    )


class SummaryForm(forms.Form):
    summary = forms.CharField(label=gettext_lazy("Summary afterwards"), widget=forms.Textarea(attrs={"rows": 6}),
                              max_length=5000)  # fmt: skip


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=gettext_lazy("Photo"),
        help_text=gettext_lazy("JPG or PNG, at most %(mb)s MB.") % {"mb": MAX_PHOTO_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    caption = forms.CharField(label=gettext_lazy("Caption"), max_length=100, required=False)


class ActivityFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=Activity.Status.choices)
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=ActivityKind.choices)
    when = django_filters.ChoiceFilter(
        label=gettext_lazy("When"), method="filter_when",
        choices=[("upcoming", gettext_lazy("Coming")), ("past", gettext_lazy("Ended"))],
    )  # fmt: skip

    class Meta:
        model = Activity
        fields = ["status", "kind", "audience"]

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == "upcoming":
            return queryset.filter(ends_at__gt=now)
        if value == "past":
            return queryset.filter(ends_at__lte=now)
        return queryset


# --- Views --------------------------------------------------------------------------------------


class ActivityIndexView(generic.IndexView):
    model = Activity
    permission_policy = activity_policy
    permission_required = "view"
    any_permission_required = None
    page_title = gettext_lazy("Activities")
    header_icon = "date"
    filterset_class = ActivityFilterSet
    search_fields = ["title", "description", "place"]
    search_backend_name = None
    default_ordering = "-starts_at"
    paginate_by = 50
    detail_url_name = ""

    @cached_property
    def list_display(self) -> list:
        return [
            TitleColumn("title", label=_("Title"), url_name=self.detail_url_name),
            DateColumn("starts_at", label=_("Starts"), sort_key="starts_at"),
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
            Column("status", label=_("Status"), accessor="get_status_display"),
            Column("places", label=_("Signed up"), accessor=lambda a: (
                f"{a.confirmed_count}/{a.capacity}" if a.capacity else str(a.confirmed_count))),
            Column("waiting_count", label=_("Waiting")),
            Column("attended_count", label=_("Came")),
        ]  # fmt: skip

    def get_base_queryset(self):
        return with_counts(Activity.objects.select_related("room"))


class ActivityFormView(View):
    """Create (no pk) or change an activity; "save and publish" publishes a new one at once."""

    template_name = "activities/admin/activity_form.html"
    index_url_name = ""
    detail_url_name = ""

    def _render(self, request, form, activity, status=200) -> HttpResponse:
        if activity.pk:
            title, cancel_url = _("Change the activity"), reverse(self.detail_url_name, args=[activity.pk])
        else:
            title, cancel_url = _("New activity"), reverse(self.index_url_name)
        return TemplateResponse(request, self.template_name, {
            "form": form, "activity": activity, "header_icon": "date", "page_title": title, "cancel_url": cancel_url,
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        policy_require(activity_policy, request, "change" if pk else "add")
        activity = get_object_or_404(Activity, pk=pk) if pk else Activity()
        initial = {} if pk else {"contact": getattr(request.user, "name", "")}
        return self._render(request, ActivityForm(instance=activity, initial=initial), activity)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        policy_require(activity_policy, request, "change" if pk else "add")
        activity = get_object_or_404(Activity, pk=pk) if pk else Activity()
        form = ActivityForm(request.POST, instance=activity)
        if not form.is_valid():
            return self._render(request, form, activity, status=400)
        try:
            activity = activity_save(activity=form.save(commit=False), by=request.user)
            if request.POST.get("action") == "publish" and activity.status == Activity.Status.DRAFT:
                activity = activity_publish(activity=activity, by=request.user)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(
                request, form, Activity.objects.filter(pk=activity.pk).first() or Activity(), status=400
            )
        messages.success(request, _("Activity saved."))
        return redirect(self.detail_url_name, activity.pk)


def _qr_svg(url: str, scale: int) -> str:
    return segno.make(url, error="m").svg_inline(scale=scale, border=2, dark="#000", light="#fff")


class ActivityDetailView(View):
    """One activity: facts, publish/cancel, the sign-up and waiting lists with attendance, the
    check-in QR code, the summary and photos, the ratings."""

    template_name = "activities/admin/activity_detail.html"
    index_url_name = ""
    detail_url_name = ""
    edit_url_name = ""

    def _render(self, request, activity, *, cancel_form=None, summary_form=None, photo_form=None, status=200):
        now = timezone.now()
        signups = list(signups_for_staff(activity))
        for signup in signups:
            signup.position = waiting_position(signup)
        check_in_url = request.build_absolute_uri(
            reverse("activities:check_in", args=[activity.pk, activity.check_in_token])
        )
        ratings = ActivitySignup.objects.filter(activity=activity, rating__isnull=False)
        return TemplateResponse(request, self.template_name, {
            "activity": activity, "page_title": activity.title, "header_icon": "date",
            "place": activity_place(activity), "counts": activity_counts(activity),
            "confirmed": [s for s in signups if s.status == ActivitySignup.Status.CONFIRMED],
            "waiting": [s for s in signups if s.status == ActivitySignup.Status.WAITING],
            "cancelled": [s for s in signups if s.status == ActivitySignup.Status.CANCELLED],
            "ratings": list(ratings.select_related("user").order_by("-updated_at")[:50]),
            "rating_average": ratings.aggregate(avg=Avg("rating"))["avg"],
            "photos": list(activity.photos.select_related("image")),
            "check_in_url": check_in_url,
            "qr_svg": mark_safe(_qr_svg(check_in_url, 4)),  # segno's own markup of our own URL
            "qr_url": reverse("activity_admin:qr", args=[activity.pk]),
            "started": activity.starts_at <= now, "ended": activity.ends_at <= now,
            "can_change": activity_policy.user_has_permission(request.user, "change"),
            "cancel_form": cancel_form or CancelForm(),
            "summary_form": summary_form or SummaryForm(initial={"summary": activity.summary}),
            "photo_form": photo_form or PhotoForm(),
            "index_url": reverse(self.index_url_name),
            "edit_url": reverse(self.edit_url_name, args=[activity.pk]),
            "site_url": reverse("activities:detail", args=[activity.pk]),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(activity_policy, request, "view")
        return self._render(request, get_object_or_404(Activity.objects.select_related("room"), pk=pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(activity_policy, request, "change")
        activity = get_object_or_404(Activity.objects.select_related("room"), pk=pk)
        action = request.POST.get("action", "")
        try:
            if action == "publish":
                activity_publish(activity=activity, by=request.user)
                messages.success(request, _("The activity is published; workers can sign up."))
            elif action == "cancel":
                cancel_form = CancelForm(request.POST)
                if not cancel_form.is_valid():
                    return self._render(request, activity, cancel_form=cancel_form, status=400)
                try:
                    activity_cancel(
                        activity=activity, reason=cancel_form.cleaned_data["reason"], by=request.user
                    )
                except ServiceError as error:
                    form_error_add(cancel_form, error)
                    return self._render(request, activity, cancel_form=cancel_form, status=400)
                messages.success(request, _("The activity is cancelled; everyone signed up is told."))
            elif action in ("attended", "absent"):
                signup = get_object_or_404(
                    ActivitySignup, activity=activity, pk=request.POST.get("signup") or 0
                )
                activity_attendance_mark(signup=signup, attended=action == "attended", by=request.user)
                messages.success(request, _("Attendance saved."))
            elif action == "signup_cancel":
                signup = get_object_or_404(
                    ActivitySignup, activity=activity, pk=request.POST.get("signup") or 0
                )
                activity_signup_cancel(signup=signup, by=request.user)
                messages.success(request, _("The sign-up is cancelled and the person is told."))
            elif action == "summary":
                summary_form = SummaryForm(request.POST)
                if not summary_form.is_valid():
                    return self._render(request, activity, summary_form=summary_form, status=400)
                try:
                    activity_summary_save(
                        activity=activity, summary=summary_form.cleaned_data["summary"], by=request.user
                    )
                except ServiceError as error:
                    form_error_add(summary_form, error)
                    return self._render(request, activity, summary_form=summary_form, status=400)
                messages.success(request, _("Summary saved."))
            elif action == "photo":
                photo_form = PhotoForm(request.POST, request.FILES)
                if not photo_form.is_valid():
                    return self._render(request, activity, photo_form=photo_form, status=400)
                try:
                    activity_photo_add(
                        activity=activity,
                        upload=photo_form.cleaned_data["image"],
                        caption=photo_form.cleaned_data["caption"],
                        by=request.user,
                    )
                except ServiceError as error:
                    form_error_add(photo_form, error)
                    return self._render(request, activity, photo_form=photo_form, status=400)
                messages.success(request, _("Photo added."))
            elif action == "photo_remove":
                photo = get_object_or_404(ActivityPhoto, activity=activity, pk=request.POST.get("photo") or 0)
                activity_photo_remove(photo=photo, by=request.user)
                messages.success(request, _("Photo removed."))
            else:
                return self._render(request, activity, status=400)
        except ServiceError as error:
            messages.error(request, str(error.message))
        return redirect(self.detail_url_name, activity.pk)


class ActivityQrView(View):
    """The check-in QR code, large, to show on a screen or print at the door."""

    template_name = "activities/admin/activity_qr.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(activity_policy, request, "view")
        activity = get_object_or_404(Activity, pk=pk)
        url = request.build_absolute_uri(
            reverse("activities:check_in", args=[activity.pk, activity.check_in_token])
        )
        return TemplateResponse(request, self.template_name, {
            "activity": activity, "place": activity_place(activity), "check_in_url": url,
            "qr_svg": mark_safe(_qr_svg(url, 10)),
        })  # fmt: skip


class ActivityViewSet(RecordViewSet):
    name = "activity_admin"  # not "activities": that is the site's URL namespace
    url_prefix = "activities"
    icon = "date"
    menu_label = gettext_lazy("Manage activities")
    menu_order = 250
    menu_item_class = policy_menu_item(activity_policy, "view")
    add_to_admin_menu = True

    index_view_class = ActivityIndexView
    create_view_class = ActivityFormView
    detail_view_class = ActivityDetailView
    edit_view_class = ActivityFormView

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("<int:pk>/qr/", ActivityQrView.as_view(), name="qr")]
