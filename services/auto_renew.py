"""Auto-renew: a rental extends itself ``RENEW_AHEAD_HOURS`` before it ends, by the duration and
under the ceiling chosen by whoever turned it on, who pays.

A renewal is exactly ``rentals.extend_rental(payer, rental, days, expected_rental_end=<the end it
renews>, max_charge_cents=<the ceiling>)``: the same charge, transaction and audit entry as a manual
extension (the plain ones, renter paying from their own wallet, are made together by
``rentals.extend_many``, which makes exactly that). Each auto-renewal keeps ``next_attempt_at``; the
periodic check reads only those due (an indexed range) and renews them ``RENEW_BATCH`` to a
transaction that locks them (SKIP LOCKED: two workers take different ones) and moves each
``next_attempt_at`` on in the same transaction as its charge. So a renewal is made once whatever the
number of workers or ticks, and a second renewal of the same period (a manual extension that won a
race) fails harmlessly on ``expected_rental_end``: it counts as renewed.

A refusal (the payer's balance short, the price above the ceiling, the duration or the server no
longer offered, the payer no longer allowed to extend) is told (``rental.auto_renew_failed``, with
why and when it tries again) and tried again every ``AUTO_RENEW_RETRY_HOURS`` until the rental ends
(its hold is over); a success is told too (``rental.auto_renewed``).
"""
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, delete, or_, select

from core import jobs
from core.extensions import db
from core.money import format_cents
from core.timeutil import isoformat, utcnow
from models import AutoRenewal, Rental, Server, User
from models.rental import STATUS_ENDED
from services import audit, events, inputs, rentals, team_billing
from services.atomic import write_transaction
from services.errors import (
    RENTAL_ENDED,
    BadRequest,
    Conflict,
    ExtensionAlreadyApplied,
    Forbidden,
    NotFound,
    PaymentRequired,
    PriceChanged,
    ServiceError,
)
from services.marketplace import prices_by_server
from services.notification_texts import RENTAL_AUTO_RENEW_FAILED, RENTAL_AUTO_RENEWED

# Due auto-renewals read at once by the check; they are then claimed and renewed RENEW_BATCH to a transaction.
CHECK_BATCH = 500
RENEW_BATCH = 100

RENEWED = "renewed"
ALREADY_RENEWED = "already_renewed"  # the period was paid meanwhile (a manual extension)
# Why a renewal was refused, as ``last_result`` and the event's ``reason`` say it.
INSUFFICIENT_BALANCE = "insufficient_balance"
ABOVE_CEILING = "above_ceiling"
DURATION_NOT_OFFERED = "duration_not_offered"
SERVER_WITHDRAWN = "server_withdrawn"
NOT_ALLOWED = "not_allowed"
BUDGET_EXCEEDED = "budget_exceeded"  # a pool-paid renewal past a monthly limit of the pool's budget
APPROVAL_NEEDED = "approval_needed"  # a pool-paid renewal above the approval threshold (``ApprovalNeeded``)
REASONS = (INSUFFICIENT_BALANCE, ABOVE_CEILING, DURATION_NOT_OFFERED, SERVER_WITHDRAWN, NOT_ALLOWED, BUDGET_EXCEEDED,
           APPROVAL_NEEDED)


def renew_ahead() -> timedelta:
    return timedelta(hours=current_app.config["RENEW_AHEAD_HOURS"])


def retry_after() -> timedelta:
    return timedelta(hours=current_app.config["AUTO_RENEW_RETRY_HOURS"])


def first_attempt_at(rental_end: datetime, hold_until: datetime, now: datetime) -> datetime | None:
    """When a rental ending at ``rental_end`` is renewed: ``RENEW_AHEAD_HOURS`` before, or now if that
    has passed; None once it has ended."""
    if now >= hold_until:
        return None
    return max(rental_end - renew_ahead(), now)


def _retry_at(hold_until: datetime, now: datetime) -> datetime | None:
    retry = now + retry_after()
    return retry if retry < hold_until else None


# --- Turning it on and off -----------------------------------------------------------------------

