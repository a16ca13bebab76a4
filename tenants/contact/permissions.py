"""Who may record contact activities and manage inbound channels: Django model permissions of
the role groups (chairman and officers; inbound keys the chairman alone, ``tenants/users/roles.py``),
granted only on a union's own site."""

from __future__ import annotations

from tenants.membership.permissions import UnionSchemaPermissionPolicy

from .models import ContactActivity, InboundChannel, RaisedIssue

activity_policy = UnionSchemaPermissionPolicy(ContactActivity)
issue_policy = UnionSchemaPermissionPolicy(RaisedIssue)
channel_policy = UnionSchemaPermissionPolicy(InboundChannel)


def records_contact(user) -> bool:
    return activity_policy.user_has_permission(user, "add")


def manages_inbound(user) -> bool:
    return channel_policy.user_has_permission(user, "add")
