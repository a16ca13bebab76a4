"""The periodic follow-up scan (帮扶对象回访, issue 5) over many unions with 100 hardship files each.

Measured in one run, union by union, each way inside a transaction that is rolled back so both
see the same data:

- scan: ``tenants.hardship.services.followups_scan`` as the periodic task runs it in each union
  (switch to the union's schema, one indexed query for the files due, reminders inserted in bulk
  with ``ON CONFLICT DO NOTHING``, one notice per officer, one event per tier);
- loop: the same scan written as a loop of ORM queries over every file (its last visit, its
  reminder row, its officers, one notice and one event per file): the obvious way to write it.

The unions are real schemas made the way provisioning makes them (the template snapshot replayed,
``tenants/registry/snapshot.py``), filled in bulk: 100 files per union (40 % deep, 40 % relative,
20 % sudden hardship), each with its consent, its restricted case, two officers, a last visit and
a next visit spread from 20 days late to 70 days ahead. Registry rows are not made (the scan never
reads them); ``BENCH_FOLLOWUP_UNIONS`` sets how many unions (default 100). Goal: the whole scan
over 1,000 unions within a minute. Below 1,000 the total for 1,000 is the mean per union times
1,000, and the output says it is an extrapolation.
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import time

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from tenants.cases.models import Case
from tenants.cases.procedures import procedure_current
from tenants.events.services import event_emit
from tenants.hardship.models import FollowUpReminder, FollowUpVisit, HardshipFile
from tenants.hardship.selectors import hardship_settings
from tenants.hardship.services import REMIND_DAYS_AHEAD, followups_scan
from tenants.notifications.services import notify
from tenants.privacy.models import Consent
from tenants.registry.snapshot import schema_create_from_snapshot
from tenants.users.models import User
from tests.benchmarks.conftest import bench_line, percentile

UNIONS = int(os.environ.get("BENCH_FOLLOWUP_UNIONS", "100"))
FILES = 100
TIERS = ["deep"] * 4 + ["relative"] * 4 + ["sudden"] * 2
DAY = datetime.date(2026, 6, 15)


def _fill(rng: random.Random, n: int) -> None:
    """100 hardship files in the current schema, in bulk."""
    officers = User.objects.bulk_create(
        [User(username=f"1990{n:04d}{i:03d}", name=f"干事{i}") for i in range(2)]
        + [User(username=f"1991{n:04d}{i:03d}", name=f"职工{i}") for i in range(FILES)]
    )
    staff, workers = officers[:2], officers[2:]
    Group.objects.get(name="officer").user_set.add(*staff)
    procedure = procedure_current("hardship")
    opened = timezone.make_aware(datetime.datetime(2025, 9, 1, 9))
    cases = Case.objects.bulk_create(
        Case(kind="hardship", procedure=procedure, title="困难职工帮扶档案", description="一户一档", requester=worker,
             channel="walk_in", step="assist", confidentiality="restricted", opened_at=opened,
             due_at=opened + datetime.timedelta(days=365), assignee=staff[0])
        for worker in workers
    )  # fmt: skip
    consents = Consent.objects.bulk_create(
        Consent(worker=worker, scope="hardship", purpose="建立帮扶档案", method="written", given_at=opened)
        for worker in workers
    )
    config = hardship_settings()
    files, visits = [], []
    for worker, case, consent in zip(workers, cases, consents, strict=True):
        tier = rng.choice(TIERS)
        due = DAY + datetime.timedelta(days=rng.randint(-20, 70))
        last = due - relativedelta(months=config.months_for(tier))
        files.append(HardshipFile(
            case=case, worker=worker, consent=consent, kind="medical", tier=tier, id_number="11010519491231002X",
            monthly_income="2600.00", household_size=3, causes="因病致困", opened_at=opened,
            next_followup_on=due, last_followup_on=last,
        ))  # fmt: skip
    files = HardshipFile.objects.bulk_create(files)
    HardshipFile.officers.through.objects.bulk_create(
        HardshipFile.officers.through(hardshipfile_id=file.pk, user_id=person.pk)
        for file in files
        for person in staff
    )
    for file in files:
        visits.append(FollowUpVisit(file=file, visited_on=file.last_followup_on, method="home", situation="stable",
                                    findings="情况稳定"))  # fmt: skip
    FollowUpVisit.objects.bulk_create(visits)


def loop_scan(day: datetime.date) -> dict[str, int]:
    """The same scan as a loop of ORM queries, file by file (the baseline)."""
    config = hardship_settings()
    now = timezone.now()
    reminded = overdue = 0
    for file in HardshipFile.objects.all():
        if file.status == "exited" and (file.watch_until is None or file.watch_until < day):
            continue
        last = file.visits.order_by("-visited_on").first()
        since = last.visited_on if last else timezone.localdate(file.opened_at)
        due_on = since + relativedelta(months=config.months_for(file.tier))
        if due_on > day + datetime.timedelta(days=REMIND_DAYS_AHEAD):
            continue
        reminder, _created = FollowUpReminder.objects.get_or_create(file=file, due_on=due_on)
        if reminder.reminded_at is None:
            for officer in file.officers.filter(is_active=True):
                notify(
                    recipients=[officer],
                    title="回访提醒：1户",
                    url="/admin/hardship/due/",
                    channels=("site", "sms"),
                )
            reminder.reminded_at = now
            reminder.save(update_fields=["reminded_at"])
            event_emit(name="followup.due", payload={"tier": file.tier, "count": 1})
            reminded += 1
        if due_on < day and reminder.overdue_reported_at is None:
            reminder.overdue_reported_at = now
            reminder.save(update_fields=["overdue_reported_at"])
            event_emit(name="followup.overdue", payload={"tier": file.tier, "count": 1})
            overdue += 1
    return {"reminded": reminded, "overdue": overdue}


def _timed(schema: str, scan) -> tuple[float, dict]:
    connection.set_schema_to_public()
    started = time.perf_counter()
    connection.set_schema(schema)
    with transaction.atomic():
        result = scan(DAY)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)  # both ways see the same data
    return seconds, result


@pytest.mark.benchmark
@pytest.mark.django_db(transaction=True)  # the unions' schemas are committed, as provisioning does
def test_bench_followup_scan_over_unions():
    rng = random.Random(5)
    schemas = [f"u_bench_followup_{n:04d}" for n in range(UNIONS)]
    built = []
    setup = time.perf_counter()
    replay = 0.0
    try:
        for n, schema in enumerate(schemas):
            connection.set_schema_to_public()
            with transaction.atomic():
                started = time.perf_counter()
                schema_create_from_snapshot(schema)
                replay += time.perf_counter() - started
                built.append(schema)
                connection.set_schema(schema)
                _fill(rng, n)
        print(
            f"\nbuilt {UNIONS} unions x {FILES} files in {time.perf_counter() - setup:.1f}s "
            f"(snapshot replay {replay:.1f}s)"
        )
        scan, loop, results = [], [], []
        for schema in schemas:  # interleaved: both ways see the same machine and catalog
            seconds, result = _timed(schema, lambda day: followups_scan(day=day))
            scan.append(seconds)
            loop_seconds, loop_result = _timed(schema, loop_scan)
            loop.append(loop_seconds)
            assert result == loop_result, (schema, result, loop_result)
            results.append(result)
    finally:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            for schema in built:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    due = sum(result["reminded"] for result in results) / UNIONS
    total, loop_total = sum(scan), sum(loop)
    per_union, loop_per_union = statistics.mean(scan), statistics.mean(loop)
    print(f"{UNIONS} unions, {due:.0f} of {FILES} files due per union on {DAY}")
    print(f"scan: per union mean {per_union * 1000:.1f} ms p50 {statistics.median(scan) * 1000:.1f} ms "
          f"p95 {percentile(scan, 95) * 1000:.1f} ms; total {total:.2f}s over {UNIONS} unions")  # fmt: skip
    print(f"loop of ORM queries: per union mean {loop_per_union * 1000:.1f} ms p50 "
          f"{statistics.median(loop) * 1000:.1f} ms p95 {percentile(loop, 95) * 1000:.1f} ms; "
          f"total {loop_total:.2f}s over {UNIONS} unions")  # fmt: skip
    if UNIONS >= 1000:
        projected, loop_projected, label = total * 1000 / UNIONS, loop_total * 1000 / UNIONS, "measured"
    else:
        projected, loop_projected = per_union * 1000, loop_per_union * 1000
        label = f"EXTRAPOLATED_from_{UNIONS}_unions"
    print(f"1,000 unions ({label}): scan {projected:.1f}s, loop {loop_projected:.1f}s")
    bench_line(
        "followup_scan_per_union",
        per_union,
        "s",
        loop_per_union,
        "faster_than_loop",
        per_union < loop_per_union,
    )
    bench_line(
        f"followup_scan_1000_unions_{label}",
        projected,
        "s",
        loop_projected,
        "<=60s_for_1000_unions",
        projected <= 60,
    )
