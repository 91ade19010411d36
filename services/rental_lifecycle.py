"""A rental's life in time, told to the people it concerns: a reminder at each ``REMINDER_HOURS`` mark
before it ends (``rental.ending_soon``), its expiry into the hold (``rental.expired``: extend within
``hold_days`` or lose the server), and the end of the hold (``rental.ended``: the server is released).

Each rental keeps ``next_event_at``, the time of its next mark, computed by ``next_event_at`` from
its ``rental_end`` and ``hold_until``; renting and extending set it (``schedule``), and so does each
check. The periodic check reads only the rentals whose mark has come (an indexed range), so its cost
follows the work due, not the number of rentals.

Each event is keyed by rental, kind and period (the ``rental_end`` it speaks of): an extension starts
a new period with reminders of its own, and two workers or a second tick never send one twice. When
several marks passed while no worker ran, only the latest is sent: a 72-hour reminder is no use once
the 24-hour one is due, nor a reminder once the rental has expired.
"""
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from core import bulk, jobs
from core.extensions import db
from core.timeutil import isoformat, utcnow
from models import AutoRenewal, Rental, Server
from services import events
from services.marketplace import prices_by_server
from services.atomic import write_transaction
from services.notification_texts import RENTAL_ENDED, RENTAL_ENDING_SOON, RENTAL_EXPIRED

# Rentals handled in one transaction by the check: its statements are per batch, not per rental.
CHECK_BATCH = 500


@dataclass(frozen=True)
class Mark:
    """A moment in a rental's period when something is due: an event, and for a reminder its hours."""

    at: datetime
    event: str
    hours: int | None = None


def marks(rental_end: datetime, hold_until: datetime, reminder_hours: tuple[int, ...]) -> list[Mark]:
    """Every mark of a rental's current period, earliest first."""
    reminders = [Mark(rental_end - timedelta(hours=hours), RENTAL_ENDING_SOON, hours) for hours in reminder_hours]
    # sorted() keeps expired before ended when there is no hold (both at rental_end): ended is the latest.
    return sorted([*reminders, Mark(rental_end, RENTAL_EXPIRED), Mark(hold_until, RENTAL_ENDED)],
                  key=lambda mark: mark.at)


def next_event_at(rental_end: datetime, hold_until: datetime, reminder_hours: tuple[int, ...],
                  now: datetime) -> datetime | None:
    """When the rental's next mark after ``now`` comes; None when it has ended."""
    return next((mark.at for mark in marks(rental_end, hold_until, reminder_hours) if mark.at > now), None)


def due_mark(rental_end: datetime, hold_until: datetime, reminder_hours: tuple[int, ...],
             now: datetime) -> Mark | None:
    """The latest mark that has come by ``now`` (the one to tell people about), or None."""
    passed = [mark for mark in marks(rental_end, hold_until, reminder_hours) if mark.at <= now]
    return passed[-1] if passed else None


def reminder_hours() -> tuple[int, ...]:
    return current_app.config["REMINDER_HOURS"]


def schedule(rental: Rental, now: datetime) -> None:
    """Set the rental's next mark after it was made or extended at ``now``: marks already past when
    its period began (a reminder 72 hours before the end of a one-day rental) are never sent."""
    rental.next_event_at = next_event_at(rental.rental_end, rental.hold_until, reminder_hours(), now)


def event_key(mark: Mark, rental_id: str, rental_end: datetime) -> str:
    key = f"{mark.event}:{rental_id}:{isoformat(rental_end)}"
    return f"{key}:{mark.hours}" if mark.hours is not None else key


@jobs.periodic(minutes=1)
@jobs.task(retries=3, retry_delay=30, retry_backoff=2)
def check_rentals() -> dict:
    """Send what is due for every rental whose next mark has come, and release the servers of
    rentals whose hold is over; then move each rental's ``next_event_at`` on."""
    now = utcnow()
    hours = reminder_hours()
    counts = Counter()
    while True:
        with write_transaction():
            due = db.session.execute(
                select(Rental.id, Rental.user_id, Rental.pool_id, Rental.server_id, Rental.rental_end,
                       Rental.hold_until, Rental.hold_days, Server.name.label("server_name"),
                       AutoRenewal.additional_days.label("renew_days"),
                       AutoRenewal.max_charge_cents.label("renew_ceiling"),
                       AutoRenewal.next_attempt_at.label("renews_at"))
                .join(Server, Server.id == Rental.server_id)
                .outerjoin(AutoRenewal, AutoRenewal.rental_id == Rental.id)
                .where(Rental.next_event_at <= now)
                .order_by(Rental.next_event_at, Rental.id)
                .limit(CHECK_BATCH)
                # Two checks at once on PostgreSQL take different rentals, and an extension of a rental
                # being checked waits for the check (SQLite: one writer at a time anyway).
                .with_for_update(of=Rental, skip_locked=True)
            ).all()
            if not due:
                break
            new_events, next_marks, released = [], {}, []
            # A reminder of a rental that renews itself quotes the renewal at today's price.
            prices = prices_by_server(sorted({rental.server_id for rental in due if rental.renews_at is not None}))
            for rental in due:
                mark = due_mark(rental.rental_end, rental.hold_until, hours, now)
                if mark is not None:
                    new_events.append(_event(mark, rental, now, prices.get(rental.server_id, {})))
                    if mark.event == RENTAL_ENDED:
                        released.append(rental.server_id)
                next_marks[rental.id] = next_event_at(rental.rental_end, rental.hold_until, hours, now)
            added = events.emit_many(new_events)
            bulk.update_column(Rental, "id", "next_event_at", next_marks)
            if released:
                # As rentals.sweep does; a server rented again since is reserved until later and stays so.
                counts["released"] += db.session.execute(
                    update(Server).where(Server.id.in_(released), Server.reserved_until <= now)
                    .values(reserved_until=None),
                    execution_options={"synchronize_session": False},
                ).rowcount
        counts["rentals"] += len(due)
        counts["events"] += added
        counts.update(row["type"] for row in new_events)
    order = ["rentals", "events", RENTAL_ENDING_SOON, RENTAL_EXPIRED, RENTAL_ENDED, "released"]
    return {key: counts[key] for key in order if counts[key]}


def _event(mark: Mark, rental, now: datetime, prices: dict[int, int]) -> dict:
    data = {
        "rental_id": rental.id, "server_id": rental.server_id, "server_name": rental.server_name,
        "pool_id": rental.pool_id, "rental_end": isoformat(rental.rental_end),
        "hold_until": isoformat(rental.hold_until), "hold_days": rental.hold_days,
    }
    if mark.hours is not None:
        data["hours"] = mark.hours
        if rental.renews_at is not None:
            data["auto_renew"] = {"renews_at": isoformat(rental.renews_at), "days": rental.renew_days,
                                  "amount_cents": prices.get(rental.renew_days), "ceiling": rental.renew_ceiling}
    return events.event_row(mark.event, event_key(mark, rental.id, rental.rental_end), user_id=rental.user_id,
                            pool_id=rental.pool_id, subject=("rental", rental.id), data=data, now=now)
