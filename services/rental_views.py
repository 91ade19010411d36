"""What the renting pages show beside the marketplace and rental services: one server with its prices
and whether it can be rented now, the pools a user may rent into, and rentals with what extending them
needs (the server's prices, the pool's name, whether the reader may extend).

Reads only; renting and extending stay in ``services.rentals``.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select

from core.extensions import db
from core.timeutil import utcnow
from models import AutoRenewal, Membership, Pool, Rental, Server, User
from services import marketplace as market
from services import auto_renew, pools, rentals
from services.errors import NotFound
from services.paging import Page


@dataclass
class ServerOffer:
    server: Server
    prices: dict[int, int]  # {days: cents}, shortest first
    available: bool


@dataclass
class RentalRow:
    rental: Rental
    server: Server
    pool: Pool
    prices: dict[int, int]  # the server's durations, for extending
    may_extend: bool
    auto_renew: AutoRenewal | None = None


def get_offer(server_id: str, now: datetime | None = None) -> ServerOffer:
    """A server of the inventory, rented or not, with its prices; 404 when there is no such server."""
    server = db.session.get(Server, server_id)
    if server is None:
        raise NotFound(rentals.SERVER_NOT_FOUND)
    prices = market.prices_by_server([server.id])[server.id]
    return ServerOffer(server, prices, market.is_available(server, now or utcnow()))


def rentable_pools(user: User) -> list[tuple[Pool, User]]:
    """The pools the user may rent into (owned or joined) with their owners: the default pool first,
    then the user's own, then the rest by name."""
    rows = db.session.execute(
        select(Pool, User)
        .join(User, User.id == Pool.owner_id)
        .where(Pool.id.in_(pools.joined_pool_ids(user)))
        .order_by(and_(Pool.owner_id == user.id, Pool.is_default).desc(), (Pool.owner_id == user.id).desc(),
                  Pool.name, Pool.id)
    )
    return [(pool, owner) for pool, owner in rows]


def _roles(user: User, pool_ids: set[str]) -> dict[str, str]:
    if not pool_ids:
        return {}
    rows = db.session.execute(
        select(Membership.pool_id, Membership.role)
        .where(Membership.user_id == user.id, Membership.is_authorized.is_(True), Membership.pool_id.in_(pool_ids))
    )
    return dict(rows.all())


def rental_rows(user: User, page: Page) -> tuple[list[RentalRow], int]:
    """One page of ``rentals.list_rentals`` with each server's prices, each pool and the reader's
    right to extend, in three more queries whatever the page size."""
    listed, total = rentals.list_rentals(user, page)
    return _rows(user, listed), total


def rows_ending_between(user: User, start: datetime, end: datetime, limit: int) -> list[RentalRow]:
    """The rentals the user can see that end after ``start`` and by ``end``, the soonest first, as
    ``rental_rows`` shows them."""
    return _rows(user, rentals.rentals_ending_between(user, start, end, limit))


def _rows(user: User, listed: list[tuple[Rental, Server]]) -> list[RentalRow]:
    prices = market.prices_by_server([server.id for _, server in listed])
    pool_ids = {rental.pool_id for rental, _ in listed}
    pools_by_id = {pool.id: pool for pool in db.session.scalars(select(Pool).where(Pool.id.in_(pool_ids)))} \
        if pool_ids else {}
    roles = _roles(user, pool_ids)
    renewals = auto_renew.settings_of([rental.id for rental, _ in listed])
    return [RentalRow(rental, server, pools_by_id[rental.pool_id], prices[server.id],
                      rentals.may_extend(user, rental, roles.get(rental.pool_id)), renewals.get(rental.id))
            for rental, server in listed]


def rental_row(user: User, rental_id: str) -> RentalRow:
    """One rental the user can see, as ``rental_rows`` shows it; 404 beyond what they can see."""
    detail = rentals.get_rental(user, rental_id)
    rental, server = detail.rental, detail.server
    pool = db.session.get(Pool, rental.pool_id)
    role = _roles(user, {rental.pool_id}).get(rental.pool_id)
    return RentalRow(rental, server, pool, market.prices_by_server([server.id])[server.id],
                     rentals.may_extend(user, rental, role), auto_renew.settings_of([rental.id]).get(rental.id))


def reload_balance(user: User) -> None:
    """Read the user's balance again after a charge (a charge updates it in SQL, behind the loaded object)."""
    db.session.refresh(user, ["balance_cents"])
