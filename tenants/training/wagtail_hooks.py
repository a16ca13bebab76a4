"""Wagtail admin wiring of skills training: its menu (courses, hours, certificates) and the
permission policies of its models."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import TrainingViewSetGroup
from .models import Certificate, Course, Enrolment
from .permissions import certificate_policy, course_policy, enrolment_policy

# Registered before anything asks Wagtail for the models' policies (it would create fallbacks).
register_permission_policy(Course, course_policy)
register_permission_policy(Enrolment, enrolment_policy)
register_permission_policy(Certificate, certificate_policy)


@hooks.register("register_admin_viewset")
def register_training_viewsets() -> TrainingViewSetGroup:
    return TrainingViewSetGroup()
