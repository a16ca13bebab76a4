"""Skills training in a union's Wagtail admin (技能培训): courses with their sessions and roster,
taking a session's attendance in one go, issuing certificates, hours per worker, and the
certificates issued.

Thin: reads from ``selectors``, every change through ``services``; ids are looked up in this
union's schema only, so another union's record is simply not found.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from workershome.admin_views import RecordViewSet, form_error_add, policy_menu_item, policy_require
from workershome.errors import ServiceError

from .forms import CourseForm, SessionForm
from .models import Certificate, Course, CourseSession, Enrolment
from .permissions import (
    certificate_policy,
    course_policy,
    enrolment_policy,
    issues_certificates,
    manages_courses,
    manages_enrolments,
)
from .selectors import course_roster, courses_annotated, hours_by_worker, session_register
from .services import (
    attendance_record,
    certificate_issue,
    certificates_issue_completed,
    course_save,
    course_session_add,
    course_session_remove,
    enrolment_cancel,
)

# --- Courses ------------------------------------------------------------------------------------


class CourseIndexView(generic.IndexView):
    model = Course
    permission_policy = course_policy
    permission_required = "view"
    any_permission_required = None
    page_title = gettext_lazy("Courses")
    header_icon = "doc-full"
    default_ordering = "-enrolment_deadline"
    search_fields = ["title", "teacher", "description"]
    search_backend_name = None
    paginate_by = 50
    detail_url_name = ""

    @cached_property
    def list_display(self) -> list:
        return [
            TitleColumn("title", label=_("Title"), url_name=self.detail_url_name),
            Column("category", label=_("Category"), accessor="get_category_display"),
            DateColumn("first_start", label=_("First session")),
            Column("sessions", label=_("Sessions"), accessor="session_count"),
            Column("places", label=_("Enrolled"), accessor=lambda c: f"{c.enrolled}/{c.capacity}"),
            Column("waiting", label=_("Waiting"), accessor="waiting"),
            Column("status", label=_("Status"), accessor="get_status_display"),
        ]

    def get_base_queryset(self):
        return courses_annotated()


class CourseFormView(View):
    """Create (no pk) or change a course."""

    template_name = "training/admin/course_form.html"
    index_url_name = ""
    detail_url_name = ""

    def _render(self, request, form, course, status=200) -> HttpResponse:
        title = _("Change the course") if course.pk else _("New course")
        return TemplateResponse(request, self.template_name, {
            "form": form, "course": course, "page_title": title, "header_icon": "doc-full",
            "cancel_url": reverse(self.detail_url_name, args=[course.pk]) if course.pk else reverse(self.index_url_name),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        policy_require(course_policy, request, "change" if pk else "add")
        course = get_object_or_404(Course, pk=pk) if pk else Course()
        initial = {} if pk else {"enrolment_deadline": timezone.localtime().replace(second=0, microsecond=0)}
        return self._render(request, CourseForm(instance=course, initial=initial), course)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        policy_require(course_policy, request, "change" if pk else "add")
        course = get_object_or_404(Course, pk=pk) if pk else Course()
        form = CourseForm(request.POST, instance=course)
        if not form.is_valid():
            return self._render(request, form, course, status=400)
        try:
            course = course_save(course=form.save(commit=False), by=request.user)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, course, status=400)
        messages.success(request, _("Course saved."))
        return redirect(self.detail_url_name, course.pk)


class CourseDetailView(View):
    """A course: its sessions (add, remove, take attendance), its roster with each member's
    progress (cancel, issue a certificate) and "issue every completer's certificate"."""

    template_name = "training/admin/course_detail.html"
    index_url_name = ""
    detail_url_name = ""
    edit_url_name = ""
    attendance_url_name = ""

    def _render(self, request, course, session_form=None, status=200) -> HttpResponse:
        course = courses_annotated(Course.objects.filter(pk=course.pk)).get()
        roster = course_roster(course)
        return TemplateResponse(request, self.template_name, {
            "course": course, "page_title": course.title, "header_icon": "doc-full",
            "sessions": list(course.sessions.order_by("starts_at")),
            "enrolled": [row for row in roster if row.enrolment.status == Enrolment.Status.ENROLLED],
            "waiting": [row for row in roster if row.enrolment.status == Enrolment.Status.WAITING],
            "session_form": session_form or SessionForm(),
            "can_change": manages_courses(request.user),
            "can_enrolments": manages_enrolments(request.user),
            "can_certify": issues_certificates(request.user),
            "index_url": reverse(self.index_url_name),
            "edit_url": reverse(self.edit_url_name, args=[course.pk]),
            "attendance_url_name": self.attendance_url_name,
            "now": timezone.now(),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(course_policy, request, "view")
        return self._render(request, get_object_or_404(Course, pk=pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(course_policy, request, "view")
        course = get_object_or_404(Course, pk=pk)
        action = request.POST.get("action", "")
        try:
            if action == "session_add":
                policy_require(course_policy, request, "change")
                form = SessionForm(request.POST)
                if not form.is_valid():
                    return self._render(request, course, session_form=form, status=400)
                try:
                    course_session_add(course=course, by=request.user, **form.cleaned_data)
                except ServiceError as error:
                    form_error_add(form, error)
                    return self._render(request, course, session_form=form, status=400)
                messages.success(request, _("Session added."))
            elif action == "session_remove":
                session = get_object_or_404(CourseSession, course=course, pk=request.POST.get("session") or 0)
                course_session_remove(session=session, by=request.user)
                messages.success(request, _("Session removed."))
            elif action == "enrolment_cancel":
                enrolment = get_object_or_404(Enrolment, course=course, pk=request.POST.get("enrolment") or 0)
                enrolment_cancel(enrolment=enrolment, by=request.user)
                messages.success(request, _("The enrolment is cancelled and the member is told."))
            elif action == "certificate":
                enrolment = get_object_or_404(Enrolment, course=course, pk=request.POST.get("enrolment") or 0)
                certificate = certificate_issue(enrolment=enrolment, by=request.user)
                messages.success(
                    request, _("Certificate %(number)s issued.") % {"number": certificate.number}
                )
            elif action == "certificates_all":
                issued = certificates_issue_completed(course=course, by=request.user)
                messages.success(request, _("%(n)s certificates issued.") % {"n": len(issued)})
            else:
                return self._render(request, course, status=400)
        except ServiceError as error:
            messages.error(request, str(error.message))
            return self._render(request, course, status=error.status if error.status < 500 else 400)
        return redirect(self.detail_url_name, course.pk)


class AttendanceView(View):
    """One session's register: every enrolled member with a box; saving marks the ticked ones
    present and the others absent."""

    template_name = "training/admin/attendance.html"
    detail_url_name = ""

    def _session(self, pk: int, session_pk: int) -> CourseSession:
        return get_object_or_404(CourseSession.objects.select_related("course"), course_id=pk, pk=session_pk)

    def _render(self, request, session, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "session": session, "course": session.course, "register": session_register(session),
            "page_title": _("Attendance: %(course)s") % {"course": session.course.title},
            "header_icon": "tick", "back_url": reverse(self.detail_url_name, args=[session.course_id]),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
        policy_require(enrolment_policy, request, "view")
        return self._render(request, self._session(pk, session_pk))

    def post(self, request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
        policy_require(enrolment_policy, request, "change")
        session = self._session(pk, session_pk)
        try:
            counts = attendance_record(
                session=session, present=request.POST.getlist("present"), by=request.user
            )
        except ServiceError as error:
            messages.error(request, str(error.message))
            return self._render(request, session, status=error.status if error.status < 500 else 400)
        messages.success(request, _("Attendance saved: %(present)s of %(enrolled)s present.") % counts)
        return redirect(self.detail_url_name, session.course_id)


class CourseViewSet(RecordViewSet):
    name = "training_courses"
    url_prefix = "training/courses"
    icon = "doc-full"
    menu_label = gettext_lazy("Courses")
    menu_item_class = policy_menu_item(course_policy, "view")

    index_view_class = CourseIndexView
    create_view_class = CourseFormView
    detail_view_class = CourseDetailView
    edit_view_class = CourseFormView

    def get_urlpatterns(self):
        patterns = []
        for pattern in super().get_urlpatterns():
            if pattern.name == "detail":
                pattern = path(
                    "<int:pk>/",
                    self.construct_view(
                        CourseDetailView, index_url_name=self.get_url_name("index"),
                        detail_url_name=self.get_url_name("detail"), edit_url_name=self.get_url_name("edit"),
                        attendance_url_name=self.get_url_name("attendance"),
                    ),
                    name="detail",
                )  # fmt: skip
            patterns.append(pattern)
        patterns.append(
            path(
                "<int:pk>/sessions/<int:session_pk>/attendance/",
                self.construct_view(AttendanceView, detail_url_name=self.get_url_name("detail")),
                name="attendance",
            )
        )
        return patterns


# --- Hours per worker and certificates ----------------------------------------------------------


class HoursView(View):
    """Training hours per member over all courses, most first."""

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(enrolment_policy, request, "view")
        return TemplateResponse(request, "training/admin/hours.html", {
            "page_title": _("Training hours"), "header_icon": "time", "rows": list(hours_by_worker()[:500]),
        })  # fmt: skip


class HoursViewSet(ViewSet):
    name = "training_hours"
    url_prefix = "training/hours"
    icon = "time"
    menu_label = gettext_lazy("Training hours")
    menu_item_class = policy_menu_item(enrolment_policy, "view")

    def get_urlpatterns(self):
        return [path("", self.construct_view(HoursView), name="index")]


class CertificateIndexView(generic.IndexView):
    model = Certificate
    permission_policy = certificate_policy
    permission_required = "view"
    any_permission_required = None
    page_title = gettext_lazy("Certificates")
    header_icon = "doc-full-inverse"
    default_ordering = "-issued_on"
    search_fields = ["number", "holder_name"]
    search_backend_name = None
    paginate_by = 50

    @cached_property
    def list_display(self) -> list:
        return [
            TitleColumn(
                "number",
                label=_("Certificate number"),
                get_url=lambda c: reverse("training:certificate_pdf", args=[c.pk]),
            ),
            Column("holder_name", label=_("Holder")),
            Column("course", label=_("Course"), accessor=lambda c: c.course.title),
            Column("hours", label=_("Hours")),
            DateColumn("issued_on", label=_("Issued on")),
        ]

    def get_base_queryset(self):
        return Certificate.objects.select_related("course")


class CertificateViewSet(ViewSet):
    name = "training_certificates"
    url_prefix = "training/certificates"
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Certificates")
    menu_item_class = policy_menu_item(certificate_policy, "view")

    def get_urlpatterns(self):
        return [
            path("", self.construct_view(
                CertificateIndexView, index_url_name=self.get_url_name("index"),
                index_results_url_name=self.get_url_name("index_results"), header_icon=self.icon,
            ), name="index"),
            path("results/", self.construct_view(
                CertificateIndexView, results_only=True, index_url_name=self.get_url_name("index"),
                index_results_url_name=self.get_url_name("index_results"), header_icon=self.icon,
            ), name="index_results"),
        ]  # fmt: skip


class TrainingViewSetGroup(ViewSetGroup):
    """The "Skills training" menu of a union's admin."""

    items = (CourseViewSet, HoursViewSet, CertificateViewSet)
    menu_label = gettext_lazy("Skills training")
    menu_icon = "doc-full"
    menu_order = 260
