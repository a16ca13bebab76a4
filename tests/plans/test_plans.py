"""The annual work plan (issue 9 part 7): the January reminder with frozen time (once per year,
none when the plan exists), overdue items reported once, progress and the year-end figures,
bad input refused with nothing saved. Federation events carry counts and dates only."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context

from tenants.events.models import OutboxEvent
from tenants.notifications.models import Notification
from tenants.plans.models import PlanItem, PlanReminder, WorkPlan
from tenants.plans.selectors import plan_figures
from tenants.plans.services import (
    item_cancel,
    item_create,
    item_progress_record,
    plan_adopt,
    plan_create,
    plan_summary_write,
)
from tenants.plans.tasks import work_plans_check, work_plans_check_all
from workershome.errors import ServiceError

from .conftest import at

pytestmark = pytest.mark.django_db

NEXT = 2031  # a year no fixture has a plan for


def test_january_reminder_once_per_year_and_none_when_the_plan_exists(union_a, chairman):
    """Given no plan for 2031, when the daily check runs through December, January and February,
    then the chairman is reminded once, on 1 January; the next year, with the plan made, never."""
    with tenant_context(union_a):
        results = []
        for day in (
            datetime.date(NEXT - 1, 12, 31),  # not January: nothing
            datetime.date(NEXT, 1, 1),  # the reminder
            datetime.date(NEXT, 1, 2),  # not again
            datetime.date(NEXT, 1, 31),  # not again
            datetime.date(NEXT, 2, 1),  # February: nothing
        ):
            with at(day):
                results.append(work_plans_check()["reminded"])
        assert results == [0, 1, 0, 0, 0]
        assert list(PlanReminder.objects.values_list("year", flat=True)) == [NEXT]
        notices = Notification.objects.filter(recipient=chairman)
        assert notices.count() == 1
        assert str(NEXT) in notices.get().title
        # The plan of the following year is made on time: no reminder at all
        plan_create(year=NEXT + 1, title="计划")
        with at(datetime.date(NEXT + 1, 1, 5)):
            assert work_plans_check()["reminded"] == 0
        assert notices.count() == 1


def test_the_periodic_task_reaches_every_union_each_in_its_own_schema(union_a, union_b, chairman):
    """Given the beat entry's task, when it runs in January, then each union's check runs in its
    own schema: union A's chairman is reminded, union B records its own reminder."""
    with at(datetime.date(NEXT, 1, 3)):
        assert work_plans_check_all() >= 2
    with tenant_context(union_a):
        assert PlanReminder.objects.filter(year=NEXT).count() == 1
        assert Notification.objects.filter(recipient=chairman).count() == 1
    with tenant_context(union_b):
        assert PlanReminder.objects.filter(year=NEXT).count() == 1


def test_overdue_items_are_flagged_and_reported_once(union_a, plan):
    """Given an item due on 2 January and not done, when the check runs later twice, then the
    item is overdue and reported to the federation once, with counts and dates only."""
    year = plan.year
    with tenant_context(union_a):
        item = plan.items.get(task="召开职工代表大会")
        assert item.is_overdue(datetime.date(year, 1, 3))
        assert not item.is_overdue(datetime.date(year, 1, 2))
        with at(datetime.date(year, 1, 10)):
            assert work_plans_check()["overdue"] == 1
            assert work_plans_check()["overdue"] == 0
        events = list(OutboxEvent.objects.filter(name="plan.item_overdue").values_list("payload", flat=True))
        assert events == [
            {"year": year, "category": "democracy", "due_on": f"{year}-01-02", "days_overdue": 8}
        ]
        # Done late: no longer overdue
        item_progress_record(item=item, progress=100, note="已召开")
        item.refresh_from_db()
        assert item.status == "done" and not item.is_overdue(datetime.date(year, 12, 31))


def test_progress_notes_move_the_item_and_done_is_counted_once(union_a, plan, officer):
    """Given an item, when progress is recorded at 40% then 100% then corrected, then its status
    follows; the federation hears of it done once."""
    with tenant_context(union_a):
        item = plan.items.get(task="开展职工技能比武")
        item_progress_record(item=item, progress=40, note="完成选拔赛", by=officer)
        item.refresh_from_db()
        assert (item.status, item.progress, item.completed_on) == ("in_progress", 40, None)
        item_progress_record(item=item, progress=100, note="决赛举行", by=officer)
        item_progress_record(item=item, progress=100, note="补记表彰", by=officer)
        item.refresh_from_db()
        assert item.status == "done" and item.completed_on is not None
        assert item.notes.count() == 3
        assert OutboxEvent.objects.filter(name="plan.item_done").count() == 1


