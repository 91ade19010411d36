"""Auto-renewals at scale: 10,000 rentals whose renewal comes due in the same hour, renewed by two
``flask jobs worker`` processes sharing a Redis queue, each exactly once.

    .venv/bin/python bench/auto_renew.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_auto_renew \\
        --redis-url redis://127.0.0.1:6379/11

The PostgreSQL database given is EMPTIED first (its public schema dropped and made again by the
migrations), and so is the Redis database. Builds 1,000 users with their default pools, 1,000 servers
and ``--rentals`` rentals (10,000) with auto-renew on, each due within the last hour, with bulk
inserts; starts ``--workers`` worker processes (2, with JOBS_WORKERS threads each); queues the
renewal check once per worker thread (rather than waiting for the minute of the periodic one) and
measures the time until every renewal is made and the queue is empty, then the time until every
event of them is dispatched. Then it checks the counts: one extension charge per rental, one
``rental.auto_renewed`` event per rental, every rental moved by its period, every balance down by
exactly its renewals, nothing still due, nothing failed.
"""
import argparse
import os
import secrets
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
os.environ.setdefault("LOG_LEVEL", "WARNING")

from redis import Redis  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from bench.bulk_rows import bench_app, bulk  # noqa: E402
from cli.demo_data import demo_records  # noqa: E402
from core.extensions import db  # noqa: E402
from core.ids import new_id  # noqa: E402
from core.timeutil import truncate_to_milliseconds, utcnow  # noqa: E402
from app import create_app  # noqa: E402
from models import (  # noqa: E402
    AutoRenewal, Event, FailedJob, Pool, Rental, RunningJob, Transaction, User, WorkerHeartbeat,
)
from services.auto_renew import renew_due_rentals  # noqa: E402
from services.marketplace import prices_by_server  # noqa: E402
from services.inventory import build_server  # noqa: E402
from services.rental_lifecycle import next_event_at  # noqa: E402

USERS = 1_000
SERVERS = 1_000
BALANCE = 1_000_000_00
WAIT_SECONDS = 900


def build(rentals: int) -> dict:
    started = time.perf_counter()
    now = truncate_to_milliseconds(utcnow())
    users = [{"id": new_id(), "username": f"bench_{i}", "alias": "", "password_hash": "x", "balance_cents": BALANCE,
              "is_admin": False, "created_at": now} for i in range(USERS)]
    bulk(User, users)
    pools = [{"id": new_id(), "owner_id": user["id"], "name": "Default", "description": "", "is_default": True,
              "settings": {}, "created_at": now, "updated_at": now} for user in users]
    bulk(Pool, pools)
    servers = [build_server(record) for record in demo_records(SERVERS)]
    db.session.add_all(servers)
    db.session.flush()
    prices = prices_by_server([server.id for server in servers])
    rental_rows, renewal_rows, expected = [], [], {}
    for i in range(rentals):
        server = servers[i % SERVERS]
        days = min(prices[server.id])
        end = now + timedelta(hours=23) + timedelta(seconds=i % 3600)  # renewals due over the last hour
        hold_until = end + timedelta(days=2)
        user = users[i % USERS]
        rental_id = new_id()
        rental_rows.append({"id": rental_id, "user_id": user["id"], "server_id": server.id,
                            "pool_id": pools[i % USERS]["id"], "rental_start": end - timedelta(days=7),
                            "rental_end": end, "hold_days": 2, "hold_until": hold_until, "amount_cents": 7000,
                            "created_at": now, "next_event_at": next_event_at(end, hold_until, (72, 24), now)})
        renewal_rows.append({"id": new_id(), "rental_id": rental_id, "user_id": user["id"], "additional_days": days,
                             "max_charge_cents": prices[server.id][days], "next_attempt_at": end - timedelta(hours=24),
                             "created_at": now, "updated_at": now})
        expected[rental_id] = (end + timedelta(days=days), prices[server.id][days])
    bulk(Rental, rental_rows)
    bulk(AutoRenewal, renewal_rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    print(f"Built {USERS} users, {SERVERS} servers and {rentals} rentals with auto-renew due within the hour "
          f"in {time.perf_counter() - started:.1f} s.")
    return expected


def start_workers(how_many: int, database_url: str, redis_url: str, queue_name: str, folder: Path) -> list:
    environment = {**{name: value for name, value in os.environ.items() if not name.startswith(("REDIS_URL", "JOBS_"))},
                   "DATABASE_URL": database_url, "REDIS_URL": redis_url, "JOBS_QUEUE_NAME": queue_name,
                   "AUTO_MIGRATE": "0", "APP_ENV": "development", "INSTANCE_PATH": str(folder / "instance"),
                   "PYTHONUNBUFFERED": "1"}
    processes = []
    for index in range(how_many):
        log = open(folder / f"worker-{index}.log", "w")
        processes.append(subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "jobs", "worker"],
                                          cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT))
    return processes


