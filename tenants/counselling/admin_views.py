"""心理疏导 in a union's Wagtail admin.

The chairman and officers manage counsellors, slots and lectures, and see counts, never who
booked. A counsellor sees their own appointments, marks them held or missed, and writes the
session notes; each appointment page is theirs alone. Anyone else opening it (the chairman, a
superuser, another counsellor) gets a 404, and where the appointment has notes the refused read
is written to the privacy audit log; the author's reads are written there too.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from tenants.activities.models import Activity
from tenants.privacy.services import sensitive_read_log
from tenants.reception.selectors import member_by_mobile
from workershome.errors import ServiceError

from . import services
from .access import (
    appointments_of_counsellor,
    counsellor_of,
    manages_counselling,
    note_read,
    uses_counselling_admin,
)
from .forms import CloseForm, CounsellorForm, LectureForm, NoteForm, SlotsForm
from .models import Appointment, CounsellingLecture, CounsellingSlot, Counsellor, SessionNote
from .selectors import counselling_counts

ICON = "group"


def _manager_or_404(request: HttpRequest) -> None:
    if not manages_counselling(request.user):
        raise Http404


def _form_page(request, form, *, title: str, status: int = 200) -> HttpResponse:
    return TemplateResponse(request, "counselling/admin/form.html", {
        "form": form, "page_title": title, "header_icon": ICON, "cancel_url": reverse("counselling_admin:index"),
    }, status=status)  # fmt: skip


def _service_error(form, error: ServiceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def index(request: HttpRequest) -> HttpResponse:
    if not uses_counselling_admin(request.user):
        raise Http404
    manager = manages_counselling(request.user)
    now = timezone.now()
    mine = appointments_of_counsellor(request.user).select_related("slot", "worker")
    context = {
        "page_title": _("Counselling"), "header_icon": ICON, "manager": manager,
        "counsellor": counsellor_of(request.user),
        "my_coming": mine.filter(status=Appointment.Status.BOOKED, slot__starts_at__gt=now).order_by("slot__starts_at"),
        "my_open": mine.filter(status=Appointment.Status.BOOKED, slot__starts_at__lte=now).order_by("slot__starts_at"),
        "my_past": mine.exclude(status=Appointment.Status.BOOKED).order_by("-slot__starts_at")[:30],
    }  # fmt: skip
    if manager:
        context.update(
            counts=counselling_counts(),
            counsellors=Counsellor.objects.select_related("user").order_by("-active", "hired", "name"),
            slots=CounsellingSlot.objects.filter(starts_at__gt=now).select_related("counsellor")[:60],
            taken=set(
                Appointment.objects.filter(slot__starts_at__gt=now)
                .exclude(status=Appointment.Status.CANCELLED)
                .values_list("slot_id", flat=True)
            ),
            lectures=CounsellingLecture.objects.select_related("activity", "counsellor").order_by("-activity__starts_at")[:20],
        )  # fmt: skip
    return TemplateResponse(request, "counselling/admin/index.html", context)


def counsellor_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _manager_or_404(request)
    counsellor = None
    if pk is not None:
        counsellor = Counsellor.objects.select_related("user").filter(pk=pk).first() if pk < 2**63 else None
        if counsellor is None:
            raise Http404
    title = _("Edit counsellor") if counsellor else _("Add a counsellor")
    initial = {"mobile": counsellor.user.username if counsellor and counsellor.user else ""}
    form = CounsellorForm(request.POST or None, instance=counsellor, initial=initial)
    if request.method != "POST":
        return _form_page(request, form, title=title)
    if not form.is_valid():
        return _form_page(request, form, title=title, status=400)
    record = form.save(commit=False)
    mobile = form.cleaned_data["mobile"].strip()
    record.user = None
    if mobile:
        record.user = member_by_mobile(mobile)
        if record.user is None:
            form.add_error("mobile", _("No member of this union has this mobile number."))
            return _form_page(request, form, title=title, status=400)
    try:
        services.counsellor_save(counsellor=record, by=request.user)
    except ServiceError as error:
        _service_error(form, error)
        return _form_page(request, form, title=title, status=400)
    messages.success(request, _("Counsellor %(name)s saved.") % {"name": record.name})
    return redirect("counselling_admin:index")


def slots_add(request: HttpRequest) -> HttpResponse:
    _manager_or_404(request)
    title = _("Add times")
    form = SlotsForm(request.POST or None, initial={"first_day": timezone.localdate()})
    if request.method != "POST":
        return _form_page(request, form, title=title)
    if not form.is_valid():
        return _form_page(request, form, title=title, status=400)
    try:
        made = services.slots_add(**form.cleaned_data, by=request.user)
    except ServiceError as error:
        _service_error(form, error)
        return _form_page(request, form, title=title, status=400)
    messages.success(request, _("%(count)d times added.") % {"count": len(made)})
    return redirect("counselling_admin:index")


def slot_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _manager_or_404(request)
    slot = CounsellingSlot.objects.filter(pk=pk).first() if pk < 2**63 else None
    if slot is None or request.method != "POST":
        raise Http404
    try:
        services.slot_remove(slot=slot, by=request.user)
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Time removed."))
    return redirect("counselling_admin:index")


def lecture_add(request: HttpRequest) -> HttpResponse:
    _manager_or_404(request)
    title = _("Plan a counselling lecture")
    form = LectureForm(request.POST or None)
    if request.method != "POST":
        return _form_page(request, form, title=title)
    if not form.is_valid():
        return _form_page(request, form, title=title, status=400)
    data = form.cleaned_data
    activity = Activity(
        title=data["title"], description=data["description"], starts_at=data["starts_at"], ends_at=data["ends_at"],
        place=data["place"], capacity=data["capacity"], audience=data["audience"],
    )  # fmt: skip
    try:
        services.lecture_save(
            activity=activity, counsellor=data["counsellor"], by=request.user, publish=data["publish"]
        )
    except ServiceError as error:
        _service_error(form, error)
        return _form_page(request, form, title=title, status=400)
    messages.success(request, _("Lecture %(title)s saved.") % {"title": activity.title})
    return redirect("counselling_admin:index")


def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The counsellor's page of one appointment: the talk, its notes (read audited), the actions."""
    appointment = (
        Appointment.objects.select_related("slot__counsellor", "worker").filter(pk=pk).first()
        if pk < 2**63
        else None
    )
    if appointment is None:
        raise Http404
    note = SessionNote.objects.filter(appointment=appointment).first()
    if appointment.slot.counsellor.user_id != request.user.pk:
        # That a worker sees a counsellor is health data too: the refusal is audited either way.
        sensitive_read_log(
            user=request.user, obj=appointment, action="refused", via="admin", purpose="查看心理咨询预约"
        )
        if note is not None:
            note_read(request.user, note, via="admin", purpose="查看谈话记录")
        raise Http404
    close_form, note_form, status = CloseForm(prefix="close"), None, 200
    posted = request.POST.get("action") if request.method == "POST" else None
    try:
        if posted == "close":
            close_form = CloseForm(request.POST, prefix="close")
            if close_form.is_valid():
                services.appointment_close(
                    appointment=appointment, held=close_form.cleaned_data["held"], by=request.user
                )
                messages.success(request, _("Recorded."))
                return redirect("counselling_admin:appointment", appointment.pk)
            status = 400
        elif posted == "cancel":
            services.appointment_cancel(appointment=appointment, by=request.user)
            messages.success(request, _("Appointment cancelled; the worker has been told."))
            return redirect("counselling_admin:appointment", appointment.pk)
        elif posted == "note":
            note_form = NoteForm(request.POST, prefix="note")
            if note_form.is_valid():
                services.note_save(
                    appointment=appointment, text=note_form.cleaned_data["text"], by=request.user
                )
                messages.success(request, _("Notes saved."))
                return redirect("counselling_admin:appointment", appointment.pk)
            status = 400
    except ServiceError as error:
        messages.error(request, str(error.message))
        status = 400
    note_text = ""
    if note is not None and note_read(request.user, note, via="admin", purpose="查看谈话记录"):
        note_text = note.text
    if note_form is None:
        note_form = NoteForm(prefix="note", initial={"text": note_text})
    appointment.refresh_from_db()
    return TemplateResponse(request, "counselling/admin/appointment.html", {
        "appointment": appointment, "note": note, "close_form": close_form, "note_form": note_form,
        "page_title": _("Counselling appointment"), "header_icon": ICON, "started": appointment.slot.starts_at <= timezone.now(),
    }, status=status)  # fmt: skip


class CounsellingMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return uses_counselling_admin(request.user)


class CounsellingViewSet(ViewSet):
    name = "counselling_admin"  # not "counselling": that is the site's URL namespace
    url_prefix = "counselling"
    icon = ICON
    menu_label = gettext_lazy("Counselling")
    menu_order = 235
    add_to_admin_menu = True
    menu_item_class = CounsellingMenuItem

    def get_urlpatterns(self):
        return [
            path("", index, name="index"),
            path("counsellors/new/", counsellor_edit, name="counsellor_add"),
            path("counsellors/<int:pk>/", counsellor_edit, name="counsellor_edit"),
            path("slots/new/", slots_add, name="slots_add"),
            path("slots/<int:pk>/remove/", slot_remove, name="slot_remove"),
            path("lectures/new/", lecture_add, name="lecture_add"),
            path("appointments/<int:pk>/", appointment_detail, name="appointment"),
        ]
