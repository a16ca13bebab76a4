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
def bookings_tell_sweep_task() -> int:
    """Beat, on the public schema: repeat the notices whose task was lost."""
    from .services import bookings_tell_sweep

    return bookings_tell_sweep()
