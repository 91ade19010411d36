"""Provisioning: the setup of a rented server, as administrators (or their automation) report it.

A rental's setup is ``pending`` from the moment of renting. An administrator reports it
``provisioning`` (being set up), ``ready`` (with the access details: addresses, host name, notes) or
``failed``. The allowed moves (``ALLOWED``):

- ``pending`` and ``provisioning`` -> ``provisioning``, ``ready`` or ``failed``;
- ``ready`` -> ``ready`` (new details) or ``provisioning`` (a re-install); not ``failed``: a server
  that was handed over is not refunded by a report (an administrator credits the wallet instead);
- ``failed`` is final: another ``failed`` changes nothing (the same state, no second refund), anything
  else is refused (409 ``PROVISIONING_TRANSITION_REFUSED``).

A report of a rental that has ended is refused (409 ``RENTAL_ENDED``). A report that changes nothing
(the same status, message and access) is answered with the state as it is and emits nothing.

``failed`` refunds what the rental was charged (its charge and extensions, less anything refunded
already), one ``refund`` transaction into each wallet that paid, ends the rental and releases its
server, in the same database transaction as the change of state. The change is a conditional update
on the status read, so two reports racing cannot both refund: the second sees ``failed`` and is a
no-op.

Every change emits ``rental.provisioning_changed`` (webhooks only); entering ``ready`` emits
``rental.ready`` (the renter, with the access details), ``failed`` ``rental.provisioning_failed``
(the renter and the administrators). ``flag_overdue_setups`` tells the administrators, once per
setup, of a setup not ready ``PROVISIONING_TIMEOUT_HOURS`` after renting, or after a re-install began.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from core import jobs
from core.extensions import db
from core.ids import new_id, normalize_id
from core.limits import (
    PROVISIONING_FAILED,
    PROVISIONING_IN_PROGRESS,
    PROVISIONING_PENDING,
    PROVISIONING_READY,
)
from core.money import format_cents
from core.timeutil import isoformat, truncate_to_milliseconds, utcnow
from models import Rental, Server, Transaction, User
from services import admin, audit, events, inputs, ledger
from services.atomic import write_transaction
from services.errors import PROVISIONING_TRANSITION_REFUSED, RENTAL_ENDED, Conflict, NotFound
from services.inputs import Maybe
from services.notification_texts import (
    RENTAL_PROVISIONING_CHANGED,
    RENTAL_PROVISIONING_FAILED,
    RENTAL_PROVISIONING_OVERDUE,
    RENTAL_READY,
)
from services.paging import Page, paginate
from services.spending import SPENT_CENTS

RENTAL_NOT_FOUND = "Rental not found"
AUDIT_ACTION = "rental.provisioning_reported"

ALLOWED = {
    PROVISIONING_PENDING: {PROVISIONING_IN_PROGRESS, PROVISIONING_READY, PROVISIONING_FAILED},
    PROVISIONING_IN_PROGRESS: {PROVISIONING_IN_PROGRESS, PROVISIONING_READY, PROVISIONING_FAILED},
    PROVISIONING_READY: {PROVISIONING_IN_PROGRESS, PROVISIONING_READY},
    PROVISIONING_FAILED: {PROVISIONING_FAILED},
}
UNFINISHED = (PROVISIONING_PENDING, PROVISIONING_IN_PROGRESS)
# Rentals flagged in one transaction by the overdue check.
OVERDUE_BATCH = 500


class TransitionRefused(Conflict):
    code = PROVISIONING_TRANSITION_REFUSED


@dataclass(frozen=True)
class Provisioning:
    status: str
    message: str | None
    access: dict | None
    updated_at: datetime


def state_of(rental: Rental) -> Provisioning:
    return Provisioning(rental.provisioning_status, rental.provisioning_message, rental.provisioning_access,
                        rental.provisioning_updated_at or rental.rental_start)


def timeout_hours() -> int:
    return current_app.config["PROVISIONING_TIMEOUT_HOURS"]


def begin(rental: Rental, now: datetime) -> None:
    """A new rental's setup: pending, and flagged if still not ready ``PROVISIONING_TIMEOUT_HOURS`` on."""
    rental.provisioning_status = PROVISIONING_PENDING
    rental.provisioning_updated_at = now
    rental.provisioning_began_at = now
    rental.provisioning_due_at = now + timedelta(hours=timeout_hours())


# --- Reporting ------------------------------------------------------------------------------------

@dataclass
class Report:
    rental: Rental
    changed: bool
    refunded_cents: int  # what this report refunded (0 unless it made the setup fail)


