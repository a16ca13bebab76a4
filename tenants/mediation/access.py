"""Who may read what in dispute mediation (PIPL: minimum necessary).

A mediation case holds the dispute's details, the amounts, the minutes and the agreement: the
union's mediators (the mediation committee) and the chairman read it; officers, counsellors,
editors and members do not (a refused read is audited and answered 404). The applicant worker
sees their own case's status and agreement on /my/mediation/, and their own consultations.
Consultations are answered by mediators, officers and the chairman.
"""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.cases.roles import roles_of

from .models import Consultation, MediationCase

MEDIATING_ROLES = frozenset({"chairman", "mediator"})
ANSWERING_ROLES = frozenset({"chairman", "mediator", "officer"})


def is_chairman(user) -> bool:
    return "chairman" in roles_of(user)


def handles_mediation(user) -> bool:
    """The chairman or a mediator: reads and acts on mediation cases."""
    return bool(roles_of(user) & MEDIATING_ROLES)


def answers_consultations(user) -> bool:
    return bool(roles_of(user) & ANSWERING_ROLES)


def cases_visible_to(user) -> QuerySet[MediationCase]:
    return MediationCase.objects.all() if handles_mediation(user) else MediationCase.objects.none()


def may_read(user, mediation: MediationCase) -> bool:
    return handles_mediation(user)


def consultations_visible_to(user) -> QuerySet[Consultation]:
    return Consultation.objects.all() if answers_consultations(user) else Consultation.objects.none()
