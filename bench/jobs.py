"""The job queue's cost at scale: a tick with nothing due among many rentals, and many reminders due at once.

    .venv/bin/python bench/jobs.py                       # SQLite in a temporary folder
    .venv/bin/python bench/jobs.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_jobs

The PostgreSQL database given is EMPTIED first (its public schema dropped and made again by the
migrations). Builds 100,000 rentals (``--rentals``) whose next mark is days away and 100,000
events already dispatched, with bulk inserts, then measures:

1. A tick with nothing due: ``tick()`` in this process (every periodic check, the queue drained),
   its SQL statements, and ``flask jobs tick`` as a whole process (interpreter and app start included).
2. Reminders due at once (1,000, then ``--due`` 10,000): a fifth of them in shared pools (three
   recipients: the renter, the pool's owner and an admin), the rest in the renters' default pools.
   One tick makes every event and notification; prints the time, the statements, and the
   statements per reminder, which stay the same whatever the number due (the work is batched).
3. The low-balance check (``check_low_balances``) on the first run of a day, when it looks at every
   renter with a rental ending within LOW_BALANCE_DAYS: with every balance sufficient (nobody
   warned), then with every balance empty (every one of them warned, and notified).
"""
import argparse
import os
import secrets
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.pop("REDIS_URL", None)  # the queue in a SQLite file beside the database

from sqlalchemy import delete, event, func, select, text, update  # noqa: E402

from bench.bulk_rows import CHUNK, bench_app, bulk  # noqa: E402
from cli.demo_data import demo_records  # noqa: E402
from core.extensions import db  # noqa: E402
from core.ids import new_id  # noqa: E402
from core.timeutil import truncate_to_milliseconds, utcnow  # noqa: E402
from models import Event, Membership, Notification, PeriodicCheck, Pool, Rental, User  # noqa: E402
from services import inventory  # noqa: E402
from services.renewals import check_low_balances  # noqa: E402
from services.rental_lifecycle import next_event_at  # noqa: E402

USERS = 2_000
SERVERS = 1_000
SHARED_POOLS = 100
RICH = 1_000_000_00  # pays every renewal of a user's 50 rentals for months: nobody is short until a test says so


def build(rentals: int) -> dict:
    """Users with their default pools, shared pools (owner and an admin), servers, rentals whose next
    mark is days away, and as many events already dispatched."""
    started = time.perf_counter()
    now = truncate_to_milliseconds(utcnow())
    users = [{"id": new_id(), "username": f"bench_{i}", "alias": "", "password_hash": "x", "balance_cents": RICH,
              "is_admin": False, "created_at": now} for i in range(USERS)]
    bulk(User, users)
    default_pools = [{"id": new_id(), "owner_id": user["id"], "name": "Default", "description": "",
                      "is_default": True, "settings": {}, "created_at": now, "updated_at": now} for user in users]
    shared_pools = [{"id": new_id(), "owner_id": users[i]["id"], "name": f"Team {i}", "description": "",
                     "is_default": False, "settings": {}, "created_at": now, "updated_at": now}
                    for i in range(SHARED_POOLS)]
    bulk(Pool, default_pools + shared_pools)
    memberships = [{"id": new_id(), "pool_id": pool["id"], "user_id": pool["owner_id"], "role": "owner",
                    "is_authorized": True, "invited_at": now, "joined_at": now} for pool in default_pools + shared_pools]
    # Each shared pool: an admin and a member who rents there.
    for i, pool in enumerate(shared_pools):
        for offset, role in ((SHARED_POOLS, "admin"), (2 * SHARED_POOLS, "user")):
            memberships.append({"id": new_id(), "pool_id": pool["id"], "user_id": users[offset + i]["id"], "role": role,
                                "is_authorized": True, "invited_at": now, "joined_at": now})
    bulk(Membership, memberships)
    servers = [inventory.build_server(record) for record in demo_records(SERVERS)]
    db.session.add_all(servers)
    db.session.flush()
    server_ids = [server.id for server in servers]
    hours = (72, 24)
    rental_rows = []
    for i in range(rentals):
        start = now - timedelta(days=1)
        # The next mark is at least two days away, and no end comes within LOW_BALANCE_DAYS during the run.
        end = now + timedelta(days=5 + i % 20, hours=1)
        hold_until = end + timedelta(days=2)
        rental_rows.append({"id": new_id(), "user_id": users[i % USERS]["id"], "server_id": server_ids[i % SERVERS],
                            "pool_id": default_pools[i % USERS]["id"], "rental_start": start, "rental_end": end,
                            "hold_days": 2, "hold_until": hold_until, "amount_cents": 7000, "created_at": start,
                            "next_event_at": next_event_at(end, hold_until, hours, now)})
    bulk(Rental, rental_rows)
    bulk(Event, [{"id": new_id(), "type": "rental.ending_soon", "key": f"bench:old:{i}", "created_at": now,
                  "user_id": users[i % USERS]["id"], "data": {}, "dispatched_at": now} for i in range(rentals)])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    print(f"Built {USERS} users, {SERVERS} servers, {rentals} rentals (none due) and {rentals} dispatched events "
          f"in {time.perf_counter() - started:.1f} s.")
    return {"users": users, "default_pools": default_pools, "shared_pools": shared_pools, "rentals": rental_rows}


class StatementCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.count += 1


def tick_with_nothing_due(app, runs: int = 20) -> None:
    queue = app.extensions["jobs"]
    with app.app_context():
        queue.tick()  # warm up: connections, statement caches
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            with StatementCounter(db.engine) as counter:
                outcomes = queue.tick()
            timings.append((time.perf_counter() - started) * 1000)
        assert all(outcome.result in ({}, None) or outcome.error is None for outcome in outcomes)
    print(f"\n1. Tick with nothing due ({len(outcomes)} checks and jobs, {counter.count} SQL statements):")
    print(f"   tick() in process: median {statistics.median(timings):.1f} ms, "
          f"p95 {sorted(timings)[int(len(timings) * 0.95) - 1]:.1f} ms over {runs} runs")


def tick_as_a_process(database_url: str, instance: Path, jobs_db: str, runs: int = 5) -> None:
    environment = {**os.environ, "DATABASE_URL": database_url, "INSTANCE_PATH": str(instance),
                   "JOBS_DB": jobs_db, "AUTO_MIGRATE": "0", "APP_ENV": "development"}
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "flask", "--app", "app", "jobs", "tick"], cwd=ROOT, env=environment,
                       check=True, capture_output=True)
        timings.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import app; app.create_app()"], cwd=ROOT, env=environment, check=True)
    startup = (time.perf_counter() - started) * 1000
    print(f"   `flask jobs tick` as a process: median {statistics.median(timings):.0f} ms over {runs} runs, "
          f"of which starting Python and creating the app alone take {startup:.0f} ms")


