"""Who may run skills training: Django model permissions of the role groups (chairman and
officers, ``tenants/users/roles.py``), granted only on a union's own site."""

from __future__ import annotations

from tenants.membership.permissions import UnionSchemaPermissionPolicy

from .models import Certificate, Course, Enrolment

course_policy = UnionSchemaPermissionPolicy(Course)
enrolment_policy = UnionSchemaPermissionPolicy(Enrolment)
certificate_policy = UnionSchemaPermissionPolicy(Certificate)


def manages_courses(user) -> bool:
    """Create and change courses and their sessions."""
    return course_policy.user_has_permission(user, "change")


def manages_enrolments(user) -> bool:
    """Cancel anyone's enrolment and take attendance."""
    return enrolment_policy.user_has_permission(user, "change")


def issues_certificates(user) -> bool:
    return certificate_policy.user_has_permission(user, "add")


def sees_certificates(user) -> bool:
    return certificate_policy.user_has_permission(user, "view")
