"""Wagtail admin wiring of skills and job referral (技能培训推荐、职业介绍)."""

from wagtail import hooks

from .admin_views import JobReferralViewSet


@hooks.register("register_admin_viewset")
def register_job_referral_viewset() -> JobReferralViewSet:
    return JobReferralViewSet()
