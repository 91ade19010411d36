"""Rentals: renting a server, extending a rental, who sees which rentals, and their lifecycle.

A rental is ``active`` until ``rental_end``, ``expired`` for ``hold_days`` after it (it can still
be extended and the server stays reserved), then ``ended``, and the server is back in the
marketplace. The status is computed from the clock at every read (``Rental.status_at``); nothing
has to run for it to change. The server's ``reserved_until`` is the end of its current rental's
hold, so the marketplace shows a server exactly when ``reserved_until`` has passed.

Renting and extending each run in one database transaction (``write_transaction``): the server
is reserved with a conditional update (two concurrent rents of one server: one wins), the wallet
is debited with another (a balance never goes below zero), and the rental and its transaction are
written with them; any failure rolls all of it back.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from core.bulk import update_column
from core.extensions import db
from core.ids import new_id
from core.money import format_cents, format_dollars
from core.timeutil import isoformat, truncate_to_milliseconds, utcnow
from models import Rental, Server, ServerPrice, SpendRequest, Transaction, User
from models.rental import STATUS_ENDED
from services import (
    audit, events, inputs, ledger, marketplace, pools, provisioning, rental_lifecycle, team_billing, wallet,
)
from services.atomic import write_transaction
from services.errors import (
    RENTAL_ENDED,
    BadRequest,
    Conflict,
    ExtensionAlreadyApplied,
    Forbidden,
    NotFound,
    PriceChanged,
    ServerUnavailable,
)
from services.inputs import Maybe
from services.paging import Page, paginate

RENTAL_NOT_FOUND = "Rental not found"
SERVER_NOT_FOUND = "Server not found"


@dataclass
class Charge:
    """A rental as it stands after renting or extending, and the transaction that paid for it."""

    rental: Rental
    transaction: Transaction


@dataclass
class SpendRequested:
    """A pool-paid charge above the pool's approval threshold: nothing charged, a request made instead."""

    request: SpendRequest


@dataclass
class RentalDetail:
    rental: Rental
    server: Server
    transaction: Transaction | None  # the charge that started the rental


# --- Who sees which rentals ---------------------------------------------------------------------

def _visible_to(user: User):
    """Rentals the user made, and rentals in pools the user owns or has joined."""
    return or_(Rental.user_id == user.id, Rental.pool_id.in_(pools.joined_pool_ids(user)))


def list_rentals(user: User, page: Page) -> tuple[list[tuple[Rental, Server]], int]:
    """Every rental the user can see, ended ones included, newest first."""
    statement = (
        select(Rental, Server)
        .join(Server, Server.id == Rental.server_id)
        .where(_visible_to(user))
        .order_by(Rental.rental_start.desc(), Rental.id.desc())
    )
    rows, total = paginate(statement, page)
    return [(rental, server) for rental, server in rows], total


def rentals_ending_between(user: User, start: datetime, end: datetime, limit: int) -> list[tuple[Rental, Server]]:
    """The rentals the user can see whose end is after ``start`` and by ``end``, the soonest first."""
    return [(rental, server) for rental, server in db.session.execute(
        select(Rental, Server)
        .join(Server, Server.id == Rental.server_id)
        # hold_until > start follows from the end's and lets the (user, hold) and (pool, hold) indexes serve.
        .where(_visible_to(user), Rental.hold_until > start, Rental.rental_end > start, Rental.rental_end <= end)
        .order_by(Rental.rental_end, Rental.id)
        .limit(limit)
    )]


def get_rental(user: User, rental_id: str) -> RentalDetail:
    row = db.session.execute(
        select(Rental, Server)
        .join(Server, Server.id == Rental.server_id)
        .where(Rental.id == rental_id, _visible_to(user))
    ).first()
    if row is None:
        raise NotFound(RENTAL_NOT_FOUND)
    first_charge = db.session.scalar(
        select(Transaction)
        .where(Transaction.rental_id == rental_id, Transaction.type == wallet.RENTAL)
        .order_by(Transaction.created_at, Transaction.id)
        .limit(1)
    )
    return RentalDetail(row.Rental, row.Server, first_charge)


# --- Prices -------------------------------------------------------------------------------------

def price_for(server_id: str, days: int, field: str) -> int:
    """The server's price in cents for ``days``; a 400 listing the durations it offers otherwise."""
    prices = dict(db.session.execute(
        select(ServerPrice.days, ServerPrice.price_cents).where(ServerPrice.server_id == server_id)
    ).all())
    if days not in prices:
        offered = ", ".join(str(d) for d in sorted(prices))
        raise BadRequest.for_field(field, f"must be one of this server's rental durations: {offered}")
    return prices[days]


