"""The inventory: what a valid server record is, how it becomes rows, and how a server is shown.

One definition serves every way servers arrive (``flask servers import``, ``flask seed-demo``, the
admin pages and the API later): a record is the marketplace's browse object (see
``docs/inventory-format.md``) with ``pricing.prices`` filled in. Everything derived from it (total
storage, disk summary, formatted bandwidth, per-day prices, price tiers) is computed here.

Public functions:

- ``validate_records(items)`` -> ``(records, errors)``: every problem of every record, by index and field;
  ``validate_record(item)`` for one record (a form, an API body).
- ``build_server(record)`` -> a transient ``Server`` with its ``ServerPrice`` and ``ServerDiskType`` rows.
- ``import_servers(items)`` -> number inserted; all or nothing, bulk inserts in one transaction.
- ``price_tiers(prices)``, ``server_to_dict(server)``: the browse object, exactly as the API shows it.
"""

import gc
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError
from pydantic.functional_validators import AfterValidator
from pydantic_core import PydanticCustomError
from sqlalchemy import JSON, insert, select
from typing_extensions import NotRequired, TypedDict  # pydantic needs these on Python < 3.12

from core.extensions import db
from core.ids import new_id
from core.limits import (
    CPU_SCORE_TYPES,
    DISK_TYPES,
    DURATION_DAYS_MAX,
    RAM_TYPES,
    SERVER_CATEGORIES,
    SERVER_NAME_MAX,
)
from core.money import InvalidAmount, format_cents, parse_dollars
from core.timeutil import utcnow
from models import Server, ServerDiskType, ServerPrice
from services.errors import BadRequest
from services.validation import describe, field_name

# --- Limits of the import format (beyond core.limits; they keep every value inside its column) ---

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

# servers.disk_type_bits: one bit per disk type (migration 0004 fills existing rows with these values).
DISK_TYPE_BITS = {disk_type: 1 << position for position, disk_type in enumerate(DISK_TYPES)}

IMPORT_CHUNK_SIZE = 5000              # records validated and inserted per batch
_ID_QUERY_CHUNK = 500                 # ids per "which of these exist" query (SQLite's parameter limit)

# --- The record -----------------------------------------------------------------------------------
#
# The schema is a set of TypedDicts validated by pydantic (strict: "7" is not a number and 1 is not
# a boolean; unknown fields such as price_tiers or bandwidth_formatted are ignored). TypedDicts
# rather than BaseModels because they validate about four times faster, and an import may hold
# 100,000 records. Rules that tie fields together run as one after-validator per object and report
# each problem under its own field (see _rules).

_CONFIG = ConfigDict(strict=True, extra="ignore")


def _text(max_length: int):
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)]


def _int(minimum: int, maximum: int = INT_COLUMN_MAX):
    return Annotated[int, Field(ge=minimum, le=maximum)]


def _rules(check):
    """An after-validator: ``check(value)`` returns ``(value, [(field, problem), ...])``.

    Its problems travel as one pydantic error; ``_validate_chunk`` turns them back into one error
    per field, so every problem is reported under its own name.
    """
    def validate(value):
        value, problems = check(value)
        if problems:
            summary = "; ".join(f"{field}: {problem}" if field else problem for field, problem in problems)
            raise PydanticCustomError("rules", "{summary}", {"summary": summary, "problems": problems})
        return value

    return AfterValidator(validate)


Country = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$"), AfterValidator(str.upper)]
ServerId = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{24}$"), AfterValidator(str.lower)]

_DAYS_KEY = re.compile(r"[1-9][0-9]{0,3}")
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")
DAYS_RULE = f"a duration must be a whole number of days from 1 to {DURATION_DAYS_MAX}"
PRICE_RULE = 'must be a price in dollars such as "12.50"'


def _duration(key: Any) -> int | None:
    """A price key: days as a string (JSON keys always are) or, from Python, an int."""
    if isinstance(key, str) and _DAYS_KEY.fullmatch(key):
        days = int(key)
    elif isinstance(key, int) and not isinstance(key, bool):
        days = key
    else:
        return None
    return days if 1 <= days <= DURATION_DAYS_MAX else None


