"""Marketplace speed at scale: the app's GET /api/v1/servers/available against a hand-written floor.

    .venv/bin/python bench/marketplace.py --servers 100000
    .venv/bin/python bench/marketplace.py --servers 100000 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_pg
    .venv/bin/python bench/marketplace.py --servers 100000 --clock cpu   # CPU time instead of wall time

Builds a database of that size with ``seed-demo`` (a SQLite file in a temporary folder unless
``--database-url`` or ``--instance`` says otherwise; a database that already has enough servers is
used as it is), then, in one process, times each query shape through the app's test client and,
side by side, the floor: the same answer from hand-written SQL on the bare database connection,
built as plain dicts and serialised with the json module. Prints the median and p95 of each and
the ratio app/floor, and checks that both answers are equal. With ``--clock cpu`` the times are the
process's own CPU time (on SQLite, where the database works in the same thread), which other work on
a busy machine does not stretch as it does wall time.
"""
import argparse
import json
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
os.environ.setdefault("LOG_LEVEL", "WARNING")

from sqlalchemy import func, select  # noqa: E402

from app import create_app  # noqa: E402
from cli import demo_data  # noqa: E402
from core.extensions import db  # noqa: E402
from core.timeutil import utcnow  # noqa: E402
from models import Server, User  # noqa: E402
from services import tokens  # noqa: E402
from services.inventory import format_bandwidth  # noqa: E402

AVAILABLE = "AVAILABLE"  # replaced by the condition the app uses on the database at hand
AVAILABLE_SQL = {"sqlite": "coalesce(reserved_until, :epoch) <= :now",
                 "postgresql": "(reserved_until IS NULL OR reserved_until <= :now)"}
ORDER = "featured DESC, popularity_rank, min_price_per_day_millicents, id"
COLUMNS = ("id, name, country, region, city, datacenter, model, is_vm, category, featured, popularity_rank, "
           "setup_time_minutes, cpu_model, cpu_cores, cpu_threads, cpu_score, cpu_score_type, ram_gb, ram_type, "
           "ram_speed_mhz, disks, total_storage_gb, disk_summary, bandwidth_mbps, traffic_tb, traffic_unlimited, "
           "ipv4_count, ipv6_enabled, pricing")
ALL_AVAILABLE = ("SELECT (SELECT count(*) FROM servers) - "
                 "(SELECT count(*) FROM servers WHERE reserved_until > :now)")

# name: (query string of the API, WHERE, ORDER BY, LIMIT, OFFSET); conditions in the app's order
SHAPES = {
    "no filter": ("limit=50", AVAILABLE, ORDER, 50, 0),
    "country + min RAM + max price": (
        "country=US&min_ram_gb=128&max_price_per_day=15&limit=50",
        f"country = 'US' AND ram_gb + 0 >= 128 AND {AVAILABLE} AND min_price_per_day_millicents + 0 <= 1500000",
        ORDER, 50, 0),
    "category + disk types + durations": (
        "category=compute&disk_types=NVMe,SSD&available_durations=7,30&limit=50",
        f"category = 'compute' AND (disk_type_bits & 12) != 0 AND {AVAILABLE} "
        "AND (durations_key LIKE '%|7|%' OR durations_key LIKE '%|30|%')",
        ORDER, 50, 0),
    "sorted by price": ("sort=price_per_day&limit=50", AVAILABLE,
                        "min_price_per_day_millicents, featured DESC, popularity_rank, id", 50, 0),
    "deep offset (50000)": ("limit=50&offset=50000", AVAILABLE, ORDER, 50, 50_000),
}


def build(app, server_count: int) -> None:
    with app.app_context():
        have = db.session.scalar(select(func.count()).select_from(Server))
        if have >= server_count:
            print(f"Using the existing database with {have} servers.")
            return
        started = time.perf_counter()
        demo_data.seed_demo(server_count)
        print(f"Seeded {server_count} servers in {time.perf_counter() - started:.1f} s.")
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does soon after a bulk load: statistics, and the visibility map that
            # lets counts read only the indexes.
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")


def bearer_token(app) -> str:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "alice"))
        _, plain = tokens.create_token(user, "benchmark", 1)
        return plain


class Floor:
    """The same answer from hand-written SQL on the DBAPI connection (the two statements the app
    sends, less SQLAlchemy: the count, and the page with each server's stored pricing), built with
    plain dicts and serialised with json.dumps: what is left is the app's own cost (Flask, the token
    check, SQLAlchemy's statement building and rows)."""

    def __init__(self, engine):
        self.raw = engine.raw_connection()
        self.postgres = engine.dialect.name == "postgresql"
        self.params = {"epoch": datetime(1970, 1, 1), "now": utcnow().replace(tzinfo=None)}
        if not self.postgres:  # SQLite keeps times as text, as SQLAlchemy writes them
            self.params = {key: value.strftime("%Y-%m-%d %H:%M:%S.%f") for key, value in self.params.items()}

    def _execute(self, cursor, sql: str, params: dict) -> None:
        sql = sql.replace(AVAILABLE, AVAILABLE_SQL["postgresql" if self.postgres else "sqlite"])
        if self.postgres:
            sql = re.sub(r":(\w+)", r"%(\1)s", sql.replace("%", "%%"))
        cursor.execute(sql, params)

    def page(self, where: str, order: str, limit: int, offset: int) -> tuple[int, bytes]:
        cursor = self.raw.cursor()
        if where != AVAILABLE:
            self._execute(cursor, f"SELECT count(*) FROM servers WHERE {where}", self.params)
        else:
            self._execute(cursor, ALL_AVAILABLE, self.params)
        total = cursor.fetchone()[0]
        outer_order = ", ".join(f"servers.{term.strip()}" for term in order.split(","))
        self._execute(cursor, f"SELECT {', '.join('servers.' + name.strip() for name in COLUMNS.split(','))} "
                              f"FROM servers JOIN (SELECT id FROM servers WHERE {where} ORDER BY {order} "
                              f"LIMIT {limit} OFFSET {offset}) AS page ON servers.id = page.id ORDER BY {outer_order}",
                      self.params)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row)) for row in cursor.fetchall()]
        cursor.close()
        data = [_browse_object(row) for row in rows]
        body = {"statusCode": 200, "message": "Available servers retrieved successfully", "data": data}
        return total, json.dumps(body).encode()