def set_auto_renew(user: User, rental_id: str, additional_days: int, max_charge_cents: int,
                   pay_from: str = team_billing.SELF) -> AutoRenewal:
    """Turn auto-renew on for a rental, or change it; the caller becomes its payer. Who may: whoever
    may extend the rental (``rentals.may_extend``); paid from the rental's pool, whoever may pay from it
    (``team_billing.payer``), checked again at each renewal."""
    additional_days, max_charge_cents, pay_from = inputs.checked(
        additional_days=(inputs.Days, additional_days), max_charge_cents=(inputs.CeilingCents, max_charge_cents),
        pay_from=(inputs.PayFrom, pay_from))
    with write_transaction():
        if pay_from == team_billing.POOL:
            pool_id = db.session.scalar(select(Rental.pool_id).where(Rental.id == rental_id))
            if pool_id is not None:
                team_billing.payer(user, pay_from, pool_id)  # the pool first, as a charge locks it
        rental = rentals.rental_to_extend(user, rental_id)
        now = utcnow()
        if rental.status_at(now) == STATUS_ENDED:
            raise Conflict("This rental has ended and can no longer be extended", code=RENTAL_ENDED)
        rentals.price_for(rental.server_id, additional_days, "additional_days")
        setting = db.session.scalar(select(AutoRenewal).where(AutoRenewal.rental_id == rental.id))
        if setting is None:
            setting = AutoRenewal(rental_id=rental.id, created_at=now)
            db.session.add(setting)
        setting.user_id = user.id
        setting.additional_days = additional_days
        setting.max_charge_cents = max_charge_cents
        setting.pay_from = pay_from
        setting.next_attempt_at = first_attempt_at(rental.rental_end, rental.hold_until, now)
        setting.updated_at = now
        audit.record(audit.RENTAL_AUTO_RENEW_SET, user, rental.pool_id, "rental", rental.id,
                     {"days": additional_days, "max_charge": format_cents(max_charge_cents), "pay_from": pay_from})
        db.session.flush()
    return setting


def clear_auto_renew(user: User, rental_id: str) -> None:
    """Turn auto-renew off (nothing happens if it was off); the same people as ``set_auto_renew``."""
    with write_transaction():
        rental = rentals.rental_to_extend(user, rental_id)
        removed = db.session.execute(
            delete(AutoRenewal).where(AutoRenewal.rental_id == rental.id),
            execution_options={"synchronize_session": False},
        ).rowcount
        if removed:
            audit.record(audit.RENTAL_AUTO_RENEW_CLEARED, user, rental.pool_id, "rental", rental.id)


def settings_of(rental_ids: list[str]) -> dict[str, AutoRenewal]:
    """The auto-renewal of each of these rentals that has one, in one query."""
    if not rental_ids:
        return {}
    return {setting.rental_id: setting for setting in db.session.scalars(
        select(AutoRenewal).where(AutoRenewal.rental_id.in_(rental_ids)))}


# --- Renewing -------------------------------------------------------------------------------------

class ApprovalNeeded(Conflict):
    """A pool-paid renewal above the pool's approval threshold, set up by someone whose charges need
    approval: refused (nothing asked for), so that the owner is not sent a request at every retry."""

    def __init__(self):
        super().__init__("This renewal costs more than the pool's approval threshold: its owner or an admin must "
                         "set up the auto-renewal, or extend the rental", code="APPROVAL_NEEDED")


def pay_for_renewal(setting: AutoRenewal, rental_id: str, rental_end: datetime) -> rentals.Charge:
    """Who pays a renewal and how, decided here alone: the person who set it up, as if they extended
    the rental themselves, from their own wallet or the rental's pool's (``pay_from``), under the
    pool's budget."""
    payer = db.session.get(User, setting.user_id)
    result = rentals.extend_rental(payer, rental_id, setting.additional_days, expected_rental_end=rental_end,
                                   max_charge_cents=setting.max_charge_cents, pay_from=setting.pay_from)
    if isinstance(result, rentals.SpendRequested):
        raise ApprovalNeeded()  # inside the renewal's savepoint: the request is not kept
    return result


