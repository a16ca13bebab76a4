"""Wagtail admin wiring of the proposal campaign: the 合理化建议 menu (campaigns, proposals)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import ProposalsGroup, campaign_policy, proposal_policy
from .models import Proposal, ProposalCampaign

# Registered before anything asks Wagtail for the models' policies (it would create fallbacks).
register_permission_policy(ProposalCampaign, campaign_policy)
register_permission_policy(Proposal, proposal_policy)


@hooks.register("register_admin_viewset")
def register_proposals_group() -> ProposalsGroup:
    return ProposalsGroup()
