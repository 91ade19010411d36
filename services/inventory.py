"""The inventory: what a valid server record is, how it becomes rows, and how a server is shown.

One definition serves every way servers arrive (``flask servers import``, ``flask seed-demo``, the
admin pages and the API later): a record is the marketplace's browse object (see
``docs/inventory-format.md``) with ``pricing.prices`` filled in. Everything derived from it (total
storage, disk summary, formatted bandwidth, per-day prices, price tiers) is computed here.

Public functions:

- ``validate_records(items)`` -> ``(records, errors)``: every problem of every record, by index and field.
- ``build_server(record)`` -> a transient ``Server`` with its ``ServerPrice`` and ``ServerDiskType`` rows.
- ``import_servers(items)`` -> number inserted; all or nothing, bulk inserts in one transaction.
- ``price_tiers(prices)`` and ``server_to_dict(server)``: the browse object, exactly as the API shows it.
"""

import json
import re
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError, field_validator
from pydantic.functional_validators import AfterValidator, PlainValidator
from pydantic_core import PydanticCustomError
from sqlalchemy import insert, select

from core.extensions import db
from core.ids import new_id
from core.limits import CPU_SCORE_TYPES, DISK_TYPES, RAM_TYPES, SERVER_CATEGORIES, SERVER_NAME_MAX
from core.money import InvalidAmount, format_cents, parse_dollars
from core.timeutil import utcnow
from models import Server, ServerDiskType, ServerPrice
from services.errors import BadRequest

# --- Limits of the import format (beyond core.limits; they keep every value inside its column) ---

PRICE_DAYS_MAX = 3650                 # a price key is a whole number of days, 1..3650
PRICE_CENTS_MAX = 1_000_000_000       # $10,000,000 for one duration
PRICES_MAX = 50                       # durations per server
DISK_CONFIGS_MAX = 12                 # entries in specs.disks.config
DISK_COUNT_MAX = 1000                 # disks in one entry
DISK_CAPACITY_GB_MAX = 1_000_000      # 1 PB per disk
INT_COLUMN_MAX = 2_147_483_647        # 32-bit INTEGER columns
TRAFFIC_TB_MAX = 1_000_000.0
REGION_MAX = 64
CITY_MAX = 100
DATACENTER_MAX = 100
MODEL_MAX = 200
DISK_INTERFACE_MAX = 50
DISK_SUMMARY_MAX = 300

IMPORT_CHUNK_SIZE = 5000              # records validated and inserted per batch
_ID_QUERY_CHUNK = 500                 # ids per "which of these exist" query (SQLite's parameter limit)

# --- The record -----------------------------------------------------------------------------------


class _Record(BaseModel):
    # Strict: "7" is not a number and 1 is not a boolean. Unknown fields (price_tiers,
    # bandwidth_formatted, anything else) are ignored.
    model_config = ConfigDict(strict=True, extra="ignore")


def _text(max_length: int):
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)]


def _int(minimum: int, maximum: int = INT_COLUMN_MAX):
    return Annotated[int, Field(ge=minimum, le=maximum)]


def _parse_days(value: Any) -> int:
    """A price key: the duration in days, ``"7"`` (JSON keys are strings) or 7 (from Python)."""
    if isinstance(value, str) and re.fullmatch(r"[1-9][0-9]{0,3}", value):
        days = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        days = value
    else:
        days = 0
    if not 1 <= days <= PRICE_DAYS_MAX:
        raise PydanticCustomError(
            "price_days", f"a duration must be a whole number of days from 1 to {PRICE_DAYS_MAX}"
        )
    return days