@dataclass(frozen=True)
class _Due:
    id: str
    next_attempt_at: datetime


@dataclass(frozen=True)
class _Renewing:
    """A claimed auto-renewal and its rental as they stood before the renewal."""

    setting: AutoRenewal
    rental: Rental
    server_id: str
    server_name: str
    pool_id: str | None
    renter_id: str
    rental_end: datetime
    hold_until: datetime
    attempt_at: datetime  # when this attempt was due


@jobs.periodic(minutes=1)
@jobs.task(retries=3, retry_delay=30, retry_backoff=2)
def renew_due_rentals() -> dict:
    """Renew every rental whose auto-renewal is due, each once."""
    now = utcnow()
    counts = Counter()
    after: _Due | None = None
    while True:
        statement = select(AutoRenewal.id, AutoRenewal.next_attempt_at).where(AutoRenewal.next_attempt_at <= now)
        if after is not None:
            # Past the last batch (one skipped as another worker's stays behind), so each is read once.
            statement = statement.where(or_(AutoRenewal.next_attempt_at > after.next_attempt_at,
                                            and_(AutoRenewal.next_attempt_at == after.next_attempt_at,
                                                 AutoRenewal.id > after.id)))
        batch = [_Due(row.id, row.next_attempt_at) for row in db.session.execute(
            statement.order_by(AutoRenewal.next_attempt_at, AutoRenewal.id).limit(CHECK_BATCH))]
        db.session.rollback()
        if not batch:
            break
        for start in range(0, len(batch), RENEW_BATCH):
            counts.update(_renew([due.id for due in batch[start:start + RENEW_BATCH]], now))
        after = batch[-1]
    order = [RENEWED, ALREADY_RENEWED, *REASONS, "rescheduled", "ended"]
    return {key: counts[key] for key in order if counts[key]}


def _renew(setting_ids: list[str], now: datetime) -> Counter:
    """Renew these rentals, those still due and not another worker's, in one transaction; what became
    of them. The plain renewals (the renter paying from their own wallet, enough in it) are made
    together by ``rentals.extend_many``; every other is made or refused on its own, in a savepoint."""
    results = Counter()
    with write_transaction():
        claimed = db.session.execute(
            select(AutoRenewal, Rental, Server.name)
            .join(Rental, Rental.id == AutoRenewal.rental_id)
            .join(Server, Server.id == Rental.server_id)
            .where(AutoRenewal.id.in_(setting_ids), AutoRenewal.next_attempt_at <= now)
            .order_by(AutoRenewal.id)
            # A worker renewing it, or an extension of the rental under way, holds these: leave it to them.
            .with_for_update(of=(AutoRenewal, Rental), skip_locked=True)
        ).all()
        due: list[_Renewing] = []
        for setting, rental, server_name in claimed:
            if now >= rental.hold_until:
                setting.next_attempt_at = None
                results["ended"] += 1
                continue
            due_at = rental.rental_end - renew_ahead()
            if due_at > now:  # extended by hand since it was scheduled: the new period renews in its time
                setting.next_attempt_at = due_at
                results["rescheduled"] += 1
                continue
            due.append(_Renewing(setting, rental, rental.server_id, server_name, rental.pool_id, rental.user_id,
                                 rental.rental_end, rental.hold_until, setting.next_attempt_at))
        if not due:
            return results
        payers = {user.id: user for user in db.session.scalars(
            select(User).where(User.id.in_({renewing.setting.user_id for renewing in due})))}
        # The servers, for the invoices' lines: read once and held here (the session keeps only weak
        # references to unchanged objects), rather than once per renewal.
        servers = db.session.scalars(select(Server).where(Server.id.in_({renewing.server_id for renewing in due}))).all()
        told = []

        def tell(result: str, event: dict | None) -> None:
            results[result] += 1
            told.append(event)

        # Those paid from a pool first, one by one: they lock the pool before any user's row, as every
        # charge does, and the plain ones below lock users' rows.
        own_wallet = []
        for renewing in due:
            if renewing.setting.pay_from == team_billing.SELF and renewing.setting.user_id in payers:
                own_wallet.append(renewing)
            else:
                tell(*_renew_one(renewing, now))
        charges = rentals.extend_many(
            [rentals.Extension(payers[renewing.setting.user_id], renewing.rental, renewing.setting.additional_days,
                               renewing.rental_end, renewing.setting.max_charge_cents)
             for renewing in own_wallet], now)
        for renewing in own_wallet:
            charge = charges.get(renewing.rental.id)
            tell(*(_renewed(renewing, charge, now) if charge is not None else _renew_one(renewing, now)))
        events.emit_many([event for event in told if event is not None])
        del servers
    return results


