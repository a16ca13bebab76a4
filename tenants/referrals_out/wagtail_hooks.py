from wagtail import hooks

from .admin_views import ReferralsOutViewSet, ReferralsReceivedViewSet


@hooks.register("register_admin_viewset")
def register_referrals_out_viewset() -> ReferralsOutViewSet:
    return ReferralsOutViewSet()


@hooks.register("register_admin_viewset")
def register_referrals_received_viewset() -> ReferralsReceivedViewSet:
    return ReferralsReceivedViewSet()
