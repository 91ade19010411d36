"""The marketplace: which servers can be rented now, filtered, ordered and paged.

The one home of the marketplace's query rules; the API and the web pages both read their query
string through ``parse_filters`` and list servers through ``browse``.

Visibility: a server is listed when it is not reserved (``reserved_until`` is null or has passed);
renting sets ``reserved_until`` to the end of the rental's hold.

Filters (query parameters), all optional and combined with AND. Unknown parameters are ignored and
an empty value counts as absent.

- ``country``: 2 letters, any case. ``region``: exact match.
- ``max_price_per_day`` (dollars): the server's cheapest per-day price over its durations, or over
  ``available_durations`` when given, is at most this.
- ``available_durations`` (days): the server offers at least one of them.
- ``min_cpu_cores``, ``min_ram_gb``, ``min_total_storage_gb``, ``min_bandwidth_mbps``: at least this.
- ``min_cpu_score``: the CPU score is of type ``cpu_score_type`` (``passmark`` when not given) and
  at least this. ``cpu_score_type`` alone lists servers whose score is of that type.
- ``ram_types``: the RAM type is one of these (exact values: ``DDR5`` is not ``ECC DDR5``).
- ``disk_types``: the server has at least one disk of one of these types.
- ``min_traffic_tb``: monthly traffic of at least this; unlimited traffic always passes.
- ``unlimited_traffic_only``, ``featured_only``: booleans; ``false`` means no filter.
- ``category``: one of the server categories.

Values: surrounding spaces and tabs are ignored, and a value of nothing else counts as absent. An array
is repeated keys, one comma-joined value, or both; items are trimmed and empty items dropped. A boolean
is ``true``/``false``/``1``/``0`` in any case. A number is written as JavaScript prints it (``15``,
``15.5``, ``1e-7``; see ``core.numbers``) and is never negative; a whole number (a duration) may have a
zero fraction (``7.0``). A scalar given twice with different values is refused. Every bad value is a
``BadRequest`` naming its parameter.

Order: featured first, then ``popularity_rank`` ascending, then the cheapest per-day price, then id
(so pages never overlap). ``sort`` puts one key in front of that order: ``price_per_day``
(cheapest first), ``-price_per_day`` (dearest first), ``cpu_score``, ``ram_gb``, ``storage_gb``
(largest first). Prices in ordering are always the server's cheapest over all its durations.

How it stays fast (``models/server.py`` has the indexes): each order has an index that the page
walks in order, and every filter is a condition on columns of the default order's index (disk types
and durations as the precomputed ``disk_type_bits`` and ``durations_key``), so neither a page nor
the count reads a table row it does not return. Filters never pick an index of their own (see
``_unindexed``). One page costs two statements whatever its size: the count and the page (each
server's prices are shown from ``servers.pricing``, written with them).
"""
import math
import re
import sys
from collections import defaultdict, namedtuple
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from datetime import datetime, timezone
from decimal import ROUND_FLOOR, Decimal, localcontext

from sqlalchemy import BigInteger, ColumnElement, Select, bindparam, exists, false, func, literal, or_, select, true
from sqlalchemy.sql import operators

from core.extensions import db
from core.limits import (
    BIGINT_COLUMN_MAX,
    CPU_SCORE_TYPES,
    DISK_TYPES,
    DURATION_DAYS_MAX,
    INT_COLUMN_MAX,
    RAM_TYPES,
    SERVER_CATEGORIES,
)
from core.numbers import InvalidNumber, parse_number, parse_whole_number, trimmed
from core.timeutil import utcnow
from models import Server, ServerPrice
from services.errors import BadRequest
from services.inventory import DISK_TYPE_BITS
from services.paging import Page

ERROR_PREFIX = "Invalid query parameter: "
DEFAULT_CPU_SCORE_TYPE = "passmark"

