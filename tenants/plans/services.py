"""Writes on the annual work plan: the plan and its items, progress notes, adoption (印发), the
year-end summary, and the daily check that reminds the chairman in January and reports items
that went overdue. Federation events carry counts and dates only."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenants.events.services import event_emit
from workershome.errors import Conflict, ServiceError
from workershome.page_cache import page_cache_refresh

from .models import PlanItem, PlanItemNote, PlanReminder, WorkPlan
from .selectors import items_overdue, plan_figures

ADMIN_URL = "/admin/work-plans/"


def _plan_changed(plan: WorkPlan) -> None:
    if plan.published:
        page_cache_refresh()


# --- Plans -----------------------------------------------------------------------------------------


@transaction.atomic
def plan_save(*, plan: WorkPlan, by=None) -> WorkPlan:
    """Create or change a plan (one per year). Publishing it shows it on the site."""
    plan.title = (plan.title or "").strip()
    if not plan.title:
        raise ServiceError("plan_title_missing", _("Give the plan a title."), field="title")
    if not plan.year or not 2000 <= plan.year <= 2100:
        raise ServiceError("plan_year_invalid", _("Give the plan's year."), field="year")
    others = WorkPlan.objects.exclude(pk=plan.pk) if plan.pk else WorkPlan.objects.all()
    if others.filter(year=plan.year).exists():
        raise Conflict(
            "plan_year_taken", _("There is already a work plan for %(year)s."), params={"year": plan.year},
            field="year",
        )  # fmt: skip
    if plan.pk:
        old_year = WorkPlan.objects.filter(pk=plan.pk).values_list("year", flat=True).first()
        if old_year != plan.year and plan.items.exists():
            raise ServiceError(
                "plan_year_fixed", _("The plan has items: its year can no longer change."), field="year"
            )
    elif by is not None and getattr(by, "pk", None):
        plan.created_by = by
    plan.save()
    page_cache_refresh()
    return plan


@transaction.atomic
def plan_create(
    *, year: int, title: str, introduction: str = "", published: bool = False, by=None
) -> WorkPlan:
    return plan_save(
        plan=WorkPlan(year=year, title=title, introduction=introduction, published=published), by=by
    )


@transaction.atomic
def plan_adopt(*, plan: WorkPlan, on: datetime.date | None = None, by=None) -> WorkPlan:
    """印发: the plan is adopted and in force; the federation counts it (year, items), once."""
    plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.adopted_on is not None:
        raise Conflict("plan_adopted", _("This plan has already been adopted."))
    items = plan.items.count()
    if not items:
        raise ServiceError("plan_empty", _("Add the plan's items before adopting it."))
    plan.adopted_on = on or timezone.localdate()
    plan.save(update_fields=["adopted_on"])
    event_emit(name="plan.made", payload={"year": plan.year, "items": items,
                                          "adopted_on": plan.adopted_on.isoformat()})  # fmt: skip
    _plan_changed(plan)
    return plan


@transaction.atomic
def plan_summary_write(*, plan: WorkPlan, summary: str, by=None) -> WorkPlan:
    """年度工作总结: the year-end summary, with the items' figures frozen at the time of writing.

    Written from December of the plan's year on; rewriting it refreshes the text and figures,
    and the federation is told the first time only."""
    plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    summary = (summary or "").strip()
    if not summary:
        raise ServiceError("summary_missing", _("Write the year-end summary."), field="summary")
    today = timezone.localdate()
    if today < datetime.date(plan.year, 12, 1):
        raise ServiceError(
            "summary_too_early", _("The year-end summary of %(year)s can be written from 1 December %(year)s."),
            params={"year": plan.year}, field="summary",
        )  # fmt: skip
    figures = plan_figures(
        plan, today=min(today, datetime.date(plan.year, 12, 31) + datetime.timedelta(days=1))
    )
    first = plan.summary_written_at is None
    plan.summary = summary
    plan.summary_written_at = timezone.now()
    plan.summary_items = figures.items
    plan.summary_done = figures.done
    plan.summary_overdue = figures.overdue
    plan.summary_cancelled = figures.cancelled
    plan.summary_progress = figures.progress
    plan.save()
    if first:
        event_emit(
            name="plan.summary_written",
            payload={"year": plan.year, "items": figures.items, "done": figures.done,
                     "overdue": figures.overdue, "cancelled": figures.cancelled, "progress": figures.progress},
        )  # fmt: skip
    _plan_changed(plan)
    return plan


# --- Items -----------------------------------------------------------------------------------------


def _item_check(item: PlanItem) -> None:
    item.task = (item.task or "").strip()
    if not item.task:
        raise ServiceError("item_task_missing", _("Say what the task is."), field="task")
    if item.category not in PlanItem.Category.values:
        raise ServiceError("item_category_invalid", _("Choose the category of the task."), field="category")
    if item.owner_member_id and item.owner_user_id:
        raise ServiceError(
            "item_two_owners",
            _("Give one owner: a roster member or a staff member, not both."),
            field="owner_user",
        )
    if not isinstance(item.starts_on, datetime.date) or not isinstance(item.due_on, datetime.date):
        raise ServiceError("item_dates_missing", _("Give the start and due dates."), field="due_on")
    if item.due_on < item.starts_on:
        raise ServiceError("item_dates", _("The due date cannot be before the start date."), field="due_on")
    year = item.plan.year
    if item.starts_on.year != year or item.due_on.year != year:
        raise ServiceError(
            "item_outside_year", _("The dates of an item of the %(year)s plan fall within %(year)s."),
            params={"year": year}, field="due_on",
        )  # fmt: skip


@transaction.atomic
def item_save(*, item: PlanItem, by=None) -> PlanItem:
    """Add or change a plan item (its task, category, owner and dates; progress has its own
    service). Refused, with nothing saved, for dates outside the plan's year or two owners."""
    WorkPlan.objects.select_for_update().get(pk=item.plan_id)
    _item_check(item)
    if item.pk is None and not item.order:
        item.order = (item.plan.items.count() + 1) * 10
    if item.status not in PlanItem.Status.values:
        item.status = PlanItem.Status.NOT_STARTED
    item.save()
    _plan_changed(item.plan)
    return item


