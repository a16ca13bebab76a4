"""职代会 in a union's Wagtail admin: sessions (plan one; seat delegates, record attendance,
convene with the quorum, agenda, minutes, resolutions, close), motions (review, department,
replies, overdue flags) and disclosure items (厂务公开).

Thin: every change goes through ``services``; ids are looked up in this union's schema only.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from tenants.membership.selectors import member_by_mobile
from workershome.admin_views import form_error_add, policy_menu_item, policy_require
from workershome.errors import ServiceError

from .forms import (
    AgendaForm,
    DelegateForm,
    DisclosureForm,
    MinutesForm,
    ReplyForm,
    ResolutionForm,
    ReviewForm,
    SessionForm,
)
from .models import CongressSession, DisclosureItem, Motion, quorum_of
from .permissions import disclosure_policy, motion_policy, session_policy
from .selectors import (
    congress_overdue,
    motion_counts,
    motions_for_staff,
    session_last_held,
    sessions_list,
    today,
)
from .services import (
    agenda_item_add,
    attendance_record,
    delegate_add,
    disclosure_save,
    motion_reply,
    motion_review,
    resolution_record,
    session_close,
    session_create,
    session_minutes_save,
    session_open,
)


class SessionIndexView(View):
    template_name = "congress/admin/sessions.html"

    def _render(self, request, form=None, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "page_title": _("Congress sessions"), "header_icon": "group",
            "sessions": sessions_list(), "overdue": congress_overdue(), "last_held": session_last_held(),
            "form": form or SessionForm(), "can_add": session_policy.user_has_permission(request.user, "add"),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(session_policy, request, "view")
        return self._render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        policy_require(session_policy, request, "add")
        form = SessionForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            session = session_create(by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, status=400)
        messages.success(request, _("Session planned. Now seat its delegates."))
        return redirect("congress_sessions:detail", session.pk)


class SessionDetailView(View):
    """One session: delegates by constituency and attendance, convening, agenda, minutes,
    resolutions, and its motions' counts."""

    template_name = "congress/admin/session.html"
    forms = {
        "delegate": DelegateForm,
        "agenda": AgendaForm,
        "minutes": MinutesForm,
        "resolution": ResolutionForm,
    }

    def _render(self, request, session, *, forms=None, status=200) -> HttpResponse:
        forms = forms or {}
        delegates = list(session.delegates.select_related("member").order_by("constituency", "pk"))
        present = sum(1 for d in delegates if d.present)
        return TemplateResponse(request, self.template_name, {
            "page_title": session.title, "header_icon": "group", "session": session,
            "delegates": delegates, "present": present, "quorum": quorum_of(len(delegates)),
            "agenda": session.agenda.all(), "resolutions": session.resolutions.all(),
            "counts": motion_counts(session),
            "delegate_form": forms.get("delegate") or DelegateForm(),
            "agenda_form": forms.get("agenda") or AgendaForm(),
            "minutes_form": forms.get("minutes") or MinutesForm(initial={"minutes": session.minutes}),
            "resolution_form": forms.get("resolution") or ResolutionForm(),
            "errors": forms.get("errors", []),
            "can_change": session_policy.user_has_permission(request.user, "change"),
            "index_url": reverse("congress_sessions:index"),
            "motions_url": reverse("congress_motions:index") + f"?session={session.pk}",
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(session_policy, request, "view")
        return self._render(request, get_object_or_404(CongressSession, pk=pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(session_policy, request, "change")
        session = get_object_or_404(CongressSession, pk=pk)
        action = request.POST.get("action") or ""
        try:
            if action == "attendance":
                ids = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
                count = attendance_record(session=session, present_ids=ids, by=request.user)
                messages.success(request, _("Attendance recorded: %(n)s present.") % {"n": count})
            elif action == "open":
                session_open(session=session, by=request.user)
                messages.success(request, _("The session has convened."))
            elif action == "close":
                session_close(session=session, by=request.user)
                messages.success(request, _("The session is closed."))
            elif action in self.forms:
                form = self.forms[action](request.POST)
                if not form.is_valid():
                    return self._render(request, session, forms={action: form}, status=400)
                try:
                    self._save(request, session, action, form.cleaned_data)
                except ServiceError as error:
                    form_error_add(form, error)
                    return self._render(request, session, forms={action: form}, status=400)
        except ServiceError as error:
            return self._render(request, session, forms={"errors": [str(error.message)]}, status=400)
        return redirect("congress_sessions:detail", session.pk)

    def _save(self, request, session, action: str, data: dict) -> None:
        if action == "delegate":
            member = member_by_mobile(data["member_mobile"])
            if member is None:
                raise ServiceError("delegate_member_unknown",
                                   gettext_lazy("No member on the roster has this mobile number."),
                                   field="member_mobile")  # fmt: skip
            delegate_add(session=session, member=member, constituency=data["constituency"], by=request.user)
            messages.success(request, _("Delegate seated."))
        elif action == "agenda":
            agenda_item_add(session=session, title=data["title"], by=request.user)
        elif action == "minutes":
            session_minutes_save(session=session, minutes=data["minutes"], by=request.user)
            messages.success(request, _("Minutes saved."))
        else:
            resolution = resolution_record(session=session, by=request.user, **data)
            if resolution.passed:
                messages.success(request, _("Resolution passed."))
            else:
                messages.warning(
                    request, _("Resolution not passed: more than half of all delegates must vote for it.")
                )


class MotionIndexView(View):
    template_name = "congress/admin/motions.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(motion_policy, request, "view")
        wanted = request.GET.get("status", "")
        wanted = wanted if wanted in (*Motion.Status.values, "overdue") else ""
        session = request.GET.get("session", "")
        chosen = CongressSession.objects.filter(pk=int(session)).first() if session.isdigit() else None
        statuses = [(value, label) for value, label in Motion.Status.choices if value != Motion.Status.DRAFT]
        return TemplateResponse(request, self.template_name, {
            "page_title": _("Motions"), "header_icon": "doc-full",
            "motions": motions_for_staff(session=chosen, status=wanted), "today": today(),
            "statuses": statuses, "wanted": wanted, "session": chosen,
        })  # fmt: skip


class MotionDetailView(View):
    template_name = "congress/admin/motion.html"

    def _render(self, request, motion, *, forms=None, status=200) -> HttpResponse:
        forms = forms or {}
        return TemplateResponse(request, self.template_name, {
            "page_title": motion.title, "header_icon": "doc-full", "motion": motion, "today": today(),
            "overdue": motion.is_overdue(today()),
            "cosigners": motion.cosigners.select_related("delegate__member"),
            "review_form": forms.get("review") or ReviewForm(),
            "reply_form": forms.get("reply") or ReplyForm(),
            "can_review": motion.status == Motion.Status.SUBMITTED,
            "can_reply": motion.status == Motion.Status.ACCEPTED or (
                motion.status == Motion.Status.ANSWERED and motion.satisfaction == "unsatisfied"
                and not motion.second_reply),
            "can_change": motion_policy.user_has_permission(request.user, "change"),
            "index_url": reverse("congress_motions:index"),
        }, status=status)  # fmt: skip

    def _motion(self, pk: int) -> Motion:
        return get_object_or_404(motions_for_staff(), pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(motion_policy, request, "view")
        return self._render(request, self._motion(pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(motion_policy, request, "change")
        motion = self._motion(pk)
        action = request.POST.get("action") or ""
        form_class = {"review": ReviewForm, "reply": ReplyForm}.get(action)
        if form_class is None:
            return redirect("congress_motions:detail", motion.pk)
        form = form_class(request.POST)
        if not form.is_valid():
            return self._render(request, motion, forms={action: form}, status=400)
        try:
            if action == "review":
                motion_review(motion=motion, by=request.user, **form.cleaned_data)
                messages.success(request, _("Review recorded."))
            else:
                motion_reply(motion=motion, reply=form.cleaned_data["reply"], by=request.user)
                messages.success(request, _("Reply recorded; the proposer is asked to rate it."))
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, motion, forms={action: form}, status=400)
        return redirect("congress_motions:detail", motion.pk)


class DisclosureIndexView(View):
    template_name = "congress/admin/disclosures.html"

    def _render(self, request, form=None, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "page_title": _("Disclosure (厂务公开)"), "header_icon": "doc-full",
            "items": DisclosureItem.objects.all(), "form": form or DisclosureForm(initial={"disclosed_on": today()}),
            "can_add": disclosure_policy.user_has_permission(request.user, "add"),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(disclosure_policy, request, "view")
        return self._render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        policy_require(disclosure_policy, request, "add")
        form = DisclosureForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            disclosure_save(by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, status=400)
        messages.success(request, _("Disclosure item saved."))
        return redirect("congress_disclosures:index")


class DisclosureEditView(View):
    template_name = "congress/admin/disclosure_form.html"

    def _render(self, request, item, form, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "page_title": item.title, "header_icon": "doc-full", "form": form, "item": item,
            "cancel_url": reverse("congress_disclosures:index"),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(disclosure_policy, request, "change")
        item = get_object_or_404(DisclosureItem, pk=pk)
        initial = {f: getattr(item, f) for f in ("category", "title", "content", "disclosed_on", "published")}
        return self._render(request, item, DisclosureForm(initial=initial))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(disclosure_policy, request, "change")
        item = get_object_or_404(DisclosureItem, pk=pk)
        form = DisclosureForm(request.POST)
        if not form.is_valid():
            return self._render(request, item, form, status=400)
        try:
            disclosure_save(item=item, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, item, form, status=400)
        messages.success(request, _("Disclosure item saved."))
        return redirect("congress_disclosures:index")


class SessionViewSet(ViewSet):
    name = "congress_sessions"
    url_prefix = "congress/sessions"
    icon = "group"
    menu_label = gettext_lazy("Congress sessions")
    menu_item_class = policy_menu_item(session_policy, "view")

    def get_urlpatterns(self):
        return [
            path("", SessionIndexView.as_view(), name="index"),
            path("<int:pk>/", SessionDetailView.as_view(), name="detail"),
        ]


class MotionViewSet(ViewSet):
    name = "congress_motions"
    url_prefix = "congress/motions"
    icon = "doc-full"
    menu_label = gettext_lazy("Motions")
    menu_item_class = policy_menu_item(motion_policy, "view")

    def get_urlpatterns(self):
        return [
            path("", MotionIndexView.as_view(), name="index"),
            path("<int:pk>/", MotionDetailView.as_view(), name="detail"),
        ]


class DisclosureViewSet(ViewSet):
    name = "congress_disclosures"
    url_prefix = "congress/disclosures"
    icon = "doc-full"
    menu_label = gettext_lazy("Disclosure (厂务公开)")
    menu_item_class = policy_menu_item(disclosure_policy, "view")

    def get_urlpatterns(self):
        return [
            path("", DisclosureIndexView.as_view(), name="index"),
            path("<int:pk>/", DisclosureEditView.as_view(), name="edit"),
        ]


class CongressViewSetGroup(ViewSetGroup):
    """The "职代会" menu of a union's admin."""

    items = (SessionViewSet, MotionViewSet, DisclosureViewSet)
    menu_label = gettext_lazy("Workers' congress")
    menu_icon = "group"
    menu_order = 246