SORT_KEYS = {
    "price_per_day": Server.min_price_per_day_millicents.asc(),
    "-price_per_day": Server.min_price_per_day_millicents.desc(),
    "cpu_score": Server.cpu_score.desc(),
    "ram_gb": Server.ram_gb.desc(),
    "storage_gb": Server.total_storage_gb.desc(),
}
SORTS = tuple(SORT_KEYS)
DEFAULT_ORDER = (
    Server.featured.desc(),
    Server.popularity_rank.asc(),
    Server.min_price_per_day_millicents.asc(),
    Server.id.asc(),
)
# The default order without the price, for the price sorts (their indexes do not repeat it).
_ORDER_AFTER_PRICE = (DEFAULT_ORDER[0], DEFAULT_ORDER[1], DEFAULT_ORDER[3])
NEVER_RESERVED = datetime(1970, 1, 1, tzinfo=timezone.utc)

MILLICENTS_PER_DOLLAR = 100_000

_TRUE = ("true", "1")
_FALSE = ("false", "0")
_COUNTRY = re.compile(r"[A-Za-z]{2}")


@dataclass(frozen=True)
class MarketplaceFilters:
    """What a marketplace query asks for, validated. Numbers are exact ``Decimal`` values."""

    country: str | None = None
    region: str | None = None
    max_price_per_day: Decimal | None = None
    available_durations: tuple[int, ...] = ()
    min_cpu_cores: Decimal | None = None
    min_cpu_score: Decimal | None = None
    cpu_score_type: str | None = None
    min_ram_gb: Decimal | None = None
    ram_types: tuple[str, ...] = ()
    min_total_storage_gb: Decimal | None = None
    disk_types: tuple[str, ...] = ()
    min_bandwidth_mbps: Decimal | None = None
    min_traffic_tb: Decimal | None = None
    unlimited_traffic_only: bool = False
    category: str | None = None
    featured_only: bool = False
    sort: str | None = None


# --- Parsing --------------------------------------------------------------------------------------


