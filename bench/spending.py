"""A pool's spending figures for a month, and a person's, with 100,000 transactions in the pool.

    .venv/bin/python bench/spending.py                       # SQLite in a temporary folder
    .venv/bin/python bench/spending.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_s

The PostgreSQL database given is EMPTIED first (its public schema dropped and made again by the
migrations). Builds one pool of ``--members`` (20) members with ``--transactions`` (100,000)
movements of its wallet spread over ``--days`` (365) days (charges, refunds, transfers in), the
members' own wallets with as many again, and 50,000 movements of other pools; then measures
``services.spending.pool_spending`` (the month's figures by member and by day: two statements) and
``services.spending.wallet_spending`` (one) for the busiest month. Prints the median and the 95th
percentile over ``--runs`` calls each, and the query plans.
"""
import argparse
import os
import random
import secrets
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.pop("REDIS_URL", None)

from sqlalchemy import event, func, select, text  # noqa: E402

from bench.bulk_rows import bench_app, bulk  # noqa: E402
from core.extensions import db  # noqa: E402
from core.ids import new_id  # noqa: E402
from core.timeutil import truncate_to_milliseconds, utcnow  # noqa: E402
from models import Membership, Pool, Transaction, User  # noqa: E402
from services import spending  # noqa: E402

OTHER_POOLS = 50
OTHERS_EACH = 1_000
# Of a pool's movements: mostly charges, some refunds, some money moved in.
KINDS = ["rental"] * 6 + ["extension"] * 2 + ["refund", "transfer_in"]


def movement(user_id, pool_id, created_at) -> dict:
    kind = random.choice(KINDS)
    return {"id": new_id(), "user_id": user_id, "pool_id": pool_id, "type": kind,
            "amount_cents": random.randint(100, 50_000), "currency": "USD", "rental_id": None,
            "note": kind.replace("_", " ").capitalize(), "created_at": created_at}


def build(members: int, transactions: int, days: int) -> tuple[User, Pool]:
    random.seed(7)
    started = time.perf_counter()
    now = truncate_to_milliseconds(utcnow())
    users = [{"id": new_id(), "username": f"bench_{i}", "alias": "", "password_hash": "x", "balance_cents": 0,
              "is_admin": False, "created_at": now} for i in range(members + OTHER_POOLS)]
    bulk(User, users)
    pools = [{"id": new_id(), "name": f"pool {i}", "description": "", "owner_id": user["id"], "settings": {},
              "is_default": False, "created_at": now, "updated_at": now, "balance_cents": 0,
              "monthly_limit_cents": 5_000_000, "member_monthly_limit_cents": 500_000}
             for i, user in enumerate(users[members - 1:])]
    bulk(Pool, pools)
    pool = pools[0]
    bulk(Membership, [{"id": new_id(), "pool_id": pool["id"], "user_id": user["id"],
                       "role": "owner" if i == members - 1 else "user", "is_authorized": True,
                       "invited_at": now, "joined_at": now} for i, user in enumerate(users[:members])])
    span = timedelta(days=days).total_seconds()
    bulk(Transaction, [movement(random.choice(users[:members])["id"], pool["id"],
                                now - timedelta(seconds=random.uniform(0, span))) for _ in range(transactions)])
    bulk(Transaction, [movement(random.choice(users[:members])["id"], None,
                                now - timedelta(seconds=random.uniform(0, span))) for _ in range(transactions)])
    bulk(Transaction, [movement(other["owner_id"], other["id"], now - timedelta(seconds=random.uniform(0, span)))
                       for other in pools[1:] for _ in range(OTHERS_EACH)])
    db.session.commit()
    analyze()
    print(f"Built a pool of {members} members with {transactions:,} transactions over {days} days, "
          f"{transactions:,} of the members' own wallets and {OTHER_POOLS * OTHERS_EACH:,} of other pools in "
          f"{time.perf_counter() - started:.1f} s")
    return db.session.get(User, users[0]["id"]), db.session.get(Pool, pool["id"])


def analyze() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE transactions"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def timed(label: str, call, runs: int) -> float:
    call()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    median = statistics.median(timings)
    p95 = sorted(timings)[int(len(timings) * 0.95) - 1]
    print(f"   {label}: median {median:.2f} ms, p95 {p95:.2f} ms over {runs} runs")
    return median


def statements_of(call) -> list:
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return sent


def print_plans(label: str, call) -> None:
    connection = db.session.connection()
    for number, (statement, parameters) in enumerate(statements_of(call), start=1):
        if db.engine.dialect.name == "postgresql":
            rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, COSTS OFF) " + statement, parameters)
            lines = [row[0] for row in rows]
        else:
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            lines = [row[-1] for row in rows]
        print(f"   plan of {label}, statement {number}:")
        for line in lines:
            print(f"     {line}")


def busiest_month(pool: Pool) -> spending.Month:
    """The month (wholly in the past) with the most of the pool's movements."""
    counts = {}
    for (created_at,) in db.session.execute(select(Transaction.created_at).where(Transaction.pool_id == pool.id)):
        counts[created_at.strftime("%Y-%m")] = counts.get(created_at.strftime("%Y-%m"), 0) + 1
    return spending.month_named(max(counts, key=counts.get))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL to EMPTY and use; SQLite in a temporary folder otherwise")
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--transactions", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    app, _ = bench_app(args.database_url, "bench-spending-")
    print(f"Database: {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
    with app.app_context():
        member, pool = build(args.members, args.transactions, args.days)
        month = busiest_month(pool)
        in_month = db.session.scalar(select(func.count()).where(
            Transaction.pool_id == pool.id, Transaction.created_at >= month.start, Transaction.created_at < month.end))
        print(f"\nThe pool's figures for {month.name} ({in_month:,} of its movements):")
        pool_median = timed("pool_spending", lambda: spending.pool_spending(pool, month), args.runs)
        print_plans("pool_spending", lambda: spending.pool_spending(pool, month))
        print(f"\nA member's own figures for {month.name}:")
        own_median = timed("wallet_spending", lambda: spending.wallet_spending(member, month), args.runs)
        print_plans("wallet_spending", lambda: spending.wallet_spending(member, month))
    slowest = max(pool_median, own_median)
    print(f"\nThe figures' median is {'under' if slowest < 20 else 'OVER'} 20 ms ({slowest:.2f} ms at worst).")


if __name__ == "__main__":
    main()
