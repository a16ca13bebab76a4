"""Writes of federation notices: publish, withdraw (on the portal), mark read (on a union's site)."""

from __future__ import annotations

import os
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.models import District
from workershome.errors import ServiceError
from workershome.shards import shared_alias, shared_atomic
from workershome.tenancy import on_commit_in_schema, on_portal

from .models import FederationNotice, NoticeReceipt
from .permissions import districts_publishable_by, is_city_admin, may_publish, may_withdraw

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def _refresh_pages_on_commit(notice: FederationNotice) -> None:
    from .tasks import notice_pages_refresh

    notice_id = notice.pk
    on_commit_in_schema(lambda: notice_pages_refresh.delay(notice_id=notice_id), using=shared_alias())


def notice_attachment_check(upload) -> None:
    """Only a PDF (by name and by content), at most 10 MB."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ServiceError(
            "notice_attachment_too_large", _("The file is larger than %(limit)s MB."),
            params={"limit": MAX_ATTACHMENT_BYTES // (1024 * 1024)}, field="attachment",
        )  # fmt: skip
    extension = os.path.splitext(upload.name or "")[1].lower()
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if extension != ".pdf" or head != b"%PDF-":
        raise ServiceError("notice_attachment_type", _("Attach a PDF file."), field="attachment")


@shared_atomic
def notice_publish(
    *,
    title: str,
    body: str,
    kind: str = FederationNotice.Kind.NOTICE,
    to_all: bool = False,
    districts: Iterable[District] = (),
    attachment=None,
    by,
) -> FederationNotice:
    """Publish a notice to every union or to the unions of ``districts``; a district administrator
    may address only their own district(s). The addressed unions' cached pages refresh on commit."""
    if not may_publish(by):
        raise ServiceError(
            "notice_forbidden", _("Only federation administrators may publish notices."), status=403
        )
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise ServiceError("notice_title", _("Give the notice a title."), field="title")
    if not body:
        raise ServiceError("notice_body", _("Write the text of the notice."), field="body")
    if kind not in FederationNotice.Kind.values:
        raise ServiceError("notice_kind", _("Choose notice or policy document."), field="kind")
    chosen = list(districts)
    if to_all:
        if not is_city_admin(by):
            raise ServiceError(
                "notice_to_all_forbidden",
                _("Only the city federation may publish to every union; choose your district."),
                field="districts", status=403,
            )  # fmt: skip
        chosen = []
    else:
        if not chosen:
            raise ServiceError(
                "notice_audience", _("Choose every union or at least one district."), field="districts"
            )
        allowed = set(districts_publishable_by(by).values_list("pk", flat=True))
        outside = [district for district in chosen if district.pk not in allowed]
        if outside:
            raise ServiceError(
                "notice_district_forbidden",
                _("You may publish only to your own district, not to %(districts)s."),
                params={"districts": "、".join(district.name for district in outside)},
                field="districts", status=403,
            )  # fmt: skip
    if attachment:
        notice_attachment_check(attachment)
    notice = FederationNotice(
        title=title[:200], body=body, kind=kind, to_all=to_all, author=by, published_at=timezone.now()
    )
    if attachment:
        name = os.path.basename(attachment.name)[:200]
        notice.attachment_name = name
        notice.attachment.save(name, attachment, save=False)
    notice.save()
    notice.districts.set(chosen)
    _refresh_pages_on_commit(notice)
    return notice


@shared_atomic
def notice_withdraw(*, notice: FederationNotice, by) -> FederationNotice:
    """Withdraw a notice: it disappears from every union's site (pages refresh on commit)."""
    if not may_withdraw(by, notice):
        raise ServiceError("notice_withdraw_forbidden", _("You may not withdraw this notice."), status=403)
    notice = FederationNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.withdrawn_at is not None:
        raise ServiceError("notice_withdrawn", _("This notice has already been withdrawn."), status=409)
    notice.withdrawn_at = timezone.now()
    notice.save(update_fields=["withdrawn_at"])
    _refresh_pages_on_commit(notice)
    return notice


@shared_atomic
def notice_mark_read(*, notice: FederationNotice, union, by) -> NoticeReceipt:
    """Record that ``union``'s staff read ``notice`` (once; a second call changes nothing)."""
    if on_portal():
        raise ServiceError("notice_read_portal", _("Notices are marked read on a union's site."))
    receipt, _created = NoticeReceipt.objects.get_or_create(
        notice=notice, union=union,
        defaults={"read_at": timezone.now(), "read_by_name": (getattr(by, "get_full_name", lambda: "")() or "")[:100]},
    )  # fmt: skip
    return receipt