class _QueryReader:
    """Reads the query string and collects every bad value, to report them all at once."""

    def __init__(self, args):
        self.args = args
        self.details: list[dict] = []

    def fail(self, name: str, problem: str) -> None:
        self.details.append({"field": name, "message": problem})

    def scalar(self, name: str) -> str | None:
        values = {trimmed(value) for value in self.args.getlist(name)} - {""}
        if len(values) > 1:
            self.fail(name, "must be given only once")
            return None
        value = values.pop() if values else None
        if value is not None and "\x00" in value:  # no database column can hold it
            self.fail(name, "must not contain NUL characters")
            return None
        return value

    def items(self, name: str) -> list[str]:
        items = []
        for value in self.args.getlist(name):
            for item in value.split(","):
                if (item := trimmed(item)) and item not in items:
                    items.append(item)
        return items

    def choice(self, name: str, allowed: tuple[str, ...]) -> str | None:
        value = self.scalar(name)
        if value is not None and value not in allowed:
            self.fail(name, f"must be one of: {', '.join(allowed)}")
            return None
        return value

    def choices(self, name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        items = self.items(name)
        unknown = [item for item in items if item not in allowed]
        if unknown:
            self.fail(name, f"has unknown value(s) {', '.join(unknown)}; allowed: {', '.join(allowed)}")
            return ()
        return tuple(items)

    def boolean(self, name: str) -> bool:
        value = self.scalar(name)
        if value is None or value.lower() in _FALSE:
            return False
        if value.lower() in _TRUE:
            return True
        self.fail(name, "must be true or false (or 1 or 0)")
        return False

    def number(self, name: str) -> Decimal | None:
        value = self.scalar(name)
        if value is None:
            return None
        try:
            number = parse_number(value)
        except InvalidNumber as problem:
            self.fail(name, str(problem))
            return None
        if number < 0:
            self.fail(name, "must be at least 0")
            return None
        return number

    def durations(self, name: str) -> tuple[int, ...]:
        days = [parse_whole_number(item) for item in self.items(name)]
        if not all(value is not None and 1 <= value <= DURATION_DAYS_MAX for value in days):
            self.fail(name, f"must be whole numbers of days from 1 to {DURATION_DAYS_MAX}")
            return ()
        return tuple(sorted(set(days)))

    def country(self, name: str) -> str | None:
        value = self.scalar(name)
        if value is not None and not _COUNTRY.fullmatch(value):
            self.fail(name, "must be a 2-letter country code such as US")
            return None
        return value.upper() if value else None


def parse_filters(args) -> MarketplaceFilters:
    """The filters and sort of a query string (a ``MultiDict`` such as ``request.args``).

    Raises ``BadRequest`` with one ``details`` entry per bad parameter.
    """
    read = _QueryReader(args)
    filters = MarketplaceFilters(
        country=read.country("country"),
        region=read.scalar("region"),
        max_price_per_day=read.number("max_price_per_day"),
        available_durations=read.durations("available_durations"),
        min_cpu_cores=read.number("min_cpu_cores"),
        min_cpu_score=read.number("min_cpu_score"),
        cpu_score_type=read.choice("cpu_score_type", CPU_SCORE_TYPES),
        min_ram_gb=read.number("min_ram_gb"),
        ram_types=read.choices("ram_types", RAM_TYPES),
        min_total_storage_gb=read.number("min_total_storage_gb"),
        disk_types=read.choices("disk_types", DISK_TYPES),
        min_bandwidth_mbps=read.number("min_bandwidth_mbps"),
        min_traffic_tb=read.number("min_traffic_tb"),
        unlimited_traffic_only=read.boolean("unlimited_traffic_only"),
        category=read.choice("category", SERVER_CATEGORIES),
        featured_only=read.boolean("featured_only"),
        sort=read.choice("sort", SORTS),
    )
    if read.details:
        raise BadRequest.for_fields(read.details, ERROR_PREFIX)
    return filters


# --- Querying -------------------------------------------------------------------------------------


def _at_least(column, minimum: Decimal) -> ColumnElement[bool]:
    """``column >= minimum`` for a whole-number column; a minimum no stored value can reach matches nothing
    (rather than overflowing the column's type in the comparison)."""
    column_max = BIGINT_COLUMN_MAX if isinstance(column.type, BigInteger) else INT_COLUMN_MAX
    if minimum > column_max:
        return false()
    return _unindexed(column) >= math.ceil(minimum)


def _traffic_at_least(minimum: Decimal) -> ColumnElement[bool]:
    """Unlimited traffic, or at least ``minimum`` TB (a float column, compared with the least float not below it)."""
    if minimum > Decimal(sys.float_info.max):
        return Server.traffic_unlimited == true()
    bound = float(minimum)
    if Decimal(bound) < minimum:  # float() rounds to the nearest: 1e-400 would become 0.0 and let 0 TB through
        bound = math.nextafter(bound, math.inf)
    return or_(Server.traffic_unlimited == true(), Server.traffic_tb >= bound)


def _millicents_floor(dollars: Decimal) -> int:
    """The largest whole number of millicents not above ``dollars``; per-day prices are stored rounded
    up, so comparing the two never lets a dearer server through."""
    if dollars >= Decimal(BIGINT_COLUMN_MAX) / MILLICENTS_PER_DOLLAR:
        return BIGINT_COLUMN_MAX
    with localcontext() as context:
        context.rounding = ROUND_FLOOR  # rounding down keeps the floor exact however many digits
        return int((dollars * MILLICENTS_PER_DOLLAR).to_integral_value())


def _unindexed(column):
    """``column`` in a filter: a plain column would let the planner pick an order's index (say the RAM
    sort's for ``min_ram_gb``) to search by it and then read every match from the table; as an
    expression it is read from the index that is walked instead."""
    return column + 0


def _price_conditions(filters: MarketplaceFilters) -> list[ColumnElement[bool]]:
    durations = filters.available_durations
    max_millicents = None if filters.max_price_per_day is None else _millicents_floor(filters.max_price_per_day)
    price = _unindexed(Server.min_price_per_day_millicents)
    if not durations:
        return [] if max_millicents is None else [price <= max_millicents]
    conditions = [or_(*(Server.durations_key.contains(f"|{days}|", autoescape=True) for days in durations))]
    if max_millicents is not None:
        # The cheapest price over all durations is at most the cheapest over some: a test on the index
        # that spares most servers the lookup of their prices.
        conditions.append(price <= max_millicents)
        conditions.append(exists().where(ServerPrice.server_id == Server.id, ServerPrice.days.in_(durations),
                                         ServerPrice.price_per_day_millicents <= max_millicents))
    return conditions


def _conditions(filters: MarketplaceFilters, now, dialect: str) -> list[ColumnElement[bool]]:
    conditions = []
    if filters.country is not None:
        conditions.append(Server.country == filters.country)
    if filters.region is not None:
        conditions.append(Server.region == filters.region)
    if filters.category is not None:
        conditions.append(Server.category == filters.category)
    if filters.featured_only:
        conditions.append(Server.featured == true())
    if filters.min_cpu_cores is not None:
        conditions.append(_at_least(Server.cpu_cores, filters.min_cpu_cores))
    if filters.min_cpu_score is not None or filters.cpu_score_type is not None:
        conditions.append(Server.cpu_score_type == (filters.cpu_score_type or DEFAULT_CPU_SCORE_TYPE))
    if filters.min_cpu_score is not None:
        conditions.append(_at_least(Server.cpu_score, filters.min_cpu_score))
    if filters.min_ram_gb is not None:
        conditions.append(_at_least(Server.ram_gb, filters.min_ram_gb))
    if filters.ram_types:
        conditions.append(Server.ram_type.in_(filters.ram_types))
    if filters.min_total_storage_gb is not None:
        conditions.append(_at_least(Server.total_storage_gb, filters.min_total_storage_gb))
    if filters.disk_types:
        bits = sum(DISK_TYPE_BITS[disk_type] for disk_type in filters.disk_types)
        conditions.append(Server.disk_type_bits.op("&")(bits) != 0)
    if filters.min_bandwidth_mbps is not None:
        conditions.append(_at_least(Server.bandwidth_mbps, filters.min_bandwidth_mbps))
    if filters.min_traffic_tb is not None:
        conditions.append(_traffic_at_least(filters.min_traffic_tb))
    if filters.unlimited_traffic_only:
        conditions.append(Server.traffic_unlimited == true())
    # SQLite tests a row's conditions in this order: the filters that leave out the most first, then
    # availability (nearly every server passes), and last the dearest tests.
    return conditions + [available(now, dialect)] + _price_conditions(filters)


def available(now, dialect: str | None = None) -> ColumnElement[bool]:
    """Listed when nobody holds the server: ``reserved_until`` unset or passed (``is_available``).

    ``now``: a time or a parameter; ``dialect``: the database's, when not the session's."""
    if (dialect or db.session.get_bind().dialect.name) == "sqlite":
        # Not "reserved_until IS NULL OR ...": given that, SQLite reads the reserved_until index
        # (nearly every server) and sorts, instead of walking the order's index.
        return func.coalesce(Server.reserved_until, literal(NEVER_RESERVED, Server.reserved_until.type)) <= now
    # PostgreSQL knows from its statistics that nearly every server passes this; for the expression
    # above it would guess a third, and choose to sort instead of walking the index for deep pages.
    return or_(Server.reserved_until.is_(None), Server.reserved_until <= now)


def is_available(server: Server, now: datetime) -> bool:
    """The rule ``available`` puts in SQL, for one loaded server: nobody holds it now."""
    return server.reserved_until is None or server.reserved_until <= now


def prices_by_server(server_ids: list[str]) -> dict[str, dict[int, int]]:
    """``{server_id: {days: cents}}`` in one statement, shortest duration first."""
    prices: dict[str, dict[int, int]] = defaultdict(dict)
    if server_ids:
        # One list parameter, rather than a parameter object per id built on every call.
        rows = db.session.execute(
            select(ServerPrice.server_id, ServerPrice.days, ServerPrice.price_cents)
            .where(ServerPrice.server_id.in_(bindparam("server_ids", expanding=True)))
            .order_by(ServerPrice.server_id, ServerPrice.days),
            {"server_ids": server_ids},
        )
        for server_id, days, cents in rows:
            prices[server_id][days] = cents
    return prices


# What a page reads of each server: what the browse object shows (``pricing`` included, stored with
# the server) and the keys of every order, to put the page back in order.
BROWSE_COLUMNS = tuple(
    Server.__table__.c[name] for name in (
        "id", "name", "country", "region", "city", "datacenter", "model", "is_vm", "category", "featured",
        "popularity_rank", "setup_time_minutes", "cpu_model", "cpu_cores", "cpu_threads", "cpu_score",
        "cpu_score_type", "ram_gb", "ram_type", "ram_speed_mhz", "disks", "total_storage_gb", "disk_summary",
        "bandwidth_mbps", "traffic_tb", "traffic_unlimited", "ipv4_count", "ipv6_enabled", "pricing",
        "min_price_per_day_millicents",
    )
)
_POSITION = {column.key: position for position, column in enumerate(BROWSE_COLUMNS)}
# A page's servers, named as Server's attributes: a named tuple reads its fields many times faster
# than a result row, and the browse object reads about 30 of them per server.
BrowseServer = namedtuple("BrowseServer", [column.key for column in BROWSE_COLUMNS])
# The moment a query is asked at, and its page, are parameters of statements built once per query.
_NOW = bindparam("now", type_=Server.reserved_until.type)
_LIMIT = bindparam("limit", type_=BigInteger)
_OFFSET = bindparam("offset", type_=BigInteger)
STATEMENT_CACHE_SIZE = 512


@dataclass(frozen=True)
class _Statements:
    count: Select
    page: Select
    order: tuple


@lru_cache(maxsize=STATEMENT_CACHE_SIZE)
def _statements(dialect: str, filters: MarketplaceFilters) -> _Statements:
    """The count and page statements of a query, built once: building them (and SQLAlchemy's key for
    its cache of compiled SQL) cost as much as running them on a cheap page. ``dialect`` is part of
    the key since the availability condition differs by database."""
    if filters.sort in ("price_per_day", "-price_per_day"):
        order = (SORT_KEYS[filters.sort],) + _ORDER_AFTER_PRICE
    else:
        order = ((SORT_KEYS[filters.sort],) if filters.sort else ()) + DEFAULT_ORDER
    conditions = _conditions(filters, _NOW, dialect)
    if filters == MarketplaceFilters(sort=filters.sort):
        # Only availability: all servers less the reserved ones. Counting a whole table is cheap
        # (SQLite counts the entries of each page), and few servers are reserved at any time.
        reserved = select(func.count()).select_from(Server).where(Server.reserved_until > _NOW)
        everything = select(func.count()).select_from(Server)
        count = select(everything.scalar_subquery() - reserved.scalar_subquery())
    else:
        count = select(func.count()).select_from(Server).where(*conditions)
    # The page's ids come from the order's index alone (however deep the offset, no table row is read
    # to be skipped); only those servers are read, and put back in order here.
    ids = select(Server.id).where(*conditions).order_by(*order).limit(_LIMIT).offset(_OFFSET).subquery()
    page = select(*BROWSE_COLUMNS).join(ids, BROWSE_COLUMNS[0] == ids.c.id)
    return _Statements(count, page, order)


def browse(filters: MarketplaceFilters, page: Page, now: datetime | None = None) -> tuple[list[BrowseServer], int]:
    """One page of the servers for rent that match ``filters``, in marketplace order, with the total
    (X-Total-Count).

    The servers are ``BrowseServer`` tuples of ``BROWSE_COLUMNS`` (attributes named as ``Server``'s),
    not ``Server`` objects: a page is read, shown and forgotten, and building objects for it cost
    more than the query.
    """
    connection = db.session.connection()
    statements = _statements(connection.dialect.name, filters)
    parameters = {"now": now or utcnow(), "limit": page.limit, "offset": page.offset}
    total = connection.execute(statements.count, parameters).scalar_one()
    servers = list(map(BrowseServer._make, connection.execute(statements.page, parameters)))
    _put_in_order(servers, statements.order)
    return servers, total


def _put_in_order(rows: list, order: tuple) -> None:
    """Sort rows as ``order`` says: one stable sort per term, the last term first (each a C-level key)."""
    for expression in reversed(order):
        rows.sort(key=itemgetter(_POSITION[expression.element.key]), reverse=expression.modifier is operators.desc_op)