@pytest.mark.parametrize(
    "values,code",
    [
        ({"task": " "}, "item_task_missing"),
        ({"category": "bogus"}, "item_category_invalid"),
        ({"due_on": datetime.date(2020, 1, 1)}, "item_dates"),
        ({"starts_on": datetime.date(2020, 1, 1), "due_on": datetime.date(2020, 2, 1)}, "item_outside_year"),
    ],
)
def test_bad_items_are_refused_and_nothing_is_saved(union_a, plan, values, code):
    """Given the plan, when an item with bad input is added, then a clear refusal, nothing saved."""
    year = plan.year
    data = {"task": "新任务", "category": "other", "starts_on": datetime.date(year, 3, 1),
            "due_on": datetime.date(year, 6, 1), **values}  # fmt: skip
    with tenant_context(union_a), translation.override("en"):
        before = PlanItem.objects.count()
        with pytest.raises(ServiceError) as refused:
            item_create(plan=plan, **data)
        assert refused.value.code == code and str(refused.value.message)
        assert PlanItem.objects.count() == before
        with pytest.raises(ServiceError) as progress:
            item_progress_record(item=plan.items.first(), progress=120, note="x")
        assert progress.value.code == "item_progress_invalid"


def test_one_plan_per_year_and_adoption_counts_items_once(union_a, plan):
    """Given this year's plan, when a second one for the year is made, then it is refused; when
    the plan is adopted, the federation hears (year, items) once."""
    with tenant_context(union_a), translation.override("en"):
        with pytest.raises(ServiceError) as twice:
            plan_create(year=plan.year, title="另一个计划")
        assert twice.value.code == "plan_year_taken" and str(plan.year) in str(twice.value.message)
        assert WorkPlan.objects.count() == 1
        plan_adopt(plan=plan)
        with pytest.raises(ServiceError):
            plan_adopt(plan=plan)
        payloads = list(OutboxEvent.objects.filter(name="plan.made").values_list("payload", flat=True))
        assert len(payloads) == 1 and payloads[0]["year"] == plan.year and payloads[0]["items"] == 3


def test_year_end_summary_freezes_the_figures(union_a, plan):
    """Given a plan with one item done, one cancelled and one overdue, when the summary is
    written in December, then the figures are frozen on the plan and told to the federation
    once; before December it is refused."""
    year = plan.year
    with tenant_context(union_a):
        items = {item.task: item for item in plan.items.all()}
        item_progress_record(item=items["开展职工技能比武"], progress=100, note="完成")
        item_progress_record(item=items["建设职工书屋"], progress=50, note="选址完成")
        with at(datetime.date(year, 11, 30)), pytest.raises(ServiceError) as early:
            plan_summary_write(plan=plan, summary="总结")
        assert early.value.code == "summary_too_early"
        with at(datetime.date(year, 12, 28)):
            figures = plan_figures(plan)
            plan_summary_write(plan=plan, summary="全年完成主要任务。")
            item_cancel(item=items["建设职工书屋"], reason="并入明年计划")
            plan_summary_write(plan=plan, summary="全年完成主要任务（修订）。")
        assert (figures.items, figures.done, figures.overdue, figures.in_progress) == (3, 1, 1, 1)
        assert figures.progress == round((0 + 100 + 50) / 3) and figures.done_percent == 33
        plan.refresh_from_db()
        assert plan.summary == "全年完成主要任务（修订）。"
        assert (plan.summary_items, plan.summary_done, plan.summary_overdue, plan.summary_cancelled) == (
            3,
            1,
            1,
            1,
        )
        assert plan.summary_progress == 50  # the cancelled item no longer counts
        payloads = list(
            OutboxEvent.objects.filter(name="plan.summary_written").values_list("payload", flat=True)
        )
        assert payloads == [
            {"year": year, "items": 3, "done": 1, "overdue": 1, "cancelled": 0, "progress": 50}
        ]