def _price_cents(value: Any) -> tuple[int | None, str | None]:
    """``"70.00"`` or the JSON number 70 -> ``(7000, None)``; otherwise ``(None, problem)``."""
    if isinstance(value, str):
        if not _DECIMAL.fullmatch(value):
            return None, PRICE_RULE
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        return None, PRICE_RULE
    try:
        cents = parse_dollars(value)
    except InvalidAmount:
        return None, "must have at most 2 decimals" if isinstance(value, (str, float)) else PRICE_RULE
    if cents <= 0:
        return None, "must be greater than 0"
    if cents > PRICE_CENTS_MAX:
        return None, f"must be at most {format_cents(PRICE_CENTS_MAX)}"
    return cents, None


def check_prices(prices: dict) -> tuple[dict[int, int], list[tuple[str, str]]]:
    """``pricing.prices`` -> ``({days: cents} sorted by days, [(key, problem), ...])``."""
    converted: dict[int, int] = {}
    problems: list[tuple[str, str]] = []
    if not prices:
        problems.append(("", "must have at least one price"))
    elif len(prices) > PRICES_MAX:
        problems.append(("", f"must have at most {PRICES_MAX} prices"))
    for key, value in prices.items():
        days = _duration(key)
        cents, problem = _price_cents(value)
        if days is None:
            problems.append((str(key), DAYS_RULE))
        elif days in converted:
            problems.append((str(key), f"repeats the duration {days}"))
        if problem:
            problems.append((str(key), problem))
        elif days is not None:
            converted[days] = cents
    return dict(sorted(converted.items())), problems


def _check_disks(disks: dict):
    total = disks.get("total_gb")
    if total is not None:
        expected = total_storage_gb(disks["config"])
        if total != expected:
            return disks, [("total_gb", f"must equal the sum of count x capacity_gb over config ({expected})")]
    return disks, []


def _check_network(network: dict):
    traffic = network.get("traffic_tb")
    if network["traffic_unlimited"] and traffic is not None:
        return network, [("traffic_tb", "must be null when traffic_unlimited is true")]
    if not network["traffic_unlimited"] and traffic is None:
        return network, [("traffic_tb", "is required (a number of TB) when traffic_unlimited is false")]
    return network, []


class Pricing(TypedDict):
    __pydantic_config__ = _CONFIG
    # {"<days>": "<dollars>"} in; {days: cents} once validated (see check_prices).
    prices: Annotated[dict, _rules(check_prices)]


class Cpu(TypedDict):
    __pydantic_config__ = _CONFIG
    model: _text(MODEL_MAX)
    cores: _int(1)
    threads: _int(1)
    score: _int(0)
    score_type: Literal[CPU_SCORE_TYPES]


class Ram(TypedDict):
    __pydantic_config__ = _CONFIG
    capacity_gb: _int(1)
    type: Literal[RAM_TYPES]
    speed_mhz: _int(0)


class Disk(TypedDict):
    __pydantic_config__ = _CONFIG
    count: _int(1, DISK_COUNT_MAX)
    capacity_gb: _int(1, DISK_CAPACITY_GB_MAX)
    type: Literal[DISK_TYPES]
    interface: _text(DISK_INTERFACE_MAX)


class Disks(TypedDict):
    __pydantic_config__ = _CONFIG
    config: Annotated[list[Disk], Field(min_length=1, max_length=DISK_CONFIGS_MAX)]
    total_gb: NotRequired[int | None]             # must match config; computed when absent
    summary: NotRequired[_text(DISK_SUMMARY_MAX) | None]  # computed when absent


class Network(TypedDict):
    __pydantic_config__ = _CONFIG
    bandwidth_mbps: _int(1)
    traffic_tb: NotRequired[Annotated[float, Field(ge=0, le=TRAFFIC_TB_MAX, allow_inf_nan=False)] | None]
    traffic_unlimited: bool


class Additional(TypedDict):
    __pydantic_config__ = _CONFIG
    ipv4_count: _int(0)
    ipv6_enabled: bool


class Specs(TypedDict):
    __pydantic_config__ = _CONFIG
    cpu: Cpu
    ram: Ram
    disks: Annotated[Disks, _rules(_check_disks)]
    network: Annotated[Network, _rules(_check_network)]
    additional: Additional