def scalar(statement):
    value = db.session.scalar(statement)
    db.session.rollback()
    return value


def wait_until(condition, what: str, folder: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            logs = "\n".join(path.read_text()[-3000:] for path in folder.glob("worker-*.log"))
            raise SystemExit(f"Timed out waiting for {what}\n{logs}")
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database, EMPTIED first")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11", help="a Redis database, EMPTIED first")
    parser.add_argument("--rentals", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()

    with Redis.from_url(arguments.redis_url) as redis:
        redis.flushdb()
    app, folder = bench_app(arguments.database_url, "bench-auto-renew-")
    queue_name = f"bench-{uuid.uuid4().hex[:8]}"
    with app.app_context():
        expected = build(arguments.rentals)
        processes = start_workers(arguments.workers, arguments.database_url, arguments.redis_url, queue_name, folder)
        try:
            wait_until(lambda: scalar(select(func.count()).select_from(WorkerHeartbeat)) >= arguments.workers,
                       "the workers to start", folder)
            queue = create_app({"SQLALCHEMY_DATABASE_URI": arguments.database_url, "AUTO_MIGRATE": False,
                                "REDIS_URL": arguments.redis_url, "JOBS_QUEUE_NAME": queue_name}).extensions["jobs"]
            threads = arguments.workers * app.config["JOBS_WORKERS"]
            now = utcnow()
            started = time.perf_counter()
            for _ in range(threads):
                queue.enqueue(renew_due_rentals)

            def renewed() -> bool:
                due = scalar(select(func.count()).select_from(AutoRenewal).where(AutoRenewal.next_attempt_at <= now))
                return due == 0 and scalar(select(func.count()).select_from(RunningJob)) == 0

            wait_until(renewed, "every renewal", folder)
            renewing = time.perf_counter() - started
            wait_until(lambda: scalar(select(func.count()).select_from(Event).where(Event.dispatched_at.is_(None))) == 0
                       and queue.huey.pending_count() == 0, "every event dispatched", folder)
            dispatched = time.perf_counter() - started
        finally:
            for process in processes:
                process.send_signal(2)
            for process in processes:
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()

        charges = dict(db.session.execute(
            select(Transaction.rental_id, func.count()).where(Transaction.type == "extension")
            .group_by(Transaction.rental_id)).all())
        ends = dict(db.session.execute(select(Rental.id, Rental.rental_end)).all())
        events = scalar(select(func.count()).select_from(Event).where(Event.type == "rental.auto_renewed"))
        spent = scalar(select(func.sum(BALANCE - User.balance_cents)))
        failed = scalar(select(func.count()).select_from(FailedJob))
        problems = []
        if charges != {rental_id: 1 for rental_id in expected}:
            problems.append(f"{sum(charges.values())} charges for {len(charges)} rentals, not one each for {len(expected)}")
        if any(ends[rental_id] != end for rental_id, (end, _) in expected.items()):
            problems.append("some rentals did not move by exactly their period")
        if events != len(expected):
            problems.append(f"{events} rental.auto_renewed events, not {len(expected)}")
        if spent != sum(price for _, price in expected.values()):
            problems.append(f"wallets paid {spent} cents, not {sum(price for _, price in expected.values())}")
        if failed:
            problems.append(f"{failed} failed jobs")
    rate = len(expected) / renewing
    print(f"{len(expected)} renewals by {arguments.workers} workers ({threads} threads) on PostgreSQL with a "
          f"Redis queue: {renewing:.1f} s "
          f"({rate:.0f} a second); every event dispatched after {dispatched:.1f} s.")
    if problems:
        raise SystemExit("FAILED: " + "; ".join(problems))
    print(f"Checked: one charge and one rental.auto_renewed event per rental, each rental moved by its period, "
          f"the wallets down by exactly the renewals ({spent / 100:,.2f} dollars), no failed jobs.")
    print(f"Worker logs: {folder}")


if __name__ == "__main__":
    main()
