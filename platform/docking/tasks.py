from __future__ import annotations

from celery import shared_task


@shared_task(
    name="docking.tasks.booking_tell",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def booking_tell_task(*, booking_id: int, side: str) -> bool:
    """In the schema of the side to tell (a union's, or public for a station): notify its staff of
    a booking's new status, once per status."""
    from .services import booking_tell

    return booking_tell(booking_id=booking_id, side=side)


@shared_task(name="docking.tasks.bookings_tell_sweep", acks_late=True)
def bookings_tell_sweep_task() -> dict[str, int]:
    """Beat, every 15 minutes, on the public schema: repeat the notices whose task was lost,
    then mark approved bookings that have ended as used and close the requests nobody decided
    before their start as lapsed (their notices are queued fresh, so the repeat comes first and
    does not queue them twice)."""
    from django_tenants.utils import get_public_schema_name, schema_context

    from .services import bookings_complete_ended, bookings_expire_lapsed, bookings_tell_sweep

    with schema_context(get_public_schema_name()):
        queued = bookings_tell_sweep()
        return {"queued": queued, "completed": bookings_complete_ended(), "expired": bookings_expire_lapsed()}
