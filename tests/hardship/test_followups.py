"""Follow-up visits scheduled by tier, with time frozen: the due list, reminders once, late visits
reported once to the federation as counts, a union's own intervals, and the periodic fan-out
never mixing unions."""

from __future__ import annotations

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django_tenants.utils import tenant_context

from tenants.events.models import OutboxEvent
from tenants.hardship.models import FollowUpReminder, HardshipFile
from tenants.hardship.selectors import followups_due
from tenants.hardship.services import followup_record, followups_scan, hardship_settings_save
from tenants.hardship.tasks import followups_scan_all
from tenants.notifications.models import Notification
from tenants.privacy.services import consent_record
from tests.factories import make_person
from tests.hardship.conftest import ID_SPOUSE, open_file

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def frozen(day: str):
    """Freeze ``timezone.now`` (as tests/contact/test_inbound.py does) at 10:00 on ``day``."""
    return mock.patch("tenants.hardship.selectors.timezone.now", return_value=at(day))


def counts(name: str) -> list[dict]:
    return list(
        OutboxEvent.objects.filter(name=name).order_by("occurred_at").values_list("payload", flat=True)
    )


@pytest.fixture
def two_files(union_a, people, consent):
    """A deep-hardship file and a relative-hardship one, both opened on 2026-03-10."""
    second = make_person(union_a, "member", name="周大勇")[1]
    with tenant_context(union_a), frozen("2026-03-10"):
        consent_record(worker=second, scope="hardship", method="written", by=people["officer"],
                       purpose="建立困难职工帮扶档案，核实家庭收入。")  # fmt: skip
        deep = open_file(people)
        relative = open_file(people, worker=second, tier="relative", kind="education", id_number=ID_SPOUSE)
    return deep, relative


def test_visits_are_scheduled_by_tier(union_a, two_files):
    deep, relative = two_files
    assert deep.next_followup_on == datetime.date(2026, 4, 10)  # monthly
    assert relative.next_followup_on == datetime.date(2026, 6, 10)  # quarterly


def test_the_scan_reminds_once_and_reports_late_visits_once(union_a, people, two_files):
    deep, _relative = two_files
    officer = people["officer"]
    with tenant_context(union_a):
        # Four days before: nothing yet
        with frozen("2026-04-06"):
            assert followups_scan() == {"reminded": 0, "overdue": 0}
            assert not followups_due(user=officer, within_days=0).exists()
        # Two days before: the officer is reminded of the deep-hardship visit, once
        with frozen("2026-04-08"):
            assert followups_scan() == {"reminded": 1, "overdue": 0}
            assert followups_scan() == {"reminded": 0, "overdue": 0}
            assert list(followups_due(user=officer)) == [deep]
            assert list(followups_due(user=people["officer2"])) == []  # not on the file
        notices = Notification.objects.filter(recipient=officer, url="/admin/hardship/due/")
        assert notices.count() == 1
        assert counts("followup.due") == [{"tier": "deep", "count": 1}]
        # Two days late: reported to the federation as a count, once
        with frozen("2026-04-12"):
            assert followups_scan() == {"reminded": 0, "overdue": 1}
            assert followups_scan() == {"reminded": 0, "overdue": 0}
        assert counts("followup.overdue") == [{"tier": "deep", "count": 1}]
        # The visit is made: the next is due a month later, and it was late
        with frozen("2026-04-12"):
            followup_record(file=deep, visited_on="2026-04-12", method="home", situation="stable",
                            findings="透析费用已报销一部分，生活基本稳定。", by=officer)  # fmt: skip
        deep.refresh_from_db()
        assert deep.next_followup_on == datetime.date(2026, 5, 12)
        assert counts("followup.done") == [{"tier": "deep", "on_time": False, "days_late": 2}]
        with frozen("2026-04-12"):
            assert followups_scan() == {"reminded": 0, "overdue": 0}
        # In June the relative-hardship household comes up, and the deep one's May visit is late
        with frozen("2026-06-08"):
            assert followups_scan() == {"reminded": 2, "overdue": 1}
        assert sorted(counts("followup.due")[1:], key=str) == [
            {"tier": "deep", "count": 1},
            {"tier": "relative", "count": 1},
        ]
        assert FollowUpReminder.objects.count() == 3


def test_a_union_sets_its_own_intervals(union_a, people, consent):
    with tenant_context(union_a), frozen("2026-03-10"):
        hardship_settings_save(deep_months=2, relative_months=6, sudden_months=1, fallback_months=24,
                               income_line="1500", by=people["chairman"])  # fmt: skip
        assert open_file(people).next_followup_on == datetime.date(2026, 5, 10)


def test_only_the_chairman_changes_the_intervals_and_bad_values_are_refused(union_a, people):
    from tenants.hardship.models import HardshipSettings
    from workershome.errors import ServiceError

    with tenant_context(union_a):
        with pytest.raises(ServiceError) as error:
            hardship_settings_save(deep_months=1, relative_months=3, sudden_months=3, fallback_months=12,
                                   income_line="1450", by=people["officer"])  # fmt: skip
        assert error.value.status == 403
        with pytest.raises(ServiceError) as error:
            hardship_settings_save(deep_months=0, relative_months=3, sudden_months=3, fallback_months=12,
                                   income_line="1450", by=people["chairman"])  # fmt: skip
        assert error.value.field == "deep_months"
        assert not HardshipSettings.objects.exists()


def test_the_periodic_task_scans_each_union_in_its_own_schema(union_a, union_b, people, two_files):
    # Given union B has no files, and union A has one due
    with frozen("2026-04-08"):
        # When beat's fan-out runs (tasks eager in tests)
        assert followups_scan_all.delay().get() >= 2
    # Then A's officer is reminded in A, and B holds no reminder and no event
    with tenant_context(union_a):
        assert FollowUpReminder.objects.count() == 1
    with tenant_context(union_b):
        assert not FollowUpReminder.objects.exists() and not HardshipFile.objects.exists()
        assert not OutboxEvent.objects.filter(name__startswith="followup.").exists()