def _parse_price(value: Any) -> int:
    """A price: ``"70.00"`` (or the JSON number 70) dollars -> 7000 cents."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise PydanticCustomError("price_type", 'must be a price in dollars such as "12.50"')
    try:
        cents = parse_dollars(value)
    except InvalidAmount:
        raise PydanticCustomError(
            "price_format", 'must be a price in dollars with at most 2 decimals, such as "12.50"'
        ) from None
    if cents <= 0:
        raise PydanticCustomError("price_range", "must be greater than 0")
    if cents > PRICE_CENTS_MAX:
        raise PydanticCustomError("price_range", f"must be at most {format_cents(PRICE_CENTS_MAX)}")
    return cents


Days = Annotated[int, PlainValidator(_parse_days)]
PriceCents = Annotated[int, PlainValidator(_parse_price)]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$"), AfterValidator(str.upper)]
ServerId = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{24}$"), AfterValidator(str.lower)]


class PricingRecord(_Record):
    prices: Annotated[dict[Days, PriceCents], Field(max_length=PRICES_MAX)]  # days -> cents

    @field_validator("prices")
    @classmethod
    def _at_least_one(cls, prices: dict[int, int]) -> dict[int, int]:
        if not prices:
            raise PydanticCustomError("no_prices", "must have at least one price")
        return dict(sorted(prices.items()))


class CpuRecord(_Record):
    model: _text(MODEL_MAX)
    cores: _int(1)
    threads: _int(1)
    score: _int(0)
    score_type: Literal[CPU_SCORE_TYPES]


class RamRecord(_Record):
    capacity_gb: _int(1)
    type: Literal[RAM_TYPES]
    speed_mhz: _int(0)


class DiskRecord(_Record):
    count: _int(1, DISK_COUNT_MAX)
    capacity_gb: _int(1, DISK_CAPACITY_GB_MAX)
    type: Literal[DISK_TYPES]
    interface: _text(DISK_INTERFACE_MAX)


class DisksRecord(_Record):
    config: Annotated[list[DiskRecord], Field(min_length=1, max_length=DISK_CONFIGS_MAX)]
    total_gb: int | None = None      # checked against config; computed when absent
    summary: _text(DISK_SUMMARY_MAX) | None = None  # computed when absent

    @field_validator("total_gb")
    @classmethod
    def _total_matches(cls, total_gb: int | None, info) -> int | None:
        config = info.data.get("config")
        if total_gb is not None and config is not None:
            expected = total_storage_gb(config)
            if total_gb != expected:
                raise PydanticCustomError(
                    "total_gb", f"must equal the sum of count x capacity_gb over the config ({expected})"
                )
        return total_gb


class NetworkRecord(_Record):
    bandwidth_mbps: _int(1)
    # Declared before traffic_tb so that traffic_tb's check can see it.
    traffic_unlimited: bool
    traffic_tb: Annotated[float, Field(ge=0, le=TRAFFIC_TB_MAX, allow_inf_nan=False)] | None = Field(
        default=None, validate_default=True
    )

    @field_validator("traffic_tb")
    @classmethod
    def _traffic_matches_unlimited(cls, traffic_tb: float | None, info) -> float | None:
        unlimited = info.data.get("traffic_unlimited")
        if unlimited is True and traffic_tb is not None:
            raise PydanticCustomError("traffic", "must be null when traffic_unlimited is true")
        if unlimited is False and traffic_tb is None:
            raise PydanticCustomError("traffic", "is required (a number of TB) when traffic_unlimited is false")
        return traffic_tb


class AdditionalRecord(_Record):
    ipv4_count: _int(0)
    ipv6_enabled: bool


class SpecsRecord(_Record):
    cpu: CpuRecord
    ram: RamRecord
    disks: DisksRecord
    network: NetworkRecord
    additional: AdditionalRecord


class ServerRecord(_Record):
    """One server of an import file: the browse object with ``pricing.prices`` filled in."""

    id: ServerId | None = None
    name: _text(SERVER_NAME_MAX)
    country: Country
    region: _text(REGION_MAX)
    city: _text(CITY_MAX)
    datacenter: _text(DATACENTER_MAX)
    model: _text(MODEL_MAX)
    is_vm: bool
    category: Literal[SERVER_CATEGORIES]
    featured: bool
    popularity_rank: _int(1)
    setup_time_minutes: _int(0)
    pricing: PricingRecord
    specs: SpecsRecord


_RECORDS = TypeAdapter(list[ServerRecord])

# --- Errors ---------------------------------------------------------------------------------------

_PATTERN_RULES = {
    "country": "must be a 2-letter country code such as US",
    "id": "must be 24 hexadecimal characters",
}


def _describe(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    last = str(error["loc"][-1]) if error["loc"] else ""
    if kind == "missing":
        return "is required"
    if kind == "string_type":
        return "must be a string"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters"
    if kind == "string_pattern_mismatch":
        return _PATTERN_RULES.get(last, "has an invalid format")
    if kind in ("literal_error", "enum"):
        expected = ctx.get("expected", "").replace("'", "").replace(" or ", ", ")
        return f"must be one of: {expected}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "must be an object"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "must be an integer"
    if kind in ("float_type", "float_parsing"):
        return "must be a number"
    if kind == "finite_number":
        return "must be a finite number"
    if kind in ("bool_type", "bool_parsing"):
        return "must be true or false"
    if kind == "list_type":
        return "must be an array"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length', 1)} item(s)"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} items"
    if kind == "greater_than_equal":
        return f"must be at least {ctx['ge']}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']}"
    if kind == "greater_than":
        return f"must be greater than {ctx['gt']}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]


def _field(loc: tuple) -> str:
    """``("specs", "cpu", "cores")`` -> ``"specs.cpu.cores"``; a bad price key is named by the key."""
    parts = [str(part) for part in loc]
    if parts and parts[-1] == "[key]":
        parts.pop()
    return ".".join(parts)


def _error(index: int, field: str, message: str) -> dict:
    return {"index": index, "field": field, "message": message}


def format_error(error: dict, record: Any = None) -> str:
    """One problem as a line: ``record 3 (name "x"): specs.cpu.cores: must be at least 1``."""
    where = f"record {error['index']}"
    name = record.get("name") if isinstance(record, dict) else None
    if isinstance(name, str) and name.strip():
        shown = name if len(name) <= 60 else name[:57] + "..."
        where += f" (name {json.dumps(shown, ensure_ascii=False)})"
    if error.get("field"):
        return f"{where}: {error['field']}: {error['message']}"
    return f"{where}: {error['message']}"


# --- Validation -----------------------------------------------------------------------------------


def _validate_chunk(items: list, offset: int) -> tuple[dict[int, ServerRecord], list[dict]]:
    """The valid records of a chunk by absolute index, and every problem of the others."""
    try:
        records = _RECORDS.validate_python(items)
        return {offset + i: record for i, record in enumerate(records)}, []
    except ValidationError as exc:
        errors, bad = [], set()
        for problem in exc.errors(include_url=False):
            index = offset + problem["loc"][0]
            bad.add(index)
            errors.append(_error(index, _field(problem["loc"][1:]), _describe(problem)))
    # Validate the good ones again on their own to get their records (errors are the rare path).
    good = {offset + i: item for i, item in enumerate(items) if offset + i not in bad}
    records = _RECORDS.validate_python(list(good.values())) if good else []
    return dict(zip(good.keys(), records)), errors


def existing_server_ids(ids: Iterable[str]) -> set[str]:
    """Which of these ids the inventory already has."""
    ids = list(ids)
    found: set[str] = set()
    for start in range(0, len(ids), _ID_QUERY_CHUNK):
        chunk = ids[start:start + _ID_QUERY_CHUNK]
        found.update(db.session.scalars(select(Server.id).where(Server.id.in_(chunk))))
    return found


class _IdCheck:
    """Duplicate ids across the whole input, and ids the database already has."""

    def __init__(self, check_database: bool, skip_existing: bool):
        self.first_index: dict[str, int] = {}
        self.check_database = check_database
        self.skip_existing = skip_existing

    def check(self, records: dict[int, ServerRecord], errors: list[dict]) -> set[int]:
        """Adds an error per clashing id; returns the indexes to skip silently (already in the database)."""
        fresh: dict[str, int] = {}
        for index, record in records.items():
            if record.id is None:
                continue
            first = self.first_index.setdefault(record.id, index)
            if first != index:
                errors.append(_error(index, "id", f"duplicates the id of record {first}"))
            else:
                fresh[record.id] = index
        skip: set[int] = set()
        if self.check_database and fresh:
            for server_id in existing_server_ids(fresh):
                if self.skip_existing:
                    skip.add(fresh[server_id])
                else:
                    errors.append(_error(fresh[server_id], "id", "a server with this id already exists"))
        return skip


def validate_records(items: list, check_database: bool = True) -> tuple[list[ServerRecord], list[dict]]:
    """``(records, errors)``: the valid records in input order, and every problem of the others.

    Each error is ``{"index": i, "field": "specs.cpu.cores", "message": "must be at least 1"}``
    (``index`` counts from 0, as in the JSON array; ``field`` is empty when the record itself is
    wrong, e.g. not an object). Ids repeated in ``items`` and, with ``check_database``, ids the
    inventory already has are errors too. The database check needs an application context.
    """
    if not isinstance(items, list):
        raise BadRequest("The servers must be a JSON array of server objects")
    ids = _IdCheck(check_database, skip_existing=False)
    records: dict[int, ServerRecord] = {}
    errors: list[dict] = []
    for start in range(0, len(items), IMPORT_CHUNK_SIZE):
        chunk_records, chunk_errors = _validate_chunk(items[start:start + IMPORT_CHUNK_SIZE], start)
        ids.check(chunk_records, chunk_errors)
        records.update(chunk_records)
        errors.extend(chunk_errors)
    errors.sort(key=lambda e: e["index"])  # stable: fields keep their order within a record
    bad = {e["index"] for e in errors}
    return [record for index, record in records.items() if index not in bad], errors


def validate_record(item: Any) -> ServerRecord:
    """One record, or ``BadRequest`` whose details are ``{"field", "message"}`` (no database check)."""
    records, errors = validate_records([item], check_database=False)
    if errors:
        details = [{"field": e["field"], "message": e["message"]} for e in errors]
        summary = "; ".join(f"{d['field']} {d['message']}".strip() for d in details)
        raise BadRequest(f"Validation failed: {summary}", details)
    return records[0]


# --- Derived values -------------------------------------------------------------------------------


def _disk_value(disk: Any, name: str):
    return disk[name] if isinstance(disk, dict) else getattr(disk, name)


def total_storage_gb(config: Iterable) -> int:
    return sum(_disk_value(d, "count") * _disk_value(d, "capacity_gb") for d in config)


def _format_capacity(capacity_gb: int) -> str:
    """``1000`` -> ``"1TB"``, ``1920`` -> ``"1.92TB"``, ``480`` -> ``"480GB"`` (decimal units, as disks are sold)."""
    if capacity_gb < 1000:
        return f"{capacity_gb}GB"
    whole, rest = divmod(capacity_gb, 1000)
    return f"{whole}TB" if rest == 0 else f"{whole}.{rest:03d}".rstrip("0") + "TB"


def disk_summary(config: Iterable) -> str:
    """``"2x1TB NVMe + 6x15TB NVMe"``."""
    return " + ".join(
        f"{_disk_value(d, 'count')}x{_format_capacity(_disk_value(d, 'capacity_gb'))} {_disk_value(d, 'type')}"
        for d in config
    )


def format_bandwidth(mbps: int) -> str:
    """``10000`` -> ``"10 Gbps"``, ``2500`` -> ``"2.5 Gbps"``, ``500`` -> ``"500 Mbps"``."""
    for size, unit in ((1_000_000, "Tbps"), (1000, "Gbps")):
        if mbps >= size:
            value = (Decimal(mbps) / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
            return f"{value:f} {unit}"
    return f"{mbps} Mbps"


def price_per_day_millicents(price_cents: int, days: int) -> int:
    """ceil(price / days) in thousandths of a cent."""
    return -(-price_cents * 1000 // days)


def _round_2(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def price_tiers(prices: dict[int, int]) -> dict[str, dict]:
    """``{days: cents}`` -> ``{"7": {"days": 7, "price": "70.00", "price_per_day": "10.00", "discount_percent": 16.67}}``.

    ``price_per_day`` is rounded half up to the cent; ``discount_percent`` compares the per-day rate
    with the 1-day rate (or the shortest duration's when there is no 1-day price), rounded to 2
    decimals; it is 0 for that base duration and negative if a duration costs more per day.
    """
    if not prices:
        return {}
    ordered = sorted(prices.items())
    base_days, base_cents = ordered[0]
    base_rate = Fraction(base_cents, base_days)
    tiers = {}
    for days, cents in ordered:
        rate = Fraction(cents, days)
        discount = (1 - rate / base_rate) * 100 if base_rate else Fraction(0)
        tiers[str(days)] = {
            "days": days,
            "price": format_cents(cents),
            "price_per_day": f"{_round_2(rate / 100):f}",
            "discount_percent": _number(_round_2(discount)),
        }
    return tiers


# --- Records to rows ------------------------------------------------------------------------------


def _rows(record: ServerRecord, now) -> tuple[dict, list[dict], list[dict]]:
    """The column values of one server, its price rows and its disk type rows."""
    specs = record.specs
    config = [disk.model_dump() for disk in specs.disks.config]
    server_id = record.id or new_id()
    prices = record.pricing.prices
    price_rows = [
        {"server_id": server_id, "days": days, "price_cents": cents,
         "price_per_day_millicents": price_per_day_millicents(cents, days)}
        for days, cents in prices.items()
    ]
    disk_types = list(dict.fromkeys(disk["type"] for disk in config))
    traffic = specs.network.traffic_tb
    server = {
        "id": server_id,
        "name": record.name,
        "country": record.country,
        "region": record.region,
        "city": record.city,
        "datacenter": record.datacenter,
        "model": record.model,
        "is_vm": record.is_vm,
        "category": record.category,
        "featured": record.featured,
        "popularity_rank": record.popularity_rank,
        "setup_time_minutes": record.setup_time_minutes,
        "cpu_model": specs.cpu.model,
        "cpu_cores": specs.cpu.cores,
        "cpu_threads": specs.cpu.threads,
        "cpu_score": specs.cpu.score,
        "cpu_score_type": specs.cpu.score_type,
        "ram_gb": specs.ram.capacity_gb,
        "ram_type": specs.ram.type,
        "ram_speed_mhz": specs.ram.speed_mhz,
        "disks": config,
        "total_storage_gb": total_storage_gb(config),
        "disk_summary": specs.disks.summary or disk_summary(config),
        "bandwidth_mbps": specs.network.bandwidth_mbps,
        "traffic_tb": None if traffic is None else float(traffic),
        "traffic_unlimited": specs.network.traffic_unlimited,
        "ipv4_count": specs.additional.ipv4_count,
        "ipv6_enabled": specs.additional.ipv6_enabled,
        "min_price_per_day_millicents": min(row["price_per_day_millicents"] for row in price_rows),
        "reserved_until": None,
        "created_at": now,
        "updated_at": now,
    }
    disk_rows = [{"server_id": server_id, "disk_type": disk_type} for disk_type in disk_types]
    return server, price_rows, disk_rows


def build_server(record: ServerRecord | dict) -> Server:
    """A new, unsaved ``Server`` with every column (computed ones included), its prices and disk types.

    A dict is validated first (``BadRequest`` with details if it is not a valid record). Without an
    ``id`` in the record, a new one is made.
    """
    if not isinstance(record, ServerRecord):
        record = validate_record(record)
    server_row, price_rows, disk_rows = _rows(record, utcnow())
    server = Server(**server_row)
    server.prices = [ServerPrice(**row) for row in price_rows]
    server.disk_types = [ServerDiskType(**row) for row in disk_rows]
    return server


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def import_servers(items: Iterable[dict], *, skip_existing: bool = False,
                   chunk_size: int = IMPORT_CHUNK_SIZE) -> int:
    """Insert servers from records; all or nothing. Returns how many were inserted.

    Every record is validated; if any is invalid, ``BadRequest`` is raised with every problem in
    ``details`` (see ``validate_records``) and nothing is written. Otherwise all servers, prices and
    disk types go in with bulk inserts, in chunks, in one transaction.

    ``items`` may be any iterable (a generator keeps memory flat for very large inputs: records are
    validated and inserted chunk by chunk, and the transaction is rolled back if a later chunk
    turns out to be bad). With ``skip_existing``, records whose id is already in the inventory are
    skipped instead of refused (``flask seed-demo`` re-runs that way).
    """
    if isinstance(items, (str, bytes, dict)) or not isinstance(items, Iterable):
        raise BadRequest("The servers must be a JSON array of server objects")
    ids = _IdCheck(check_database=True, skip_existing=skip_existing)
    errors: list[dict] = []
    inserted = 0
    now = utcnow()
    try:
        for offset, chunk in _enumerate_chunks(items, chunk_size):
            records, chunk_errors = _validate_chunk(chunk, offset)
            skip = ids.check(records, chunk_errors)
            errors.extend(chunk_errors)
            if errors:
                continue  # keep validating to report everything; nothing more is written
            servers, prices, disk_types = [], [], []
            for index, record in records.items():
                if index in skip:
                    continue
                server, price_rows, disk_rows = _rows(record, now)
                servers.append(server)
                prices.extend(price_rows)
                disk_types.extend(disk_rows)
            if servers:
                db.session.execute(insert(Server), servers)
                db.session.execute(insert(ServerPrice), prices)
                db.session.execute(insert(ServerDiskType), disk_types)
                inserted += len(servers)
        if errors:
            db.session.rollback()
            errors.sort(key=lambda e: e["index"])
            records_with_errors = len({e["index"] for e in errors})
            raise BadRequest(
                f"{len(errors)} problem(s) in {records_with_errors} record(s); nothing was imported", errors
            )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return inserted


def _enumerate_chunks(items: Iterable, size: int) -> Iterator[tuple[int, list]]:
    offset = 0
    for chunk in _chunks(items, size):
        yield offset, chunk
        offset += len(chunk)


# --- Servers to the API's shape -------------------------------------------------------------------


def _traffic(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def server_specs(server: Server) -> dict:
    """The ``specs`` object of a server."""
    return {
        "cpu": {
            "model": server.cpu_model,
            "cores": server.cpu_cores,
            "threads": server.cpu_threads,
            "score": server.cpu_score,
            "score_type": server.cpu_score_type,
        },
        "ram": {"capacity_gb": server.ram_gb, "type": server.ram_type, "speed_mhz": server.ram_speed_mhz},
        "disks": {
            "config": [
                {"count": d["count"], "capacity_gb": d["capacity_gb"], "type": d["type"], "interface": d["interface"]}
                for d in server.disks
            ],
            "total_gb": server.total_storage_gb,
            "summary": server.disk_summary,
        },
        "network": {
            "bandwidth_mbps": server.bandwidth_mbps,
            "bandwidth_formatted": format_bandwidth(server.bandwidth_mbps),
            "traffic_tb": _traffic(server.traffic_tb),
            "traffic_unlimited": server.traffic_unlimited,
        },
        "additional": {"ipv4_count": server.ipv4_count, "ipv6_enabled": server.ipv6_enabled},
    }


def _identity(server: Server) -> dict:
    return {
        "id": server.id,
        "name": server.name,
        "country": server.country,
        "region": server.region,
        "city": server.city,
        "datacenter": server.datacenter,
        "model": server.model,
        "is_vm": server.is_vm,
    }


def server_prices(server: Server) -> dict[int, int]:
    """``{days: cents}`` from the server's price rows."""
    return {price.days: price.price_cents for price in sorted(server.prices, key=lambda p: p.days)}


def server_to_dict(server: Server, prices: dict[int, int] | None = None) -> dict:
    """The marketplace's browse object, field for field as the seed's example.

    ``prices`` (``{days: cents}``) saves loading ``server.prices`` when the caller already has them.
    """
    prices = dict(sorted((prices if prices is not None else server_prices(server)).items()))
    data = _identity(server)
    data.update({
        "category": server.category,
        "featured": server.featured,
        "popularity_rank": server.popularity_rank,
        "setup_time_minutes": server.setup_time_minutes,
        "pricing": {
            "prices": {str(days): format_cents(cents) for days, cents in prices.items()},
            "price_tiers": price_tiers(prices),
        },
        "specs": server_specs(server),
    })
    return data


def rental_server_to_dict(server: Server) -> dict:
    """The server as embedded in a rental (the seed's ``GET /rentals`` example): no pricing, no ranking."""
    data = _identity(server)
    data["specs"] = server_specs(server)
    return data