def _renew_one(renewing: _Renewing, now: datetime) -> tuple[str, dict | None]:
    """Renew one rental as a manual extension would, in a savepoint; what became of it and its event."""
    setting = renewing.setting
    try:
        with db.session.begin_nested():
            charge = pay_for_renewal(setting, setting.rental_id, renewing.rental_end)
    except ExtensionAlreadyApplied:
        rental_end = db.session.scalar(select(Rental.rental_end).where(Rental.id == setting.rental_id))
        _attempted(setting, ALREADY_RENEWED, max(rental_end - renew_ahead(), now), now)
        return ALREADY_RENEWED, None
    except ServiceError as refusal:
        price_cents = prices_by_server([renewing.server_id])[renewing.server_id].get(setting.additional_days)
        reason = refusal_reason(refusal, price_cents is not None, renewing.server_id)
        next_at = _retry_at(renewing.hold_until, now)
        _attempted(setting, reason, next_at, now)
        return reason, _told(RENTAL_AUTO_RENEW_FAILED, f"{setting.rental_id}:{isoformat(renewing.attempt_at)}",
                             renewing, price_cents, next_at, reason=reason, message=refusal.message)
    return _renewed(renewing, charge, now)


def _renewed(renewing: _Renewing, charge: rentals.Charge, now: datetime) -> tuple[str, dict]:
    new_end = charge.rental.rental_end
    # Never the next period before this one has begun, however short the renewal.
    next_at = max(new_end - renew_ahead(), renewing.rental_end)
    _attempted(renewing.setting, RENEWED, next_at, now)
    return RENEWED, _told(RENTAL_AUTO_RENEWED, f"{renewing.setting.rental_id}:{isoformat(renewing.rental_end)}",
                          renewing, charge.transaction.amount_cents, next_at, rental_end=isoformat(new_end))


def refusal_reason(refusal: ServiceError, duration_offered: bool, server_id: str) -> str:
    if isinstance(refusal, PaymentRequired):
        return INSUFFICIENT_BALANCE
    if isinstance(refusal, PriceChanged):
        return ABOVE_CEILING
    if isinstance(refusal, (Forbidden, NotFound)):
        return NOT_ALLOWED
    if isinstance(refusal, BadRequest) and not duration_offered:
        return SERVER_WITHDRAWN if not prices_by_server([server_id])[server_id] else DURATION_NOT_OFFERED
    return (refusal.code or "refused").lower()


def _attempted(setting: AutoRenewal, result: str, next_at: datetime | None, now: datetime) -> None:
    setting.last_attempt_at = now
    setting.last_result = result
    setting.next_attempt_at = next_at
    setting.updated_at = now


def _told(event_type: str, key: str, renewing: _Renewing, amount_cents: int | None, next_at: datetime | None,
          **extra) -> dict:
    setting = renewing.setting
    data = {"rental_id": setting.rental_id, "server_id": renewing.server_id, "server_name": renewing.server_name,
            "pool_id": renewing.pool_id, "days": setting.additional_days, "amount_cents": amount_cents,
            "ceiling": setting.max_charge_cents, "payer_id": setting.user_id, "renter_id": renewing.renter_id,
            "next_attempt_at": isoformat(next_at) if next_at else None,
            "rental_end": isoformat(renewing.rental_end), "hold_until": isoformat(renewing.hold_until), **extra}
    return events.event_row(event_type, f"{event_type}:{key}", user_id=setting.user_id, pool_id=renewing.pool_id,
                            subject=("rental", setting.rental_id), data=data)