class ServerRecord(TypedDict):
    """One server of an import file: the browse object with ``pricing.prices`` filled in."""

    __pydantic_config__ = _CONFIG
    id: NotRequired[ServerId | None]  # kept when given, made when absent
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
    pricing: Pricing
    specs: Specs


_RECORDS = TypeAdapter(list[ServerRecord])


# --- Errors ---------------------------------------------------------------------------------------

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


@contextmanager
def gc_paused(paused: bool = True):
    """Pause the cyclic garbage collector around a bulk load.

    Loading, validating and inserting many records makes millions of objects that live until the
    end; each full collection walks all of them again, which triples the time of a large import.
    Reference counting still frees everything that is not in a cycle.
    """
    was_enabled = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused and was_enabled:
            gc.enable()


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _get(item: Any, *path: str) -> Any:
    for name in path:
        if not isinstance(item, dict):
            return None
        item = item.get(name)
    return item


# Objects with cross-field rules: where they are, their rule, and when their raw fields are
# sound enough to apply it although the object had other problems.
_RULED_OBJECTS = (
    (("specs", "disks"), _check_disks,
     lambda d: isinstance(d.get("config"), list) and d["config"] and all(
         isinstance(c, dict) and _is_int(c.get("count")) and _is_int(c.get("capacity_gb"))
         for c in d["config"]) and (d.get("total_gb") is None or _is_int(d.get("total_gb")))),
    (("specs", "network"), _check_network,
     lambda n: isinstance(n.get("traffic_unlimited"), bool)
     and (n.get("traffic_tb") is None or _is_number(n.get("traffic_tb")))),
)


def _validate_chunk(items: list, offset: int) -> tuple[dict[int, dict], list[dict]]:
    """The valid records of a chunk by absolute index, and every problem of the others.

    Records come out normalized, with ``pricing.prices`` as ``{days: cents}``.
    """
    try:
        records = _RECORDS.validate_python(items)
        return {offset + i: record for i, record in enumerate(records)}, []
    except ValidationError as exc:
        errors, bad, ruled = [], set(), set()
        for problem in exc.errors(include_url=False):
            index = offset + problem["loc"][0]
            bad.add(index)
            field = field_name(problem["loc"][1:])
            if problem["type"] == "rules":  # one error per field (see _rules)
                ruled.add((index, field))
                for name, message in problem["ctx"]["problems"]:
                    errors.append(_error(index, f"{field}.{name}" if name else field, message))
            else:
                errors.append(_error(index, field, describe(problem)))
    _add_rule_problems(items, offset, errors, ruled)
    # Validate the good ones again on their own to get their records (errors are the rare path).
    good = {offset + i: item for i, item in enumerate(items) if offset + i not in bad}
    records = _RECORDS.validate_python(list(good.values())) if good else []
    return dict(zip(good.keys(), records)), errors


def _add_rule_problems(items: list, offset: int, errors: list[dict], ruled: set) -> None:
    """A cross-field rule runs only on an object whose fields all passed; when some did not, apply
    it to the raw fields that did, so that one pass reports every problem. (``ruled``: the
    ``(index, object field)`` pairs whose rules ran already.)"""
    failed_objects = set()
    for error in errors:
        for path, _, _ in _RULED_OBJECTS:
            field = ".".join(path)
            if error["field"].startswith(field + ".") and (error["index"], field) not in ruled:
                failed_objects.add((error["index"], path))
    for index, path in sorted(failed_objects):
        raw = _get(items[index - offset], *path)
        for ruled_path, check, sound in _RULED_OBJECTS:
            if ruled_path == path and isinstance(raw, dict) and sound(raw):
                field = ".".join(path)
                errors.extend(_error(index, f"{field}.{name}", message) for name, message in check(raw)[1])


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

    def check(self, records: dict[int, dict], errors: list[dict]) -> set[int]:
        """Adds an error per clashing id; returns the indexes to skip silently (already in the database)."""
        fresh: dict[str, int] = {}
        for index, record in records.items():
            server_id = record.get("id")
            if server_id is None:
                continue
            first = self.first_index.setdefault(server_id, index)
            if first != index:
                errors.append(_error(index, "id", f"duplicates the id of record {first}"))
            else:
                fresh[server_id] = index
        skip: set[int] = set()
        if self.check_database and fresh:
            for server_id in existing_server_ids(fresh):
                if self.skip_existing:
                    skip.add(fresh[server_id])
                else:
                    errors.append(_error(fresh[server_id], "id", "a server with this id already exists"))
        return skip


