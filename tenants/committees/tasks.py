from __future__ import annotations

from celery import shared_task

from workershome.periodic import for_each_union

from .selectors import terms_serving
from .services import term_renewal_check


@shared_task(acks_late=True)
def committee_terms_check() -> int:
    """Renewal reminders and overdue terms of this union (each sent once). Runs in a union's schema."""
    return sum(1 for term in terms_serving() if term_renewal_check(term=term))


@shared_task
def committee_terms_check_all() -> int:
    """Periodic: queue ``committee_terms_check`` in every active union."""
    return for_each_union(committee_terms_check)