def make_due(world: dict, how_many: int) -> int:
    """``how_many`` rentals whose 24-hour reminder is due now; returns the notifications expected."""
    now = utcnow()
    rentals = world["rentals"][:how_many]
    shared = world["shared_pools"]
    by_user = {user["id"]: i for i, user in enumerate(world["users"])}
    changes, expected = [], 0
    for i, rental in enumerate(rentals):
        end = now + timedelta(hours=23)
        row = {"id": rental["id"], "rental_end": end, "hold_until": end + timedelta(days=2),
               "next_event_at": now - timedelta(hours=1)}
        if i % 5 == 0:  # a fifth in a shared pool, rented by its member
            pool_index = (i // 5) % SHARED_POOLS
            row["pool_id"] = shared[pool_index]["id"]
            row["user_id"] = world["users"][2 * SHARED_POOLS + pool_index]["id"]
            expected += 3
        else:
            row["pool_id"] = world["default_pools"][by_user[rental["user_id"]]]["id"]
            row["user_id"] = rental["user_id"]
            expected += 1
        changes.append(row)
    for start in range(0, len(changes), CHUNK):
        db.session.execute(update(Rental), changes[start:start + CHUNK])
    db.session.commit()
    return expected


def reminders_due(app, world: dict, how_many: int) -> None:
    queue = app.extensions["jobs"]
    with app.app_context():
        expected = make_due(world, how_many)
        before = db.session.scalar(select(func.count()).select_from(Notification))
        db.session.commit()
        started = time.perf_counter()
        with StatementCounter(db.engine) as counter:
            outcomes = queue.tick()
        elapsed = time.perf_counter() - started
        made = db.session.scalar(select(func.count()).select_from(Notification)) - before
        assert made == expected, (made, expected)
        assert not any(outcome.error for outcome in outcomes), [outcome.describe() for outcome in outcomes]
        # Put them back out of the way for the next run.
        db.session.execute(update(Rental).where(Rental.next_event_at.is_(None)).values(
            next_event_at=utcnow() + timedelta(days=30)))
        db.session.execute(delete(Notification))
        db.session.execute(delete(Event).where(Event.dispatched_at > utcnow() - timedelta(hours=1),
                                               Event.key.not_like("bench:%")))
        db.session.commit()
    jobs_run = sum(1 for outcome in outcomes if outcome.kind == "job")
    print(f"   {how_many:>6} due: {made:>6} notifications in {elapsed:.2f} s "
          f"({made / elapsed:,.0f} a second), {counter.count} SQL statements "
          f"= {counter.count / how_many:.3f} per reminder ({jobs_run} jobs run after the checks)")


def low_balances(app, balance_cents: int, label: str) -> None:
    """One first-of-the-day run of the low-balance check with every balance at ``balance_cents``."""
    with app.app_context():
        db.session.execute(update(User).values(balance_cents=balance_cents))
        db.session.execute(update(PeriodicCheck).where(PeriodicCheck.name == "check_low_balances")
                           .values(last_finished_at=None))  # so it looks at every renter due, as each day's first run
        notifications_before = db.session.scalar(select(func.count()).select_from(Notification))
        db.session.commit()
        started = time.perf_counter()
        with StatementCounter(db.engine) as counter:
            counts = check_low_balances()
            db.session.commit()
            dispatched = app.extensions["jobs"].tick()  # the warnings' notifications
        elapsed = time.perf_counter() - started
        notified = db.session.scalar(select(func.count()).select_from(Notification)) - notifications_before
        db.session.execute(delete(Notification).where(Notification.event == "wallet.low_balance"))
        db.session.execute(delete(Event).where(Event.type == "wallet.low_balance"))
        db.session.execute(update(User).values(balance_cents=RICH))
        db.session.commit()
    assert not any(outcome.error for outcome in dispatched)
    print(f"   {label}: {counts.get('users', 0)} users looked at, {counts.get('wallet.low_balance', 0)} warned, "
          f"{notified} notified in {elapsed:.2f} s (check and dispatch), {counter.count} SQL statements")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL to EMPTY and use; SQLite in a temporary folder otherwise")
    parser.add_argument("--rentals", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000)
    args = parser.parse_args()

    app, folder = bench_app(args.database_url, "bench-jobs-")
    url, jobs_db = app.config["SQLALCHEMY_DATABASE_URI"], app.config["JOBS_DB"]
    print(f"Database: {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}; queue: SQLite {jobs_db}")
    with app.app_context():
        world = build(args.rentals)
    tick_with_nothing_due(app)
    tick_as_a_process(url, folder / "instance", jobs_db)
    print("\n2. Reminders due at once (one tick: the rental check, then the dispatch to notifications):")
    for how_many in sorted({min(1_000, args.due), args.due}):
        reminders_due(app, world, how_many)
    print("\n3. The low-balance check, first run of a day (every renter with a rental ending within 7 days):")
    low_balances(app, RICH, "every balance sufficient")
    low_balances(app, 0, "every balance empty")


if __name__ == "__main__":
    main()
