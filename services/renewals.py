"""What keeping the rentals running will cost, how long a balance pays for it (its runway), and the
warning when it will not last: ``wallet.low_balance``.

A rental with auto-renew on renews by its auto-renewal's period at the server's current price for
it, paid by whoever set it up (``services.auto_renew``). Any other renewal is taken to be what
extending it at its end would cost today: the server's current price for the rental's own length (the
longest duration the server offers that is not longer than the rental has run from its start to its
end, or the shortest one when none is), paid by its renter; repeated at each new end. The runway plays those renewals forward in time, each
paid from the balance, and ends at the first one the balance cannot pay.

A user is warned (``wallet.low_balance``, once per user per day, keyed by the date) when the runway
ends within ``LOW_BALANCE_DAYS`` (the renewals of that many days cost more than the balance), or
when the balance is under the user's own ``low_balance_threshold_cents``. The periodic check finds
the candidates through indexes: on a day's first run, the renters of the rentals whose end falls
within the next ``LOW_BALANCE_DAYS`` (and the payers of their auto-renewals) (only they can run short in that time); on its later runs that
day, only the renters whose rentals have come into that window since, and the users whose wallet
has moved since (a rent, an extension, a credit); and always the users whose balance is under their
own threshold. Users already warned that day are skipped. Its cost follows those, not the number of
users or rentals. (A change of a server's prices is seen on the next day's first run.)
"""
import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from core import jobs
from core.extensions import db
from core.timeutil import isoformat, utcnow
from models import AutoRenewal, Event, PeriodicCheck, Rental, Transaction, User
from services import events
from services.atomic import write_transaction
from services.marketplace import prices_by_server
from services.notification_texts import WALLET_LOW_BALANCE

# How far ahead the overview page plays renewals forward; a balance that lasts longer "lasts beyond" it.
RUNWAY_HORIZON = timedelta(days=90)
# Users looked at in one transaction by the check: its statements are per batch, not per user.
CHECK_BATCH = 500
# How far before the last run's end the next run looks again (see ``_since``).
RUN_OVERLAP = timedelta(minutes=10)


@dataclass(frozen=True)
class RenewingRental:
    """A rental that will need renewing: when (its end), for how many days, at what price."""

    rental_id: str
    ends_at: datetime
    days: int
    price_cents: int