def _public(record: dict) -> dict:
    """An internal record (prices in cents) in the import form again: ``{"7": "70.00"}``."""
    pricing = record["pricing"]
    pricing["prices"] = {str(days): format_cents(cents) for days, cents in pricing["prices"].items()}
    return record


def validate_records(items: list, check_database: bool = True) -> tuple[list[dict], list[dict]]:
    """``(records, errors)``: the valid records, normalized, in input order; every problem of the others.

    Each error is ``{"index": i, "field": "specs.cpu.cores", "message": "must be at least 1"}``
    (``index`` counts from 0, as in the JSON array; ``field`` is empty when the record itself is
    wrong, e.g. not an object); a record has as many errors as it has bad fields. Ids repeated in
    ``items`` and, with ``check_database``, ids the inventory already has are errors too (the
    database check needs an application context).

    A normalized record is a valid record again: strings stripped, ``country`` upper case, ``id``
    lower case, unknown fields dropped, ``pricing.prices`` as ``{"<days>": "12.00"}`` sorted by days.
    """
    if not isinstance(items, list):
        raise BadRequest("The servers must be a JSON array of server objects")
    ids = _IdCheck(check_database, skip_existing=False)
    records: dict[int, dict] = {}
    errors: list[dict] = []
    with gc_paused(len(items) > 1000):
        for start in range(0, len(items), IMPORT_CHUNK_SIZE):
            chunk_records, chunk_errors = _validate_chunk(items[start:start + IMPORT_CHUNK_SIZE], start)
            ids.check(chunk_records, chunk_errors)
            records.update(chunk_records)
            errors.extend(chunk_errors)
    errors.sort(key=lambda e: e["index"])  # stable: fields keep their order within a record
    bad = {e["index"] for e in errors}
    return [_public(record) for index, record in records.items() if index not in bad], errors


def _validate_one(item: Any) -> dict:
    """One record in the internal form, or ``BadRequest`` with ``{"field", "message"}`` details."""
    records, errors = _validate_chunk([item], 0)
    if errors:
        details = [{"field": e["field"], "message": e["message"]} for e in errors]
        raise BadRequest.for_fields(details, "Validation failed: ")
    return records[0]


def validate_record(item: Any) -> dict:
    """One record, normalized; ``BadRequest`` with ``{"field", "message"}`` details if it is invalid.

    No database check: for a form or an API body, where a clashing id is the caller's to report.
    """
    return _public(_validate_one(item))


# --- Derived values -------------------------------------------------------------------------------


def total_storage_gb(config: Iterable[dict]) -> int:
    return sum(disk["count"] * disk["capacity_gb"] for disk in config)


def _format_capacity(capacity_gb: int) -> str:
    """``1000`` -> ``"1TB"``, ``1920`` -> ``"1.92TB"``, ``480`` -> ``"480GB"`` (decimal units, as disks are sold)."""
    if capacity_gb < 1000:
        return f"{capacity_gb}GB"
    whole, rest = divmod(capacity_gb, 1000)
    return f"{whole}TB" if rest == 0 else f"{whole}.{rest:03d}".rstrip("0") + "TB"


def disk_summary(config: Iterable[dict]) -> str:
    """``"2x1TB NVMe + 6x15TB NVMe"``."""
    return " + ".join(f"{d['count']}x{_format_capacity(d['capacity_gb'])} {d['type']}" for d in config)


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