def report(actor: User, rental_id: str, status: str, message: str | None = None,
           access: dict | None = None) -> Report:
    """Set a rental's setup to ``status`` with ``message`` and ``access`` (both replaced; null clears)."""
    admin.require_admin(actor)
    status, message, access = inputs.checked(
        status=(inputs.ProvisioningStatus, status), message=(Maybe(inputs.ProvisioningMessage), message),
        access=(Maybe(inputs.ProvisioningAccess), access))
    message = message or None
    access = access.model_dump() if access is not None else None
    if normalize_id(rental_id) != rental_id:
        raise NotFound(RENTAL_NOT_FOUND)
    with write_transaction():
        while True:
            rental = _read(rental_id)
            previous = rental.provisioning_status
            if (status, message, access) == (previous, rental.provisioning_message, rental.provisioning_access) \
                    or (previous == PROVISIONING_FAILED and status == PROVISIONING_FAILED):
                return Report(rental, changed=False, refunded_cents=0)
            now = truncate_to_milliseconds(utcnow())
            if status not in ALLOWED[previous]:
                raise TransitionRefused(f"This rental's setup is {previous} and cannot be reported {status}")
            if rental.hold_until <= now:
                raise Conflict("This rental has ended; its setup can no longer be reported", code=RENTAL_ENDED)
            if _change(rental, previous, status, message, access, now):
                break
            # Another report changed it between the read and the write: decide again on what it is now.
        refunded = _fail(rental, now) if status == PROVISIONING_FAILED else 0
        _announce(actor, rental, previous, refunded, now)
        db.session.flush()
    return Report(_read(rental_id), changed=True, refunded_cents=refunded)


def _read(rental_id: str) -> Rental:
    rental = db.session.scalar(select(Rental).where(Rental.id == rental_id)
                               .execution_options(populate_existing=True))
    if rental is None:
        raise NotFound(RENTAL_NOT_FOUND)
    return rental


def _change(rental: Rental, previous: str, status: str, message: str | None, access: dict | None,
            now: datetime) -> bool:
    """Write the new state if the status is still ``previous`` (one statement: two reports cannot both
    move it from the same state); False if it is not."""
    values = {"provisioning_status": status, "provisioning_message": message, "provisioning_access": access,
              "provisioning_updated_at": now}
    if status in (PROVISIONING_READY, PROVISIONING_FAILED):
        values["provisioning_due_at"] = None
    elif previous == PROVISIONING_READY:  # a re-install: timed again, as the first setup was
        values["provisioning_began_at"] = now
        values["provisioning_due_at"] = now + timedelta(hours=timeout_hours())
    if status == PROVISIONING_FAILED:
        # Ended now: no longer active or held, nothing more to remind anyone of.
        values.update(rental_end=min(rental.rental_end, now), hold_until=now, next_event_at=None)
    changed = db.session.execute(
        update(Rental).where(Rental.id == rental.id, Rental.provisioning_status == previous).values(**values),
        execution_options={"synchronize_session": False},
    ).rowcount
    return changed == 1


def _fail(rental: Rental, now: datetime) -> int:
    """Release the server and refund every wallet that paid for the rental what it paid, less what was
    refunded to it already; returns the cents refunded."""
    db.session.execute(
        update(Server).where(Server.id == rental.server_id, Server.reserved_until == rental.hold_until)
        .values(reserved_until=None),
        execution_options={"synchronize_session": False},
    )
    paid = db.session.execute(
        select(Transaction.user_id, Transaction.pool_id, SPENT_CENTS.label("cents"))
        .where(Transaction.rental_id == rental.id)
        .group_by(Transaction.user_id, Transaction.pool_id)
        .order_by(Transaction.user_id, Transaction.pool_id)
    ).all()
    refunded = 0
    note = f"Refund of rental {rental.id}: its server could not be set up"
    for user_id, pool_id, cents in paid:
        cents = int(cents)  # PostgreSQL sums BIGINTs as NUMERIC
        if cents <= 0:
            continue
        if pool_id is not None and ledger.add(cents, user_id=user_id, pool_id=pool_id) is None:
            pool_id = None  # the pool is gone: the member who paid from it gets the money
        if pool_id is None:
            ledger.add(cents, user_id=user_id)
        ledger.record(ledger.REFUND, cents, user_id=user_id, pool_id=pool_id, rental_id=rental.id, note=note, now=now)
        refunded += cents
    return refunded


