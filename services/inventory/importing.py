"""How records become rows: one server (``build_server``) or many at once (``import_servers``).

Every column derived from a record is computed here (total storage, disk summary, the cheapest
per-day price, the disk type bits and durations key the marketplace filters on, the stored
``pricing``). An import is all or nothing: every record is validated, and the rows go in with bulk
inserts, chunk by chunk, in one transaction.
"""
import itertools
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import JSON, insert

from core.extensions import db
from core.ids import new_id
from core.limits import DISK_TYPES
from core.timeutil import utcnow
from models import Server, ServerDiskType, ServerPrice
from services.errors import BadRequest
from services.inventory.display import disk_summary, pricing
from services.inventory.records import (
    IMPORT_CHUNK_SIZE,
    IdCheck,
    validate_chunk,
    validate_one,
    gc_paused,
    total_storage_gb,
)

# servers.disk_type_bits: one bit per disk type (migration 0004 fills existing rows with these values).
DISK_TYPE_BITS = {disk_type: 1 << position for position, disk_type in enumerate(DISK_TYPES)}


def _id_sequence() -> Iterator[str]:
    """Ids for a bulk insert: the usual shape (a 4-byte time, 8 more bytes), but consecutive after a
    random start, so new rows append to the id indexes instead of landing all over them."""
    first = new_id()
    prefix, start = first[:8], int(first[8:], 16) >> 1  # room to count up without wrapping
    return (f"{prefix}{start + n:016x}" for n in itertools.count())


def price_per_day_millicents(price_cents: int, days: int) -> int:
    """ceil(price / days) in thousandths of a cent."""
    return -(-price_cents * 1000 // days)


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
    prices = record["pricing"]["prices"]
    price_rows = [
        {"server_id": server_id, "days": days, "price_cents": cents,
         "price_per_day_millicents": price_per_day_millicents(cents, days)}
        for days, cents in prices.items()
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
        "durations_key": durations_key(prices),
        "pricing": pricing(prices),
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
    server_row, price_rows, disk_rows = _rows(validate_one(record), utcnow())
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
    ids = IdCheck(check_database=True, skip_existing=skip_existing)
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


def _insert_chunks(items: Iterable, chunk_size: int, ids: IdCheck, errors: list[dict], now) -> int:
    """Validate and insert chunk by chunk; after the first error, only validate (to report all)."""
    inserted = 0
    make_id = _id_sequence().__next__
    for offset, chunk in _enumerate_chunks(items, chunk_size):
        records, chunk_errors = validate_chunk(chunk, offset)
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
