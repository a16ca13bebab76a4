"""The archives demo: three years of items across the categories with a PDF rule and Pillow
photos, a held activity's summary archived, the years reported; nothing filed twice."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.archives.demo import demo_fill
from tenants.archives.models import ArchiveFile, ArchiveItem, ArchiveYearReport
from tenants.registry.demo_data import UNIONS
from tests.factories import make_person


def test_the_demo_files_three_years_once(union_a, media_root):
    """Given a union with a chairman and a held activity with a summary, when the demo runs twice,
    then items of three years are filed once, the rule is a PDF, photos are PNGs, the activity's
    summary is archived and the past years are reported."""
    from tenants.activities.models import Activity
    from tenants.activities.services import activity_save

    chairman = make_person(union_a, "chairman", name="张主席")[1]
    with tenant_context(union_a):
        starts = timezone.now() + datetime.timedelta(days=3)
        activity = activity_save(
            activity=Activity(
                title="职工乒乓球赛", kind="sports", place="活动中心", starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2), capacity=30, audience="members",
            ),
            by=chairman,
        )  # fmt: skip
        past = timezone.now() - datetime.timedelta(days=3)
        Activity.objects.filter(pk=activity.pk).update(
            starts_at=past,
            ends_at=past + datetime.timedelta(hours=2),
            status="published",
            held_at=timezone.now(),
            summary="24名职工参加比赛，气氛热烈。",
        )
        demo_fill(spec=UNIONS[0], index=0)
        count = ArchiveItem.objects.count()
        year = timezone.localdate().year
        assert set(ArchiveItem.objects.values_list("year", flat=True)) == {year - 2, year - 1, year}
        assert ArchiveItem.objects.filter(year=year - 1).count() == 8
        rule = ArchiveItem.objects.filter(kind="rule", year=year - 1).get()
        assert rule.access == "public" and rule.files.get().file.read(5) == b"%PDF-"
        assert ArchiveFile.objects.filter(content_type="image/png").count() >= 4
        assert ArchiveItem.objects.filter(activity=activity, kind="summary").exists()
        assert ArchiveYearReport.objects.get(year=year - 1).complete is True
        demo_fill(spec=UNIONS[0], index=0)
        assert ArchiveItem.objects.count() == count