def _announce(actor: User, rental: Rental, previous: str, refunded: int, now: datetime) -> None:
    """The webhook event of every change, the renter's news, and the audit trail's record, in the
    report's transaction."""
    rental = _read(rental.id)
    server_name = db.session.scalar(select(Server.name).where(Server.id == rental.server_id))
    data = {
        "rental_id": rental.id, "server_id": rental.server_id, "server_name": server_name,
        "pool_id": rental.pool_id, "status": rental.provisioning_status, "previous_status": previous,
        "message": rental.provisioning_message, "access": rental.provisioning_access,
        "updated_at": isoformat(now),
    }
    common = {"user_id": rental.user_id, "pool_id": rental.pool_id, "actor_id": actor.id,
              "subject": ("rental", rental.id)}
    events.emit(RENTAL_PROVISIONING_CHANGED, f"{RENTAL_PROVISIONING_CHANGED}:{rental.id}:{new_id()}",
                data=data, **common)
    if rental.provisioning_status == PROVISIONING_READY and previous != PROVISIONING_READY:
        events.emit(RENTAL_READY, f"{RENTAL_READY}:{rental.id}:{new_id()}", data=data, **common)
    if rental.provisioning_status == PROVISIONING_FAILED:
        events.emit(RENTAL_PROVISIONING_FAILED, f"{RENTAL_PROVISIONING_FAILED}:{rental.id}",
                    data={**data, "refunded_cents": refunded}, **common)
    details = {"status": rental.provisioning_status, "previous_status": previous}
    if refunded:
        details["refunded"] = format_cents(refunded)
    audit.record(AUDIT_ACTION, actor, rental.pool_id, "rental", rental.id, details)


# --- What administrators look at ------------------------------------------------------------------

def unfinished(actor: User, page: Page) -> tuple[list[tuple[Rental, Server, User]], int]:
    """Rentals still running whose setup is pending or in progress, the oldest first."""
    admin.require_admin(actor)
    statement = (
        select(Rental, Server, User)
        .join(Server, Server.id == Rental.server_id)
        .join(User, User.id == Rental.user_id)
        .where(Rental.provisioning_status.in_(UNFINISHED), Rental.hold_until > utcnow())
        .order_by(Rental.rental_start, Rental.id)
    )
    rows, total = paginate(statement, page)
    return [(rental, server, user) for rental, server, user in rows], total


def rental_for_admin(actor: User, rental_id: str) -> tuple[Rental, Server, User]:
    admin.require_admin(actor)
    row = db.session.execute(
        select(Rental, Server, User).join(Server, Server.id == Rental.server_id).join(User, User.id == Rental.user_id)
        .where(Rental.id == rental_id)
    ).first() if normalize_id(rental_id) == rental_id else None
    if row is None:
        raise NotFound(RENTAL_NOT_FOUND)
    return row.Rental, row.Server, row.User


# --- Overdue setups -------------------------------------------------------------------------------

@jobs.periodic(minutes=5)
@jobs.task(retries=3, retry_delay=30, retry_backoff=2)
def flag_overdue_setups() -> dict:
    """Tell the administrators of every rental whose setup is still not ready by its due time, once
    (keyed by rental); reads only the rentals due, through ``ix_rentals_provisioning_due``."""
    now = utcnow()
    flagged = cleared = 0
    while True:
        with write_transaction():
            due = db.session.execute(
                select(Rental.id, Rental.user_id, Rental.pool_id, Rental.server_id, Rental.rental_start,
                       Rental.hold_until, Rental.provisioning_status, Rental.provisioning_began_at,
                       Rental.provisioning_due_at,
                       Server.name.label("server_name"))
                .join(Server, Server.id == Rental.server_id)
                .where(Rental.provisioning_due_at <= now)
                .order_by(Rental.provisioning_due_at, Rental.id)
                .limit(OVERDUE_BATCH)
                .with_for_update(of=Rental, skip_locked=True)
            ).all()
            if not due:
                break
            rows = [_overdue_event(rental, now) for rental in due if rental.hold_until > now]
            flagged += events.emit_many(rows)
            cleared += db.session.execute(
                update(Rental).where(Rental.id.in_([rental.id for rental in due])).values(provisioning_due_at=None),
                execution_options={"synchronize_session": False},
            ).rowcount
    return {key: value for key, value in (("rentals", cleared), ("flagged", flagged)) if value}


def _overdue_event(rental, now: datetime) -> dict:
    """Keyed by the rental and the setup's due time: each setup (the first, each re-install) is flagged once.

    The hours and whether it is a re-install come from when this setup began, so a change of
    ``PROVISIONING_TIMEOUT_HOURS`` meanwhile does not misdescribe it; rentals made before that was kept
    fall back on the setting."""
    began_at = rental.provisioning_began_at or rental.provisioning_due_at - timedelta(hours=timeout_hours())
    waited_hours = round((rental.provisioning_due_at - began_at) / timedelta(hours=1))
    data = {"rental_id": rental.id, "server_id": rental.server_id, "server_name": rental.server_name,
            "pool_id": rental.pool_id, "status": rental.provisioning_status,
            "rental_start": isoformat(rental.rental_start), "timeout_hours": waited_hours,
            "reinstall": began_at > rental.rental_start}
    key = f"{RENTAL_PROVISIONING_OVERDUE}:{rental.id}:{isoformat(rental.provisioning_due_at)}"
    return events.event_row(RENTAL_PROVISIONING_OVERDUE, key, user_id=rental.user_id, pool_id=rental.pool_id,
                            subject=("rental", rental.id), data=data, now=now)