@dataclass(frozen=True)
class Runway:
    balance_cents: int
    rentals: int  # how many rentals renew
    daily_cents: int  # what the renewals cost a day, on average
    runs_out_at: datetime | None  # the first renewal the balance cannot pay; None: none before the horizon
    horizon: datetime
    due_cents: int  # what the renewals before the horizon cost in all, paid or not

    @property
    def renewals_due(self) -> bool:
        return self.rentals > 0

    def days_left(self, now: datetime) -> int | None:
        if self.runs_out_at is None:
            return None
        return max(0, (self.runs_out_at - now) // timedelta(days=1))


def renewal_days(rental_start: datetime, rental_end: datetime, offered: Iterable[int]) -> int | None:
    """The duration a rental is taken to renew for; None when the server offers none (withdrawn)."""
    offered = sorted(offered)
    if not offered:
        return None
    length = max(1, round((rental_end - rental_start) / timedelta(days=1)))
    fitting = [days for days in offered if days <= length]
    return fitting[-1] if fitting else offered[0]


def renewing(rows: Iterable, prices: dict[str, dict[int, int]]) -> list[RenewingRental]:
    """``rows`` (id, server_id, rental_start, rental_end, auto_days) with their renewal by
    ``prices_by_server``: the auto-renewal's period when it has one (none when the server no longer
    offers it: that renewal will be refused), the guessed one otherwise."""
    found = []
    for row in rows:
        offered = prices.get(row.server_id, {})
        auto_days = getattr(row, "auto_days", None)
        if auto_days is not None:
            days = auto_days if auto_days in offered else None
        else:
            days = renewal_days(row.rental_start, row.rental_end, offered)
        if days is not None:
            found.append(RenewingRental(row.id, row.rental_end, days, offered[days]))
    return found


def runway(balance_cents: int, rentals: Sequence[RenewingRental], now: datetime, horizon: timedelta) -> Runway:
    """Play the renewals of ``rentals`` forward from ``now``, each paid from the balance in turn, up to
    ``now + horizon``."""
    until = now + horizon
    upcoming = [(rental.ends_at, index) for index, rental in enumerate(rentals)]
    heapq.heapify(upcoming)
    balance, due, runs_out_at = balance_cents, 0, None
    while upcoming and upcoming[0][0] <= until:
        at, index = heapq.heappop(upcoming)
        rental = rentals[index]
        due += rental.price_cents
        if runs_out_at is None:
            if rental.price_cents > balance:
                runs_out_at = at
            else:
                balance -= rental.price_cents
        heapq.heappush(upcoming, (at + timedelta(days=rental.days), index))
    daily = round(sum(rental.price_cents / rental.days for rental in rentals))
    return Runway(balance_cents, len(rentals), daily, runs_out_at, until, due)


def _running_rentals(user_ids: Sequence[str], now: datetime, ending_by: datetime | None):
    """The rentals still running (and ending by ``ending_by``) whose renewals these users pay, each with
    its payer as ``user_id``: those they rent without auto-renew, through the index on (user_id,
    hold_until), and those whose auto-renewal they set up to be paid from their own wallet, through the
    auto-renewals' index on user_id (a pool-paid one is the pool's wallet's, not theirs)."""
    columns = (Rental.id, Rental.server_id, Rental.rental_start, Rental.rental_end)
    running = [Rental.hold_until > now, Rental.rental_end > now]
    if ending_by is not None:
        running.append(Rental.rental_end <= ending_by)
    rented = db.session.execute(
        select(*columns, Rental.user_id, AutoRenewal.additional_days.label("auto_days"))
        .outerjoin(AutoRenewal, AutoRenewal.rental_id == Rental.id)
        .where(Rental.user_id.in_(user_ids), AutoRenewal.id.is_(None), *running)
    ).all()
    renewed = db.session.execute(
        select(*columns, AutoRenewal.user_id, AutoRenewal.additional_days.label("auto_days"))
        .join(Rental, Rental.id == AutoRenewal.rental_id)
        .where(AutoRenewal.user_id.in_(user_ids), AutoRenewal.pay_from == "self", *running)
    ).all()
    return [*rented, *renewed]


def runways(balances: dict[str, int], now: datetime, horizon: timedelta,
            only_renewing_within: bool = False) -> dict[str, Runway]:
    """The runway of each user in ``balances`` ({user id: balance}), in two queries.
    ``only_renewing_within`` leaves out the rentals that do not renew before the horizon: they change
    neither when the balance runs out nor what is due, only the average a day."""
    rows = _running_rentals(list(balances), now, now + horizon if only_renewing_within else None)
    prices = prices_by_server(sorted({row.server_id for row in rows}))
    by_user: dict[str, list] = {user_id: [] for user_id in balances}
    for row in rows:
        by_user[row.user_id].append(row)
    return {user_id: runway(balances[user_id], renewing(theirs, prices), now, horizon)
            for user_id, theirs in by_user.items()}


def runway_of(user: User, now: datetime | None = None) -> Runway:
    now = now or utcnow()
    balance = db.session.scalar(select(User.balance_cents).where(User.id == user.id))
    return runways({user.id: balance}, now, RUNWAY_HORIZON)[user.id]


# --- The warning ----------------------------------------------------------------------------------

def low_balance_window() -> timedelta:
    return timedelta(days=current_app.config["LOW_BALANCE_DAYS"])


def low_balance_key(user_id: str, now: datetime) -> str:
    return f"{WALLET_LOW_BALANCE}:{user_id}:{now.date().isoformat()}"


def _since(now: datetime) -> datetime | None:
    """How far back this run must look, or None to look at every renter due (the first run of a day).

    The last run saw everything up to its start; its end less ``RUN_OVERLAP`` is safely before that
    for any run shorter than the overlap, and also covers transactions that were still open then.
    """
    last = db.session.execute(
        select(PeriodicCheck.last_finished_at, PeriodicCheck.last_error)
        .where(PeriodicCheck.name == check_low_balances.__name__)
    ).first()
    if last is None or last.last_finished_at is None or last.last_error is not None:
        return None
    since = last.last_finished_at - RUN_OVERLAP
    return since if since.date() == now.date() else None


def _candidates(now: datetime, window: timedelta, since: datetime | None) -> list[str]:
    """Who may be short. Every renter of a rental ending within the window, on a day's first run;
    later that day only those whose rentals came into the window or whose wallet moved since the last
    run. And always the users under their own threshold."""
    ends = Rental.rental_end > (now if since is None else since + window)
    found = set(db.session.scalars(select(Rental.user_id).where(ends, Rental.rental_end <= now + window).distinct()))
    # Whoever pays those rentals' auto-renewals (the renter, or the pool's owner or admin who set it up).
    found.update(db.session.scalars(
        select(AutoRenewal.user_id).join(Rental, Rental.id == AutoRenewal.rental_id)
        .where(ends, Rental.rental_end <= now + window).distinct()))
    if since is not None:
        # Not DISTINCT: SQLite would walk the (user_id, created_at) index whole for it, rather than a range of this one.
        found.update(db.session.scalars(select(Transaction.user_id).where(Transaction.created_at > since)))
    found.update(db.session.scalars(
        select(User.id).where(User.low_balance_threshold_cents.is_not(None),
                              (User.balance_cents - User.low_balance_threshold_cents) < 0)))
    return sorted(found)


@jobs.periodic(minutes=15)
@jobs.task(retries=3, retry_delay=60, retry_backoff=2)
def check_low_balances() -> dict:
    """Warn each user whose balance will not pay the next ``LOW_BALANCE_DAYS`` of renewals or is under
    their own threshold, once a day."""
    now = utcnow()
    window = low_balance_window()
    counts = Counter()
    candidates = _candidates(now, window, _since(now))
    db.session.rollback()
    for start in range(0, len(candidates), CHECK_BATCH):
        batch = candidates[start:start + CHECK_BATCH]
        with write_transaction():
            warned = set(db.session.scalars(
                select(Event.key).where(Event.key.in_([low_balance_key(user_id, now) for user_id in batch]))))
            users = db.session.execute(
                select(User.id, User.balance_cents, User.low_balance_threshold_cents)
                .where(User.id.in_([user_id for user_id in batch if low_balance_key(user_id, now) not in warned]))
            ).all()
            if not users:
                continue
            found = runways({user.id: user.balance_cents for user in users}, now, window, only_renewing_within=True)
            rows = []
            for user in users:
                ahead = found[user.id]
                short = ahead.runs_out_at is not None
                under = user.low_balance_threshold_cents is not None and \
                    user.balance_cents < user.low_balance_threshold_cents
                if short or under:
                    rows.append(_warning(user, ahead, now, window))
            counts["users"] += len(users)
            counts[WALLET_LOW_BALANCE] += events.emit_many(rows)
    return {key: counts[key] for key in ("users", WALLET_LOW_BALANCE) if counts[key]}


def _warning(user, ahead: Runway, now: datetime, window: timedelta) -> dict:
    data = {"balance_cents": user.balance_cents, "threshold_cents": user.low_balance_threshold_cents,
            "days": window.days, "renewals_cents": ahead.due_cents, "rentals": ahead.rentals,
            "runs_out_at": isoformat(ahead.runs_out_at) if ahead.runs_out_at else None}
    return events.event_row(WALLET_LOW_BALANCE, low_balance_key(user.id, now), user_id=user.id,
                            subject=("user", user.id), data=data, now=now)
