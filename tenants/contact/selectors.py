"""Reads on worker contact."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from .models import ContactActivity, InboundChannel, InboundMessage, RaisedIssue


def member_by_mobile(mobile: str):
    """The active local user of this union whose account has ``mobile``, or ``None``."""
    from accounts.models import Account
    from accounts.validators import normalize_mobile
    from tenants.users.models import User

    number = normalize_mobile(mobile)
    if not number:
        return None
    account = Account.objects.filter(mobile=number).only("pk").first()
    if account is None:
        return None
    return User.objects.filter(account_id=account.pk, is_active=True).first()


def activities_list() -> QuerySet[ContactActivity]:
    return ContactActivity.objects.select_related("host").annotate(
        issue_count=Count("issues", distinct=True), attendee_count=Count("attendances", distinct=True)
    )


def issues_list() -> QuerySet[RaisedIssue]:
    return RaisedIssue.objects.select_related("activity", "raised_by", "case").order_by(
        "-activity__held_on", "activity_id", "sort_order", "pk"
    )


def channels_list() -> QuerySet[InboundChannel]:
    return InboundChannel.objects.annotate(message_count=Count("messages"))


def messages_of(channel: InboundChannel) -> QuerySet[InboundMessage]:
    return InboundMessage.objects.filter(channel=channel).select_related("case")