@transaction.atomic
def item_create(
    *,
    plan: WorkPlan,
    task: str,
    category: str,
    starts_on: datetime.date,
    due_on: datetime.date,
    owner_member=None,
    owner_user=None,
    by=None,
) -> PlanItem:
    item = PlanItem(
        plan=plan, task=task, category=category, starts_on=starts_on, due_on=due_on,
        owner_member=owner_member, owner_user=owner_user,
    )  # fmt: skip
    return item_save(item=item, by=by)


@transaction.atomic
def item_progress_record(
    *, item: PlanItem, progress: int, note: str, on: datetime.date | None = None, by=None
) -> PlanItem:
    """A note of progress: what was done and how far the item has come. 100% means done (the
    federation counts it, once); more than 0% puts it in progress. A cancelled item is closed."""
    item = PlanItem.objects.select_for_update().select_related("plan").get(pk=item.pk)
    if item.status == PlanItem.Status.CANCELLED:
        raise Conflict("item_cancelled", _("This item was cancelled."))
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ServiceError(
            "item_progress_invalid", _("Progress is a percentage from 0 to 100."), field="progress"
        )
    note = (note or "").strip()
    if not note:
        raise ServiceError("item_note_missing", _("Say what was done."), field="note")
    today = on or timezone.localdate()
    PlanItemNote.objects.create(
        item=item,
        written_on=today,
        progress=progress,
        note=note,
        created_by=by if getattr(by, "pk", None) else None,
    )
    was_done = item.status == PlanItem.Status.DONE
    item.progress = progress
    if progress == 100:
        item.status = PlanItem.Status.DONE
        item.completed_on = item.completed_on or today
    else:
        item.status = PlanItem.Status.IN_PROGRESS if progress > 0 else PlanItem.Status.NOT_STARTED
        item.completed_on = None
    item.save(update_fields=["progress", "status", "completed_on"])
    if item.status == PlanItem.Status.DONE and not was_done:
        event_emit(
            name="plan.item_done",
            payload={"year": item.plan.year, "category": item.category, "due_on": item.due_on.isoformat(),
                     "completed_on": today.isoformat(), "late": today > item.due_on},
        )  # fmt: skip
    _plan_changed(item.plan)
    return item


@transaction.atomic
def item_cancel(*, item: PlanItem, reason: str, by=None) -> PlanItem:
    """Drop an item from the plan (with the reason as a note); it no longer counts as overdue."""
    item = PlanItem.objects.select_for_update().select_related("plan").get(pk=item.pk)
    if item.status in (PlanItem.Status.DONE, PlanItem.Status.CANCELLED):
        raise Conflict("item_closed", _("This item is already done or cancelled."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("item_reason_missing", _("Say why the item is cancelled."), field="note")
    PlanItemNote.objects.create(
        item=item, written_on=timezone.localdate(), progress=item.progress, note=reason,
        created_by=by if getattr(by, "pk", None) else None,
    )  # fmt: skip
    item.status = PlanItem.Status.CANCELLED
    item.save(update_fields=["status"])
    _plan_changed(item.plan)
    return item


# --- The daily check ---------------------------------------------------------------------------


def _chairman_tell(*, title: str, body: str) -> None:
    from tenants.committees.selectors import union_chairman_users
    from tenants.notifications.services import notify

    notify(recipients=union_chairman_users(), title=title, body=body, url=ADMIN_URL)


@transaction.atomic
def plan_reminder_check(*, today: datetime.date | None = None) -> bool:
    """In January, remind the chairman that this year's plan is not made yet: once per year,
    and not at all when the plan exists. Returns whether a reminder went out."""
    today = today or timezone.localdate()
    if today.month != 1 or WorkPlan.objects.filter(year=today.year).exists():
        return False
    _reminder, created = PlanReminder.objects.get_or_create(
        year=today.year, defaults={"sent_at": timezone.now()}
    )
    if not created:
        return False
    params = {"year": today.year}
    _chairman_tell(
        title=gettext("The %(year)s annual work plan is not made yet") % params,
        body=gettext("Make the union's work plan for %(year)s at the start of the year: its tasks, owners, "
                     "dates, and adopt it.") % params,
    )  # fmt: skip
    return True


@transaction.atomic
def items_overdue_report(*, today: datetime.date | None = None) -> int:
    """Report each item that went past its due date to the federation, once. Returns how many."""
    today = today or timezone.localdate()
    items = list(
        items_overdue(today=today)
        .filter(overdue_reported_at__isnull=True)
        .select_related("plan")
        .select_for_update(skip_locked=True, of=("self",))
    )
    now = timezone.now()
    for item in items:
        item.overdue_reported_at = now
        item.save(update_fields=["overdue_reported_at"])
        event_emit(
            name="plan.item_overdue",
            payload={"year": item.plan.year, "category": item.category, "due_on": item.due_on.isoformat(),
                     "days_overdue": (today - item.due_on).days},
        )  # fmt: skip
    return len(items)
