"""Writes for appeals (倾听呼声，反映诉求): a worker files one, and rates the union's answer.

An appeal is a case of kind ``appeal`` (``tenants.cases``): these functions only decide who the
requester is and how an attachment is kept, then call the case engine, in one transaction.
"""

from __future__ import annotations

import mimetypes
import os
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_mobile, validate_mobile
from tenants.cases.kinds import KINDS, CaseKind
from tenants.cases.models import Case, CaseAttachment, CaseEvent
from tenants.cases.selectors import case_by_tracking_code
from tenants.cases.services import attachment_check, case_attach, case_open, case_rate
from workershome.errors import ServiceError

from .privacy import upload_unlinked

APPEAL_CATEGORIES = KINDS[CaseKind.APPEAL].categories
TITLE_MAX = 100
DESCRIPTION_MAX = 5000
COMMENT_MAX = 300


def _text_check(*, category: str, title: str, description: str) -> tuple[str, str]:
    if category not in dict(APPEAL_CATEGORIES):
        raise ServiceError(
            "appeal_category", _("Choose whether this is an opinion, a request or a suggestion."),
            field="category",
        )  # fmt: skip
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise ServiceError("case_title", _("Give your appeal a subject."), field="title")
    if len(title) > TITLE_MAX:
        raise ServiceError(
            "appeal_title_long", _("Keep the subject within %(max)s characters."),
            params={"max": TITLE_MAX}, field="title",
        )  # fmt: skip
    if not description:
        raise ServiceError("case_description", _("Describe the matter."), field="description")
    if len(description) > DESCRIPTION_MAX:
        raise ServiceError(
            "appeal_description_long", _("Keep the details within %(max)s characters."),
            params={"max": DESCRIPTION_MAX}, field="description",
        )  # fmt: skip
    return title, description


@transaction.atomic
def appeal_file(
    *,
    category: str,
    title: str,
    description: str,
    anonymous: bool = False,
    requester=None,
    requester_name: str = "",
    requester_mobile: str = "",
    upload=None,
) -> tuple[Case, str | None]:
    """File an appeal from the web form or the API; returns the case and, when anonymous, the
    one-time tracking code (shown to the sender once, never stored).

    Three kinds of sender:
    - ``anonymous``: nothing about the sender is passed on, whoever calls; a ``requester``,
      name or mobile given alongside is ignored;
    - a member (``requester``, the signed-in local user) files as themselves;
    - anyone else gives a name and a mobile number (a named non-member), so the union can answer.

    Everything is checked, the attachment included, before anything is written.
    """
    title, description = _text_check(category=category, title=title, description=description)
    if upload is not None:
        attachment_check(upload)
        if anonymous:
            upload = upload_unlinked(upload)
    common: dict[str, Any] = dict(
        kind=CaseKind.APPEAL, category=category, title=title, description=description,
        channel=Case.Channel.WEB_FORM,
    )  # fmt: skip
    if anonymous:
        case, code = case_open(**common, requester_type=Case.RequesterType.ANONYMOUS)
        if upload is not None:
            _attach_from_sender(case=case, upload=upload, anonymous=True)
        return case, code
    if requester is not None:
        case, _code = case_open(
            **common, requester=requester, requester_type=Case.RequesterType.MEMBER, by=requester
        )
        if upload is not None:
            case_attach(case=case, upload=upload, by=requester)
        return case, None
    name, mobile = (requester_name or "").strip(), normalize_mobile(requester_mobile)
    if not name:
        raise ServiceError("case_requester_name", _("Give your name."), field="requester_name")
    if len(name) > 50:
        raise ServiceError("requester_name_long", _("The name is too long."), field="requester_name")
    if not mobile:
        raise ServiceError(
            "requester_mobile", _("Give a mobile number the union can reach you on."),
            field="requester_mobile",
        )  # fmt: skip
    try:
        validate_mobile(mobile)
    except Exception as error:  # django ValidationError: the number's own message
        raise ServiceError(
            "requester_mobile",
            _("Enter a valid mainland China mobile number (11 digits starting with 1)."),
            field="requester_mobile",
        ) from error
    case, _code = case_open(
        **common, requester_type=Case.RequesterType.NAMED, requester_name=name, requester_contact=mobile
    )
    if upload is not None:
        _attach_from_sender(case=case, upload=upload, anonymous=False)
    return case, None


def _attach_from_sender(*, case: Case, upload, anonymous: bool) -> CaseAttachment:
    """Keep the file a sender without an account filed with their appeal.

    ``case_attach`` accepts files from staff and from a member requester only; a named
    non-member or an anonymous sender has no user to pass, so the file is stored here, the same
    way. An anonymous sender's file has no uploader and its times are rounded to the hour, like
    the case's own.
    """
    name = os.path.basename(upload.name)[:200]
    attachment = CaseAttachment(
        case=case, name=name, size=upload.size, uploaded_by=None,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )  # fmt: skip
    attachment.file.save(name, upload, save=False)
    attachment.save()
    at = case.opened_at if anonymous else timezone.now()
    if anonymous:
        CaseAttachment.objects.filter(pk=attachment.pk).update(uploaded_at=at)
        _file_times_round(attachment, at)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.ATTACHMENT, at=at, text=name)
    return attachment


def _file_times_round(attachment: CaseAttachment, at) -> None:
    """Set the stored file's times to the case's rounded opening time, so the file system does
    not keep the exact moment an anonymous sender filed."""
    try:
        path = attachment.file.path
    except NotImplementedError:  # a storage without local paths keeps its own times
        return
    stamp = at.timestamp()
    os.utime(path, (stamp, stamp))


def appeal_by_code(*, code: str) -> Case:
    """The case a tracking code belongs to, or a refusal that says only that the code is wrong."""
    case = case_by_tracking_code((code or "").strip()) if (code or "").strip() else None
    if case is None:
        raise ServiceError(
            "tracking_code_unknown",
            _("No appeal has this code. Check the code and try again."),
            field="code",
            status=404,
        )
    return case


def appeal_rate_by_code(*, code: str, rating, comment: str = "") -> Case:
    """An anonymous sender rates the outcome of their closed appeal with its tracking code."""
    case = appeal_by_code(code=code)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ServiceError(
            "rating_comment_long", _("Keep the comment within %(max)s characters."),
            params={"max": COMMENT_MAX}, field="comment",
        )  # fmt: skip
    return case_rate(case=case, rating=rating, comment=comment, tracking_code=code)


def appeal_rate_as_requester(*, case: Case, user, rating, comment: str = "") -> Case:
    """A member rates the outcome of their own closed case."""
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ServiceError(
            "rating_comment_long", _("Keep the comment within %(max)s characters."),
            params={"max": COMMENT_MAX}, field="comment",
        )  # fmt: skip
    return case_rate(case=case, rating=rating, comment=comment, by=user)
