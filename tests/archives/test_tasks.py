"""The periodic report of archive coverage, fanned out to every union in its own schema."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.archives.models import ArchiveYearReport
from tenants.archives.tasks import archive_years_report_all
from tenants.events.models import OutboxEvent

from .conftest import new_item


def test_the_yearly_report_runs_in_each_union_and_only_once(union_a, union_b, people, media_root):
    """Given union A with minutes of last year, when the periodic task runs twice, then each union
    has its reports for last year and this year, and union A reported last year's minutes once."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    entry = settings.CELERY_BEAT_SCHEDULE["archives-years-report"]
    assert import_string(entry["task"]) is archive_years_report_all
    year = timezone.localdate().year
    with tenant_context(union_a):
        new_item(people["officer"], date=f"{year - 1}-05-01")
        OutboxEvent.objects.filter(name="archives.year_reported").delete()
    archive_years_report_all()
    archive_years_report_all()
    with tenant_context(union_a):
        assert ArchiveYearReport.objects.get(year=year - 1).categories == ["minutes"]
        facts = OutboxEvent.objects.filter(name="archives.year_reported")
        assert sorted(fact.payload["year"] for fact in facts) == [year - 1, year]
    with tenant_context(union_b):
        assert set(ArchiveYearReport.objects.values_list("year", flat=True)) == {year - 1, year}
        assert not ArchiveYearReport.objects.filter(complete=True).exists()


def test_the_zip_task_runs_in_its_own_union_only(union_a, union_b, people, items):
    """Given union A's pending bundle, when the task is run with its id in union B's schema, then it
    finds nothing there and A's bundle stays pending; run in A, it is built."""
    from tenants.archives.models import ArchiveBundle
    from tenants.archives.services import archive_bundle_request
    from tenants.archives.tasks import archive_bundle_build_task

    with tenant_context(union_a):
        bundle = archive_bundle_request(by=people["officer"], item_ids=[items["public"].pk])
    with tenant_context(union_b):
        assert archive_bundle_build_task.apply(kwargs={"bundle_id": bundle.pk}).get() == 0
        assert not ArchiveBundle.objects.exists()
    with tenant_context(union_a):
        assert ArchiveBundle.objects.get(pk=bundle.pk).status == "pending"
        assert archive_bundle_build_task.apply(kwargs={"bundle_id": bundle.pk}).get() == 2
        assert ArchiveBundle.objects.get(pk=bundle.pk).status == "ready"


def test_a_zip_that_cannot_be_built_is_marked_failed(union_a, people, items, monkeypatch):
    """Given a bundle whose files cannot be written, when the task runs, then the bundle is marked
    failed (not left "being prepared") and no file is kept."""
    from tenants.archives import exports
    from tenants.archives.models import ArchiveBundle
    from tenants.archives.services import archive_bundle_request
    from tenants.archives.tasks import archive_bundle_build_task

    def broken(**kwargs):
        raise ValueError("unreadable file")

    monkeypatch.setattr(exports, "bundle_write", broken)
    with tenant_context(union_a):
        bundle = archive_bundle_request(by=people["officer"], item_ids=[items["staff"].pk])
        with pytest.raises(ValueError):
            archive_bundle_build_task.apply(kwargs={"bundle_id": bundle.pk}, throw=True)
        bundle.refresh_from_db()
        assert bundle.status == ArchiveBundle.Status.FAILED and not bundle.file
