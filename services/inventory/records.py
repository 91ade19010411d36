"""What a valid server record is: the import format's schema, its rules and their error reports.

A record is the marketplace's browse object (see ``docs/inventory-format.md``) with ``pricing.prices``
filled in. Validation reports every problem of every record, by index and field, so that one pass
over a file says all that is wrong with it.
"""
import gc
import json
import re
from collections.abc import Iterable
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError
from pydantic.functional_validators import AfterValidator
from pydantic_core import PydanticCustomError
from sqlalchemy import select
from typing_extensions import NotRequired, TypedDict  # pydantic needs these on Python < 3.12

from core.extensions import db
from core.ids import ID_PATTERN
from core.limits import (
    CITY_MAX,
    CPU_SCORE_TYPES,
    DATACENTER_MAX,
    DISK_CAPACITY_GB_MAX,
    DISK_CONFIGS_MAX,
    DISK_COUNT_MAX,
    DISK_INTERFACE_MAX,
    DISK_SUMMARY_MAX,
    DISK_TYPES,
    DURATION_DAYS_MAX,
    INT_COLUMN_MAX,
    MODEL_MAX,
    PRICE_CENTS_MAX,
    PRICES_MAX,
    RAM_TYPES,
    REGION_MAX,
    SERVER_CATEGORIES,
    SERVER_NAME_MAX,
    TRAFFIC_TB_MAX,
)
from core.money import InvalidAmount, format_cents, parse_dollars
from models import Server
from services.inventory.display import traffic_tb
from services.errors import BadRequest
from services.validation import describe, field_name

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

    Its problems travel as one pydantic error; ``validate_chunk`` turns them back into one error
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
ServerId = Annotated[str, StringConstraints(pattern=ID_PATTERN.pattern), AfterValidator(str.lower)]

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


def total_storage_gb(config: Iterable[dict]) -> int:
    return sum(disk["count"] * disk["capacity_gb"] for disk in config)


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


def validate_chunk(items: list, offset: int) -> tuple[dict[int, dict], list[dict]]:
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


class IdCheck:
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
    ids = IdCheck(check_database, skip_existing=False)
    records: dict[int, dict] = {}
    errors: list[dict] = []
    with gc_paused(len(items) > 1000):
        for start in range(0, len(items), IMPORT_CHUNK_SIZE):
            chunk_records, chunk_errors = validate_chunk(items[start:start + IMPORT_CHUNK_SIZE], start)
            ids.check(chunk_records, chunk_errors)
            records.update(chunk_records)
            errors.extend(chunk_errors)
    errors.sort(key=lambda e: e["index"])  # stable: fields keep their order within a record
    bad = {e["index"] for e in errors}
    return [_public(record) for index, record in records.items() if index not in bad], errors


def validate_one(item: Any) -> dict:
    """One record in the internal form, or ``BadRequest`` with ``{"field", "message"}`` details."""
    records, errors = validate_chunk([item], 0)
    if errors:
        details = [{"field": e["field"], "message": e["message"]} for e in errors]
        raise BadRequest.for_fields(details, "Validation failed: ")
    return records[0]


def validate_record(item: Any) -> dict:
    """One record, normalized; ``BadRequest`` with ``{"field", "message"}`` details if it is invalid.

    No database check: for a form or an API body, where a clashing id is the caller's to report.
    """
    return _public(validate_one(item))


def server_record(server: Server) -> dict:
    """A stored server in the import format, as an edit form starts from it (a valid record again)."""
    return {
        "id": server.id, "name": server.name, "country": server.country, "region": server.region,
        "city": server.city, "datacenter": server.datacenter, "model": server.model, "is_vm": server.is_vm,
        "category": server.category, "featured": server.featured, "popularity_rank": server.popularity_rank,
        "setup_time_minutes": server.setup_time_minutes,
        "pricing": {"prices": dict(server.pricing["prices"])},
        "specs": {
            "cpu": {"model": server.cpu_model, "cores": server.cpu_cores, "threads": server.cpu_threads,
                    "score": server.cpu_score, "score_type": server.cpu_score_type},
            "ram": {"capacity_gb": server.ram_gb, "type": server.ram_type, "speed_mhz": server.ram_speed_mhz},
            "disks": {"config": [dict(disk) for disk in server.disks], "total_gb": server.total_storage_gb,
                      "summary": server.disk_summary},
            "network": {"bandwidth_mbps": server.bandwidth_mbps, "traffic_tb": traffic_tb(server.traffic_tb),
                        "traffic_unlimited": server.traffic_unlimited},
            "additional": {"ipv4_count": server.ipv4_count, "ipv6_enabled": server.ipv6_enabled},
        },
    }