def _json(value):
    return json.loads(value) if isinstance(value, str) else value  # SQLite keeps JSON as text


def _browse_object(row: dict) -> dict:
    disks = _json(row["disks"])
    traffic = row["traffic_tb"]
    return {
        "id": row["id"], "name": row["name"], "country": row["country"], "region": row["region"],
        "city": row["city"], "datacenter": row["datacenter"], "model": row["model"], "is_vm": bool(row["is_vm"]),
        "category": row["category"], "featured": bool(row["featured"]), "popularity_rank": row["popularity_rank"],
        "setup_time_minutes": row["setup_time_minutes"],
        "pricing": _json(row["pricing"]),
        "specs": {
            "cpu": {"model": row["cpu_model"], "cores": row["cpu_cores"], "threads": row["cpu_threads"],
                    "score": row["cpu_score"], "score_type": row["cpu_score_type"]},
            "ram": {"capacity_gb": row["ram_gb"], "type": row["ram_type"], "speed_mhz": row["ram_speed_mhz"]},
            "disks": {"config": disks, "total_gb": row["total_storage_gb"], "summary": row["disk_summary"]},
            "network": {"bandwidth_mbps": row["bandwidth_mbps"],
                        "bandwidth_formatted": format_bandwidth(row["bandwidth_mbps"]),
                        "traffic_tb": None if traffic is None else (int(traffic) if traffic.is_integer() else traffic),
                        "traffic_unlimited": bool(row["traffic_unlimited"])},
            "additional": {"ipv4_count": row["ipv4_count"], "ipv6_enabled": bool(row["ipv6_enabled"])},
        },
    }


CLOCKS = {"wall": time.perf_counter, "cpu": time.thread_time}


def timed_pair(first, second, repeat: int, clock=time.perf_counter) -> tuple[list[float], object, list[float], object]:
    """Times two calls in alternation (so a busy moment of the machine hits both alike)."""
    results = [first(), second()]  # warm up: caches, prepared statements
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for n, call in enumerate((first, second)):
            started = clock()
            results[n] = call()
            times[n].append((clock() - started) * 1000)
    return times[0], results[0], times[1], results[1]


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", type=int, default=100_000)
    parser.add_argument("--database-url", help="default: SQLite in a temporary folder (or in --instance)")
    parser.add_argument("--instance", help="folder for the SQLite database, kept for the next run")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--clock", choices=CLOCKS, default="wall",
                        help="cpu: this thread's CPU time, steady on a busy machine; SQLite only (PostgreSQL "
                             "works in its own processes)")
    args = parser.parse_args()
    if args.clock == "cpu" and args.database_url and not args.database_url.startswith("sqlite"):
        parser.error("--clock cpu measures only this process: use it with SQLite")

    if args.database_url:
        url = args.database_url
    else:
        folder = Path(args.instance) if args.instance else Path(tempfile.mkdtemp(prefix="bench-marketplace-"))
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / 'marketplace.db'}"
    print(f"Database: {url}")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "AUTO_MIGRATE": True})
    build(app, args.servers)
    headers = {"Authorization": f"Bearer {bearer_token(app)}"}
    client = app.test_client()

    print(f"\n{'shape':36} {'app median':>10} {'app p95':>8} {'floor med':>9} {'floor p95':>9} {'ratio':>6}")
    with app.app_context():
        floor = Floor(db.engine)
        for name, (query, where, order, limit, offset) in SHAPES.items():
            app_times, response, floor_times, (total, body) = timed_pair(
                lambda: client.get(f"/api/v1/servers/available?{query}", headers=headers),
                lambda: floor.page(where, order, limit, offset), args.repeat, CLOCKS[args.clock])
            assert response.status_code == 200, response.get_data(as_text=True)
            assert response.get_json() == json.loads(body), f"{name}: the floor's answer differs from the app's"
            assert int(response.headers["X-Total-Count"]) == total, f"{name}: different totals"
            app_median, floor_median = statistics.median(app_times), statistics.median(floor_times)
            print(f"{name:36} {app_median:8.2f}ms {p95(app_times):6.2f}ms {floor_median:7.2f}ms "
                  f"{p95(floor_times):7.2f}ms {app_median / floor_median:5.2f}x   (total {total})")

if __name__ == "__main__":
    main()