def _half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` (denominator > 0) rounded to a whole number, halves away from zero."""
    quotient = (2 * abs(numerator) + denominator) // (2 * denominator)
    return -quotient if numerator < 0 else quotient


def price_tiers(prices: dict[int, int]) -> dict[str, dict]:
    """``{days: cents}`` -> ``{"<days>": {"days", "price", "price_per_day", "discount_percent"}}``.

    ``{1: 1200, 7: 7000}`` gives ``"7": {"days": 7, "price": "70.00", "price_per_day": "10.00",
    "discount_percent": 16.67}``.

    ``price_per_day`` is rounded half up to the cent; ``discount_percent`` compares the per-day rate
    with the 1-day rate (or the shortest duration's when there is no 1-day price), rounded to 2
    decimals; it is 0 for that base duration and negative if a duration costs more per day.
    """
    if not prices:
        return {}
    # Whole-number arithmetic (a page of the marketplace computes a few hundred of these).
    ordered = sorted(prices.items())
    base_days, base_cents = ordered[0]
    tiers = {}
    for days, cents in ordered:
        discount: int | float = 0
        if base_cents:
            # 100 * (1 - (cents / days) / (base_cents / base_days)), in hundredths
            hundredths = _half_up(10000 * (days * base_cents - cents * base_days), days * base_cents)
            discount = hundredths // 100 if hundredths % 100 == 0 else hundredths / 100
        tiers[str(days)] = {
            "days": days,
            "price": format_cents(cents),
            "price_per_day": format_cents(_half_up(cents, days)),
            "discount_percent": discount,
        }
    return tiers


# --- Records to rows ------------------------------------------------------------------------------


def _id_sequence() -> Iterator[str]:
    """Ids for a bulk insert: the usual shape (a 4-byte time, 8 more bytes), but consecutive after a
    random start, so new rows append to the id indexes instead of landing all over them."""
    first = new_id()
    prefix, start = first[:8], int(first[8:], 16) >> 1  # room to count up without wrapping
    return (f"{prefix}{start + n:016x}" for n in itertools.count())


def disk_type_bits(disk_types: Iterable[str]) -> int:
    """``servers.disk_type_bits`` for a server with these disk types."""
    bits = 0
    for disk_type in disk_types:
        bits |= DISK_TYPE_BITS[disk_type]
    return bits


def durations_key(prices: dict[int, int]) -> str:
    """``servers.durations_key`` for a server with these prices: its durations as ``|1|7|30|``."""
    return "|" + "".join(f"{days}|" for days in sorted(prices))


def _rows(record: dict, now, make_id=new_id) -> tuple[dict, list[dict], list[dict]]:
    """The column values of one server (internal record), its price rows and its disk type rows."""
    specs = record["specs"]
    cpu, ram, disks, network, additional = (
        specs["cpu"], specs["ram"], specs["disks"], specs["network"], specs["additional"]
    )
    config = disks["config"]
    server_id = record.get("id") or make_id()
    price_rows = [
        {"server_id": server_id, "days": days, "price_cents": cents,
         "price_per_day_millicents": -(-cents * 1000 // days)}
        for days, cents in record["pricing"]["prices"].items()
    ]
    traffic = network.get("traffic_tb")
    server = {
        "id": server_id,
        "name": record["name"],
        "country": record["country"],
        "region": record["region"],
        "city": record["city"],
        "datacenter": record["datacenter"],
        "model": record["model"],
        "is_vm": record["is_vm"],
        "category": record["category"],
        "featured": record["featured"],
        "popularity_rank": record["popularity_rank"],
        "setup_time_minutes": record["setup_time_minutes"],
        "cpu_model": cpu["model"],
        "cpu_cores": cpu["cores"],
        "cpu_threads": cpu["threads"],
        "cpu_score": cpu["score"],
        "cpu_score_type": cpu["score_type"],
        "ram_gb": ram["capacity_gb"],
        "ram_type": ram["type"],
        "ram_speed_mhz": ram["speed_mhz"],
        "disks": config,
        "total_storage_gb": total_storage_gb(config),
        "disk_summary": disks.get("summary") or disk_summary(config),
        "bandwidth_mbps": network["bandwidth_mbps"],
        "traffic_tb": None if traffic is None else float(traffic),
        "traffic_unlimited": network["traffic_unlimited"],
        "ipv4_count": additional["ipv4_count"],
        "ipv6_enabled": additional["ipv6_enabled"],
        "min_price_per_day_millicents": min(row["price_per_day_millicents"] for row in price_rows),
        "reserved_until": None,
        "disk_type_bits": disk_type_bits(disk["type"] for disk in config),
        "durations_key": durations_key(record["pricing"]["prices"]),
        "created_at": now,
        "updated_at": now,
    }
    disk_rows = [{"server_id": server_id, "disk_type": disk_type}
                 for disk_type in dict.fromkeys(disk["type"] for disk in config)]
    return server, price_rows, disk_rows


def build_server(record: dict) -> Server:
    """A new, unsaved ``Server`` with every column (computed ones included), its prices and disk types.

    ``record`` is an import record (raw or normalized); it is validated here (``BadRequest`` with
    details if invalid). Without an ``id`` in the record, a new one is made.
    """
    server_row, price_rows, disk_rows = _rows(_validate_one(record), utcnow())
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
    with gc_paused(), _import_settings():
        try:
            inserted = _insert_chunks(items, chunk_size, ids, errors, utcnow())
            if errors:
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


def _insert_chunks(items: Iterable, chunk_size: int, ids: "_IdCheck", errors: list[dict], now) -> int:
    """Validate and insert chunk by chunk; after the first error, only validate (to report all)."""
    inserted = 0
    make_id = _id_sequence().__next__
    for offset, chunk in _enumerate_chunks(items, chunk_size):
        records, chunk_errors = _validate_chunk(chunk, offset)
        skip = ids.check(records, chunk_errors)
        errors.extend(chunk_errors)
        if errors:
            continue  # keep validating to report everything; nothing more is written
        servers, prices, disk_types = [], [], []
        # In id order: index inserts then walk each B-tree once instead of jumping around it.
        for record in sorted((r for i, r in records.items() if i not in skip), key=_id_or_empty):
            server, price_rows, disk_rows = _rows(record, now, make_id)
            servers.append(server)
            prices.extend(price_rows)
            disk_types.extend(disk_rows)
        if servers:
            _bulk_insert(Server.__table__, servers)
            _bulk_insert(ServerPrice.__table__, prices)
            _bulk_insert(ServerDiskType.__table__, disk_types)
            inserted += len(servers)
    return inserted


def _id_or_empty(record: dict) -> str:
    return record.get("id") or ""


def _bulk_insert(table, rows: list[dict]) -> None:
    """Insert rows (dicts with the same keys) in the session's transaction, as fast as the database
    allows: COPY on PostgreSQL (psycopg), one executemany on the bare connection on SQLite (a third
    of the time SQLAlchemy takes to prepare the same parameters), a Core insert elsewhere. (The
    ORM's bulk insert splits rows into many small batches whenever a nullable value changes.)"""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    postgres = dialect.name == "postgresql" and dialect.driver == "psycopg"
    if not postgres and dialect.name != "sqlite":
        connection.execute(insert(table), rows)
        return
    columns = list(rows[0])
    processors = []
    for i, name in enumerate(columns):
        column_type = table.c[name].type
        if postgres and isinstance(column_type, JSON):  # psycopg adapts JSON itself; COPY takes it as text
            processors.append((i, dialect._json_serializer or json.dumps))
        elif (processor := column_type.bind_processor(dialect)) is not None:
            processors.append((i, processor))

    def values():
        for row in rows:
            value = [row[name] for name in columns]
            for i, processor in processors:
                value[i] = processor(value[i])
            yield value

    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    raw = connection.connection.dbapi_connection  # in the session's transaction
    if postgres:
        with raw.cursor() as cursor, cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
            for value in values():
                copy.write_row(value)
    else:
        marks = ", ".join("?" * len(columns))
        raw.cursor().executemany(f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})", values())


SQLITE_IMPORT_CACHE_KIB = 256 * 1024


@contextmanager
def _import_settings():
    """Database settings for a large import, for its transaction only.

    SQLite: a bigger page cache (with the default 2 MB, the index inserts of a large import keep
    going back to the file); the connection's own setting is restored after.
    PostgreSQL: no sequential scans. Its statistics still describe the table as it was before the
    import, so the "which of these ids exist" check of each chunk would read the whole growing
    table (minutes for 100,000 servers) instead of the primary key index.
    """
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        yield
        return
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.dbapi_connection  # the same connection after the commit
    previous = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size = {int(previous)}")


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


def rental_server_to_dict(server: Server) -> dict:
    """The ``server`` object of a rental: the browse object without marketplace fields and prices."""
    return {**_identity(server), "specs": server_specs(server)}


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