def _check_max_charge(price_cents: int, max_charge_cents: int | None) -> None:
    if max_charge_cents is not None and price_cents > max_charge_cents:
        raise PriceChanged(
            f"The charge of {format_dollars(price_cents)} exceeds max_charge_cents ({max_charge_cents}); "
            "nothing was charged",
            quoted_cents=max_charge_cents, price_cents=price_cents,
        )


# --- Renting ------------------------------------------------------------------------------------

def _target_pool_id(user: User, pool_id: str | None) -> str:
    if pool_id is None:
        return pools.default_pool(user).id  # never deleted, and its owner never removed
    return pools.lock_joined_pool(user, pool_id).id


def _reserve(server_id: str, until: datetime, now: datetime) -> None:
    """Take the server if nobody holds it; the condition and the write are one statement."""
    reserved = db.session.execute(
        update(Server)
        .where(Server.id == server_id, marketplace.available(now))
        .values(reserved_until=until),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not reserved:
        raise ServerUnavailable("This server is not available: it is already rented")


def rent_server(user: User, server_id: str, rental_days: int, pool_id: str | None = None,
                max_charge_cents: int | None = None, pay_from: str = team_billing.SELF, *,
                approved_by: User | None = None) -> "Charge | SpendRequested":
    """Rent the server into ``pool_id`` (the caller's default pool without it), paid from the caller's
    wallet or, with ``pay_from="pool"``, from the wallet of the pool it goes into (``team_billing.payer``
    says who may). A pool-paid
    charge above the pool's approval threshold becomes a spend request instead, unless ``approved_by``
    carries out an approved one."""
    rental_days, pool_id, max_charge_cents, pay_from = inputs.checked(
        rental_days=(inputs.Days, rental_days), pool_id=(Maybe(inputs.ObjectId), pool_id),
        max_charge_cents=(Maybe(inputs.Cents), max_charge_cents), pay_from=(inputs.PayFrom, pay_from))
    with write_transaction():
        if db.session.scalar(select(Server.id).where(Server.id == server_id)) is None:
            raise NotFound(SERVER_NOT_FOUND)
        price_cents = price_for(server_id, rental_days, "rental_days")
        # Before the pool's shared lock (see team_billing); the pool that pays is the one the rental goes into.
        payer = team_billing.payer(user, pay_from, pool_id or pools.default_pool(user).id)
        target_pool_id = _target_pool_id(user, pool_id)
        _check_max_charge(price_cents, max_charge_cents)

        now = truncate_to_milliseconds(utcnow())
        if approved_by is None and team_billing.needs_approval(payer, price_cents):
            if db.session.scalar(select(Server.id).where(Server.id == server_id, marketplace.available(now))) is None:
                raise ServerUnavailable("This server is not available: it is already rented")
            return SpendRequested(team_billing.request_approval(payer, user, "rent", price_cents, rental_days,
                                                                server_id))
        team_billing.check_budget(payer, price_cents, now)
        hold_days = current_app.config["HOLD_DAYS"]
        rental_end = now + timedelta(days=rental_days)
        hold_until = rental_end + timedelta(days=hold_days)
        _reserve(server_id, hold_until, now)
        rental = Rental(id=new_id(), user_id=user.id, server_id=server_id, pool_id=target_pool_id,
                        rental_start=now, rental_end=rental_end, hold_days=hold_days, hold_until=hold_until,
                        amount_cents=price_cents, created_at=now)
        rental_lifecycle.schedule(rental, now)
        provisioning.begin(rental, now)
        db.session.add(rental)
        db.session.flush()
        transaction = team_billing.charge(payer, price_cents, wallet.RENTAL, rental.id, now)
        audit.record(audit.RENTAL_CREATED, user, target_pool_id, "rental", rental.id,
                     {"server_id": server_id, "days": rental_days, "amount": format_cents(price_cents),
                      **_paid_by(payer, approved_by)})
        db.session.flush()
        events.emit("rental.created", f"rental.created:{rental.id}", user_id=user.id, pool_id=target_pool_id,
                    actor_id=user.id, subject=("rental", rental.id),
                    data={"rental_id": rental.id, "server_id": server_id, "days": rental_days,
                          "amount_cents": price_cents, "transaction_id": transaction.id})
    return Charge(rental, transaction)


def _paid_by(payer: team_billing.Payer, approved_by: User | None) -> dict:
    """What the audit entry of a charge adds when the pool paid it."""
    if payer.pool is None:
        return {}
    return {"paid_from": "pool", **({"approved_by": approved_by.username} if approved_by is not None else {})}


# --- Extending ----------------------------------------------------------------------------------

def _rental_for_update(user: User, rental_id: str) -> Rental:
    rental = db.session.scalar(
        select(Rental).where(Rental.id == rental_id, _visible_to(user)).with_for_update()
    )
    if rental is None:
        raise NotFound(RENTAL_NOT_FOUND)
    return rental


def may_extend(user: User, rental: Rental, role_in_pool: str | None) -> bool:
    """The renter extends their own rental; the owner and admins of its pool extend any in the pool."""
    return rental.user_id == user.id or pools.may_extend_others_rentals(role_in_pool)


def extend_rental(user: User, rental_id: str, additional_days: int, expected_rental_end: datetime | None = None,
                  max_charge_cents: int | None = None, *, pay_from: str = team_billing.SELF,
                  approved_by: User | None = None) -> "Charge | SpendRequested":
    """Move ``rental_end`` by ``additional_days``; the caller pays (``may_extend`` says who may), from their
    wallet or, with ``pay_from="pool"``, from the wallet of the rental's pool (see ``rent_server``)."""
    additional_days, expected_rental_end, max_charge_cents, pay_from = inputs.checked(
        additional_days=(inputs.Days, additional_days),
        expected_rental_end=(Maybe(inputs.Moment), expected_rental_end),
        max_charge_cents=(Maybe(inputs.Cents), max_charge_cents), pay_from=(inputs.PayFrom, pay_from))
    with write_transaction():
        paying_pool_id = None
        if pay_from == team_billing.POOL:
            # The pool is locked before the rental, as deleting the pool does (pool, then its rentals).
            paying_pool_id = db.session.scalar(select(Rental.pool_id).where(Rental.id == rental_id,
                                                                            _visible_to(user)))
            if paying_pool_id is None:
                raise NotFound(RENTAL_NOT_FOUND)
        payer = team_billing.payer(user, pay_from, paying_pool_id)
        rental = _rental_for_update(user, rental_id)
        if paying_pool_id is not None and rental.pool_id != paying_pool_id:
            raise Conflict("The rental moved to another pool meanwhile; nothing was charged")
        if not may_extend(user, rental, pools.role_in_pool(user, rental.pool_id)):
            raise Forbidden("Only the renter or the pool's owner or admins can extend this rental")
        now = utcnow()
        if rental.status_at(now) == STATUS_ENDED:
            raise Conflict("This rental has ended and can no longer be extended", code=RENTAL_ENDED)
        price_cents = price_for(rental.server_id, additional_days, "additional_days")
        if expected_rental_end is not None and isoformat(expected_rental_end) != isoformat(rental.rental_end):
            raise ExtensionAlreadyApplied(
                f"The rental now ends at {isoformat(rental.rental_end)}, not at {isoformat(expected_rental_end)}; "
                "it may have been extended already. Nothing was charged"
            )
        _check_max_charge(price_cents, max_charge_cents)
        if approved_by is None and team_billing.needs_approval(payer, price_cents):
            return SpendRequested(team_billing.request_approval(
                payer, user, "extend", price_cents, additional_days, rental.server_id, rental.id, rental.rental_end))
        team_billing.check_budget(payer, price_cents, truncate_to_milliseconds(now))

        _move_rental(rental, additional_days, price_cents, now)
        db.session.execute(
            update(Server).where(Server.id == rental.server_id).values(reserved_until=rental.hold_until),
            execution_options={"synchronize_session": False},
        )
        transaction = team_billing.charge(payer, price_cents, wallet.EXTENSION, rental.id,
                                          truncate_to_milliseconds(now))
        _audit_extension(user, rental, additional_days, price_cents, payer, approved_by)
        db.session.flush()
        events.emit_many([_extended_event(user, rental, additional_days, transaction)])
    return Charge(rental, transaction)


def _move_rental(rental: Rental, additional_days: int, price_cents: int, now: datetime) -> None:
    rental.rental_end = rental.rental_end + timedelta(days=additional_days)
    rental.hold_until = rental.rental_end + timedelta(days=rental.hold_days)
    rental.amount_cents = rental.amount_cents + price_cents
    rental_lifecycle.schedule(rental, now)  # a new period: its own reminders


def _audit_extension(user: User, rental: Rental, additional_days: int, price_cents: int,
                     payer: team_billing.Payer, approved_by: User | None) -> None:
    audit.record(audit.RENTAL_EXTENDED, user, rental.pool_id, "rental", rental.id,
                 {"server_id": rental.server_id, "days": additional_days, "amount": format_cents(price_cents),
                  "rental_end": isoformat(rental.rental_end), **_paid_by(payer, approved_by)})


def _extended_event(user: User, rental: Rental, additional_days: int, transaction: Transaction) -> dict:
    """The renter's event (their endpoints and their pool's hear of it), whoever paid for it."""
    return events.event_row(
        "rental.extended", f"rental.extended:{transaction.id}", user_id=rental.user_id, pool_id=rental.pool_id,
        actor_id=user.id, subject=("rental", rental.id),
        data={"rental_id": rental.id, "server_id": rental.server_id, "days": additional_days,
              "amount_cents": transaction.amount_cents, "transaction_id": transaction.id,
              "rental_end": isoformat(rental.rental_end)})


@dataclass
class Extension:
    """An extension for ``extend_many``: ``user`` extends ``rental`` (locked by the caller) by ``days``
    from their own wallet, as ``extend_rental(user, rental.id, days, expected_rental_end,
    max_charge_cents)`` would."""

    user: User
    rental: Rental
    days: int
    expected_rental_end: datetime
    max_charge_cents: int


def extend_many(extensions: list[Extension], now: datetime) -> dict[str, Charge]:
    """Make many extensions at once in the caller's transaction, each exactly what ``extend_rental``
    makes of it (the same rental, server, charge, transaction, invoice, audit entry and event), in
    statements that do not grow in number with the extensions (on SQLite, in process, the debits are
    one per payer).

    Only the plain case is made here: the renter paying from their own wallet, for a rental not ended,
    still ending at ``expected_rental_end``, for a duration the server offers at no more than
    ``max_charge_cents``, from a wallet that holds enough for all of that user's extensions here. The
    others are left untouched, for the caller to make or refuse one by one with ``extend_rental``, which
    says why. Returns the charges made, by rental id."""
    prices = marketplace.prices_by_server(sorted({extension.rental.server_id for extension in extensions}))
    plain = []
    for extension in extensions:
        rental = extension.rental
        price_cents = prices[rental.server_id].get(extension.days)
        if (extension.user.id == rental.user_id and rental.status_at(now) != STATUS_ENDED
                and price_cents is not None and price_cents <= extension.max_charge_cents
                and isoformat(extension.expected_rental_end) == isoformat(rental.rental_end)):
            plain.append((extension, price_cents))
    owed: dict[str, int] = {}
    for extension, price_cents in plain:
        owed[extension.user.id] = owed.get(extension.user.id, 0) + price_cents
    paid = ledger.take_many(owed)
    charges: dict[str, Charge] = {}
    event_rows = []
    charged_at = truncate_to_milliseconds(now)
    for extension, price_cents in plain:
        if extension.user.id not in paid:
            continue
        rental, payer = extension.rental, team_billing.Payer(extension.user.id)
        _move_rental(rental, extension.days, price_cents, now)
        transaction = ledger.record(wallet.EXTENSION, price_cents, user_id=payer.user_id, rental_id=rental.id,
                                    now=charged_at)
        _audit_extension(extension.user, rental, extension.days, price_cents, payer, None)
        event_rows.append(_extended_event(extension.user, rental, extension.days, transaction))
        charges[rental.id] = Charge(rental, transaction)
    if charges:
        update_column(Server, "id", "reserved_until",
                      {charge.rental.server_id: charge.rental.hold_until for charge in charges.values()})
        db.session.flush()
        events.emit_many(event_rows)
    return charges


def rental_to_extend(user: User, rental_id: str) -> Rental:
    """The rental locked for a change only those who may extend it may make (its auto-renewal): 404
    beyond what the user sees, 403 as ``extend_rental`` answers. Call it inside ``write_transaction()``."""
    rental = _rental_for_update(user, rental_id)
    if not may_extend(user, rental, pools.role_in_pool(user, rental.pool_id)):
        raise Forbidden("Only the renter or the pool's owner or admins can extend this rental")
    return rental


# --- Lifecycle ----------------------------------------------------------------------------------

@dataclass
class SweepResult:
    active: int
    expired: int
    released: int  # servers whose last rental ended, reservation cleared


def sweep(now: datetime | None = None) -> SweepResult:
    """Persist what the clock already says: clear the reservation of servers whose rental has ended.

    Reads never depend on this (an ended hold is simply in the past); it keeps ``reserved_until``
    tidy and reports how many rentals are active and held.
    """
    now = now or utcnow()
    with write_transaction():
        released = db.session.execute(
            update(Server)
            .where(Server.reserved_until.is_not(None), Server.reserved_until <= now)
            .values(reserved_until=None),
            execution_options={"synchronize_session": False},
        ).rowcount
        active = db.session.scalar(select(func.count(Rental.id)).where(Rental.rental_end > now))
        expired = db.session.scalar(
            select(func.count(Rental.id)).where(and_(Rental.rental_end <= now, Rental.hold_until > now))
        )
    return SweepResult(active, expired, released)
