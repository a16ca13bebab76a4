"""Skills training on the union's site (phone first): the courses and skills exchanges, a
course's page with enrol and cancel, "my training" (hours, certificates), a certificate's PDF
for its holder, and the public verification page its QR code opens. Thin: selectors and services.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from cms.posters import PosterUnavailable
from workershome.errors import ServiceError

from .certificates import certificate_filename, certificate_pdf
from .models import Certificate, Course, CourseCategory, Enrolment
from .permissions import sees_certificates
from .selectors import (
    LIVE,
    certificate_by_token,
    course_published,
    courses_published,
    enrolment_live,
    enrolment_progress,
    my_training,
    skills_exchanges,
    waiting_position,
)
from .services import enrolment_cancel, enrolment_create


def _login_url(next_url: str) -> str:
    return f"{reverse('accounts:login')}?{urlencode({'next': next_url})}"


def _activity_url(activity) -> str:
    """The activity's page on the site, where the activities app has one."""
    for name in ("activities:detail", "activities:activity"):
        try:
            return reverse(name, args=[activity.pk])
        except NoReverseMatch:
            continue
    return ""


@method_decorator(never_cache, name="dispatch")
class TrainingIndexView(View):
    """The courses open or running (with the caller's place on each), skills exchanges to come,
    and the courses that ended lately."""

    def get(self, request: HttpRequest) -> HttpResponse:
        current, past = courses_published()
        category = request.GET.get("category", "")
        if category in CourseCategory.values:
            current = [c for c in current if c.category == category]
            past = [c for c in past if c.category == category]
        mine: dict[int, str] = {}
        if request.user.is_authenticated:
            mine = dict(
                Enrolment.objects.filter(user=request.user, status__in=LIVE).values_list(
                    "course_id", "status"
                )
            )
        exchanges = [(a, _activity_url(a)) for a in skills_exchanges()]
        return TemplateResponse(request, "training/index.html", {
            "current": current, "past": past, "mine": mine, "exchanges": exchanges, "now": timezone.now(),
            "categories": CourseCategory.choices, "category": category,
        })  # fmt: skip


@method_decorator(never_cache, name="dispatch")
class CourseView(View):
    """GET: a course, its sessions and the caller's place; POST: enrol (signed-in members)."""

    def _course(self, pk: int) -> Course:
        course = course_published(pk)
        if course is None:
            raise Http404
        return course

    def _render(
        self, request: HttpRequest, course: Course, error: str = "", status: int = 200
    ) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        enrolment = enrolment_live(course=course, user=user)
        now = timezone.now()
        first_start = getattr(course, "first_start", None)
        return TemplateResponse(request, "training/course.html", {
            "course": course, "sessions": list(course.sessions.order_by("starts_at")),
            "enrolment": enrolment,
            "progress": enrolment_progress(enrolment) if enrolment else None,
            "position": waiting_position(enrolment) if enrolment else None,
            "open": now <= course.enrolment_deadline,
            "full": getattr(course, "enrolled", 0) >= course.capacity,
            "started": bool(first_start and first_start <= now),
            "error": error, "login_url": _login_url(request.path), "now": now,
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self._course(pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(_login_url(request.path))
        course = self._course(pk)
        try:
            enrolment = enrolment_create(course=course, user=request.user)
        except ServiceError as error:
            return self._render(
                request,
                self._course(pk),
                str(error.message),
                status=error.status if error.status < 500 else 400,
            )
        if enrolment.status == Enrolment.Status.WAITING:
            messages.success(
                request,
                _(
                    "The course is full: you are number %(n)s on the waiting list. You will be told when a place is free."
                )
                % {"n": waiting_position(enrolment)},
            )
        else:
            messages.success(request, _("You are enrolled on “%(title)s”.") % {"title": course.title})
        return redirect("training:course", course.pk)


class EnrolmentCancelView(View):
    """POST: a member cancels their own enrolment (another's is simply not found)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(_login_url(reverse("training:index")))
        enrolment = get_object_or_404(Enrolment, pk=pk, user=request.user)
        try:
            enrolment_cancel(enrolment=enrolment, by=request.user)
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Your enrolment is cancelled."))
        next_url = request.POST.get("next", "")
        if next_url == reverse("training_my:index"):
            return redirect(next_url)
        return redirect("training:course", enrolment.course_id)


@method_decorator(never_cache, name="dispatch")
class MyTrainingView(View):
    """A member's courses with progress and hours, and their certificates to download."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(_login_url(request.path))
        return TemplateResponse(request, "training/my.html", {"training": my_training(request.user)})


class CertificatePdfView(View):
    """The certificate's PDF: for its holder, and for staff who see certificates; anyone else
    gets 404 (another union's certificate is not in this schema at all)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(_login_url(request.path))
        certificate = get_object_or_404(Certificate.objects.select_related("course", "enrolment"), pk=pk)
        if certificate.user_id != request.user.pk and not sees_certificates(request.user):
            raise Http404
        try:
            pdf = certificate_pdf(certificate)
        except PosterUnavailable as error:
            return HttpResponse(str(error.message), status=503, content_type="text/plain; charset=utf-8")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{certificate_filename(certificate)}"'
        response["Cache-Control"] = "private, no-store"
        return response


class CertificateVerifyView(View):
    """Public: what the QR code on a certificate opens. Shows the masked name, the course, the
    hours and the date, or says that no such certificate was issued here."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        certificate = certificate_by_token(token)
        return TemplateResponse(
            request,
            "training/verify.html",
            {"certificate": certificate},
            status=200 if certificate else 404,
        )
