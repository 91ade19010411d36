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

Values: an array is repeated keys, one comma-joined value, or both; items are trimmed and empty
items dropped. A boolean is ``true``/``false``/``1``/``0`` in any case. A number is written as
JavaScript prints it (``15``, ``15.5``, ``1e-7``) and is never negative. A scalar given twice with
different values is refused. Every bad value is a ``BadRequest`` naming its parameter.

Order: featured first, then ``popularity_rank`` ascending, then the cheapest per-day price, then id
(so pages never overlap). ``sort`` puts one key in front of that order: ``price_per_day``
(cheapest first), ``-price_per_day`` (dearest first), ``cpu_score``, ``ram_gb``, ``storage_gb``
(largest first). Prices in ordering are always the server's cheapest over all its durations.

Every filter is a condition on an indexed column (or an EXISTS on an indexed child table), so one
page costs three statements whatever its size: the count, the page, and the page's prices.
"""
import math
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal, localcontext

from sqlalchemy import BigInteger, ColumnElement, and_, exists, false, or_, select, true

from core.extensions import db
from core.limits import CPU_SCORE_TYPES, DISK_TYPES, DURATION_DAYS_MAX, RAM_TYPES, SERVER_CATEGORIES
from core.timeutil import utcnow
from models import Server, ServerDiskType, ServerPrice
from services.errors import BadRequest
from services.paging import Page, paginate

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

MILLICENTS_PER_DOLLAR = 100_000
INTEGER_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1

_TRUE = ("true", "1")
_FALSE = ("false", "0")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_DAYS = re.compile(r"\d+")
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
        values = {value.strip() for value in self.args.getlist(name)} - {""}
        if len(values) > 1:
            self.fail(name, "must be given only once")
            return None
        return values.pop() if values else None

    def items(self, name: str) -> list[str]:
        items = []
        for value in self.args.getlist(name):
            for item in value.split(","):
                if (item := item.strip()) and item not in items:
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
        if not _NUMBER.fullmatch(value):
            self.fail(name, "must be a number")
            return None
        number = Decimal(value)
        if number < 0:
            self.fail(name, "must be at least 0")
            return None
        return number

    def durations(self, name: str) -> tuple[int, ...]:
        items = self.items(name)
        if not all(_DAYS.fullmatch(item) and 1 <= int(item) <= DURATION_DAYS_MAX for item in items):
            self.fail(name, f"must be whole numbers of days from 1 to {DURATION_DAYS_MAX}")
            return ()
        return tuple(sorted({int(item) for item in items}))

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
    column_max = BIGINT_MAX if isinstance(column.type, BigInteger) else INTEGER_MAX
    if minimum > column_max:
        return false()
    return column >= math.ceil(minimum)


def _traffic_at_least(minimum: Decimal) -> ColumnElement[bool]:
    enough = Server.traffic_tb >= float(minimum) if minimum <= sys.float_info.max else false()
    return or_(Server.traffic_unlimited == true(), enough)


def _millicents_floor(dollars: Decimal) -> int:
    """The largest whole number of millicents not above ``dollars``; per-day prices are stored rounded
    up, so comparing the two never lets a dearer server through."""
    if dollars >= Decimal(BIGINT_MAX) / MILLICENTS_PER_DOLLAR:
        return BIGINT_MAX
    with localcontext() as context:
        context.rounding = ROUND_FLOOR  # rounding down keeps the floor exact however many digits
        return int((dollars * MILLICENTS_PER_DOLLAR).to_integral_value())


def _price_conditions(filters: MarketplaceFilters) -> list[ColumnElement[bool]]:
    durations = filters.available_durations
    max_millicents = None if filters.max_price_per_day is None else _millicents_floor(filters.max_price_per_day)
    if not durations:
        return [] if max_millicents is None else [Server.min_price_per_day_millicents <= max_millicents]
    offered = [ServerPrice.server_id == Server.id, ServerPrice.days.in_(durations)]
    if max_millicents is not None:
        offered.append(ServerPrice.price_per_day_millicents <= max_millicents)
    return [exists().where(*offered)]


def _conditions(filters: MarketplaceFilters, now: datetime) -> list[ColumnElement[bool]]:
    conditions = [or_(Server.reserved_until.is_(None), Server.reserved_until <= now)]
    if filters.country is not None:
        conditions.append(Server.country == filters.country)
    if filters.region is not None:
        conditions.append(Server.region == filters.region)
    conditions += _price_conditions(filters)
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
        conditions.append(exists().where(ServerDiskType.server_id == Server.id,
                                         ServerDiskType.disk_type.in_(filters.disk_types)))
    if filters.min_bandwidth_mbps is not None:
        conditions.append(_at_least(Server.bandwidth_mbps, filters.min_bandwidth_mbps))
    if filters.min_traffic_tb is not None:
        conditions.append(_traffic_at_least(filters.min_traffic_tb))
    if filters.unlimited_traffic_only:
        conditions.append(Server.traffic_unlimited == true())
    if filters.category is not None:
        conditions.append(Server.category == filters.category)
    if filters.featured_only:
        conditions.append(Server.featured == true())
    return conditions


def _prices_by_server(server_ids: list[str]) -> dict[str, dict[int, int]]:
    prices: dict[str, dict[int, int]] = defaultdict(dict)
    if server_ids:
        rows = db.session.execute(
            select(ServerPrice.server_id, ServerPrice.days, ServerPrice.price_cents)
            .where(ServerPrice.server_id.in_(server_ids))
        )
        for server_id, days, cents in rows:
            prices[server_id][days] = cents
    return prices


def browse(filters: MarketplaceFilters, page: Page, now: datetime | None = None
           ) -> tuple[list[tuple[Server, dict[int, int]]], int]:
    """One page of the servers for rent that match ``filters``, in marketplace order, with the total.

    Each server comes with its prices as ``{days: cents}`` (for ``inventory.server_to_dict``), all
    loaded in one query for the page.
    """
    order = ((SORT_KEYS[filters.sort],) if filters.sort else ()) + DEFAULT_ORDER
    statement = select(Server).where(and_(*_conditions(filters, now or utcnow()))).order_by(*order)
    rows, total = paginate(statement, page)
    servers = [row[0] for row in rows]
    prices = _prices_by_server([server.id for server in servers])
    return [(server, prices[server.id]) for server in servers], total
