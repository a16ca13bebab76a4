from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "tenants.proposals"
    label = "proposals"
    verbose_name = _("Rationalisation proposals")

    def ready(self) -> None:
        from django.urls import reverse

        from tenants.cases.kinds import CaseKind, module_page_register

        # A proposal's steps record its screening, scores, adoption and award: they are taken on
        # the proposal's page, not the generic case page.
        module_page_register(
            CaseKind.PROPOSAL, lambda case: reverse("proposal_admin:detail", args=(case.proposal.pk,))
        )
