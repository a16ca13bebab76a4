"""``portal_notify(replaces=prefix)``: the recipients' earlier unread notifications whose key
starts with the prefix are deleted in the same transaction as the new one is written; read ones,
other keys and other people's stay."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from portal_notifications.models import NotificationKind, PortalNotification
from portal_notifications.services import portal_notify

pytestmark = pytest.mark.django_db


def note(user, key: str, *, read: bool = False) -> PortalNotification:
    return PortalNotification.objects.create(
        recipient=user,
        kind=NotificationKind.WARNING,
        title=key,
        key=key,
        read_at=timezone.now() if read else None,
    )


def keys(user) -> list[tuple[str, bool]]:
    connection.set_schema_to_public()
    return sorted((n.key, n.read_at is not None) for n in PortalNotification.objects.filter(recipient=user))


def test_unread_notices_with_the_prefix_are_replaced_for_the_recipients_only(staff, district_admins):
    wangjing, zgc = staff["wangjing"].user, staff["zhongguancun"].user
    outsider = district_admins["chaoyang"].user  # not addressed this time
    note(wangjing, "warning:7:resent:1")
    note(wangjing, "warning:7:resent:0", read=True)
    note(wangjing, "warning:8:resent:1")
    note(wangjing, "warning:7:sent")
    note(zgc, "warning:7:resent:1")
    note(outsider, "warning:7:resent:1")
    assert portal_notify(recipients=[wangjing, zgc], kind=NotificationKind.WARNING, title="第二次提醒",
                         key="warning:7:resent:2", replaces="warning:7:resent:") == 2  # fmt: skip
    assert keys(wangjing) == [
        ("warning:7:resent:0", True),
        ("warning:7:resent:2", False),
        ("warning:7:sent", False),
        ("warning:8:resent:1", False),
    ]
    assert keys(zgc) == [("warning:7:resent:2", False)]
    assert keys(outsider) == [("warning:7:resent:1", False)]


def test_the_same_notice_told_again_is_kept_once(staff):
    user = staff["wangjing"].user
    kept = note(user, "warning:7:resent:2")
    for _ in range(2):
        portal_notify(recipients=[user], kind=NotificationKind.WARNING, title="提醒", key="warning:7:resent:2",
                      replaces="warning:7:resent:")  # fmt: skip
    assert list(PortalNotification.objects.filter(recipient=user).values_list("pk", flat=True)) == [kept.pk]


def test_without_replaces_nothing_is_deleted(staff):
    user = staff["wangjing"].user
    note(user, "warning:7:resent:1")
    portal_notify(recipients=[user], kind=NotificationKind.WARNING, title="提醒", key="warning:7:resent:2")
    assert [k for k, _read in keys(user)] == ["warning:7:resent:1", "warning:7:resent:2"]


def test_the_deletion_is_undone_when_the_new_notice_cannot_be_written(staff, monkeypatch):
    user = staff["wangjing"].user
    note(user, "warning:7:resent:1")

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(PortalNotification.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        portal_notify(recipients=[user], kind=NotificationKind.WARNING, title="提醒", key="warning:7:resent:2",
                      replaces="warning:7:resent:")  # fmt: skip
    monkeypatch.undo()
    assert keys(user) == [("warning:7:resent:1", False)]
