"""Rents per second with an invoice written for each charge, and the same run without invoices.

    .venv/bin/python bench/invoices.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_inv
    .venv/bin/python bench/invoices.py                              # SQLite in a temporary folder

The PostgreSQL database given is EMPTIED first (its public schema dropped and made again by the
migrations). Seeds the demo's servers, makes ``--users`` renters with money enough, and has each of
them, in its own thread with its own connection, rent ``--rents`` servers of its own one after the
other through ``services.rentals.rent_server`` (the charge, its transaction and its invoice in one
database transaction). The run is made twice on fresh servers: with invoices, and with
``services.invoices.issue`` replaced by a function that writes nothing (so no invoice row and no
counter update). Prints rents per second for both, and checks that the numbers have no gaps.
"""
import argparse
import os
import secrets
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.pop("REDIS_URL", None)

from sqlalchemy import func, select  # noqa: E402

from bench.bulk_rows import bench_app  # noqa: E402
from cli import demo_data  # noqa: E402
from core.extensions import db  # noqa: E402
from models import Invoice, Server, ServerPrice, Transaction, User  # noqa: E402
from services import accounts, invoices, rentals  # noqa: E402


def renters(app, count: int) -> list[str]:
    with app.app_context():
        return [accounts.create_user(f"renter_{n}", secrets.token_hex(16), balance_cents=10**11).id
                for n in range(count)]


def offers(app, needed: int) -> list[tuple[str, int]]:
    """(server id, a duration it is offered for), one per server, for ``needed`` servers."""
    with app.app_context():
        rows = db.session.execute(select(ServerPrice.server_id, func.min(ServerPrice.days))
                                  .join(Server, Server.id == ServerPrice.server_id)
                                  .where(Server.reserved_until.is_(None))
                                  .group_by(ServerPrice.server_id).order_by(ServerPrice.server_id)).all()
        db.session.remove()
    assert len(rows) >= needed, f"{len(rows)} servers seeded, {needed} needed"
    return [(server_id, days) for server_id, days in rows[:needed]]


def run(app, user_ids: list[str], servers: list[tuple[str, int]], rents: int) -> float:
    """Every renter rents its own ``rents`` servers at once with the others; rents per second."""
    barrier = threading.Barrier(len(user_ids))
    failures: list[str] = []

    def rent_all(user_id: str, mine: list[tuple[str, int]]) -> None:
        with app.app_context():
            user = db.session.get(User, user_id)
            barrier.wait()
            for server_id, days in mine:
                try:
                    rentals.rent_server(user, server_id, days)
                except Exception as error:  # reported below
                    failures.append(repr(error))
            db.session.remove()

    threads = [threading.Thread(target=rent_all, args=(user_id, servers[n * rents:(n + 1) * rents]))
               for n, user_id in enumerate(user_ids)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    assert not failures, failures[:3]
    return len(user_ids) * rents / elapsed


def check_numbers(app) -> str:
    with app.app_context():
        invoiced = db.session.scalar(select(func.count(Invoice.id)))
        highest = db.session.scalar(select(func.max(Invoice.sequence)))
        distinct = db.session.scalar(select(func.count(func.distinct(Invoice.number))))
        transactions = db.session.scalar(select(func.count(Transaction.id)))
        db.session.remove()
    assert invoiced == highest == distinct, (invoiced, highest, distinct)
    return f"{invoiced} invoices numbered 1..{highest} without gaps, for {transactions} transactions"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="a PostgreSQL database to EMPTY and use; SQLite if not given")
    parser.add_argument("--users", type=int, default=8, help="renters charging at once (threads)")
    parser.add_argument("--rents", type=int, default=25, help="rents per renter in each run")
    arguments = parser.parse_args()

    os.environ["DB_POOL_SIZE"] = str(arguments.users + 1)  # a connection for every renter: none waits for one
    app, _ = bench_app(arguments.database_url, "bench-invoices-")
    needed = 2 * arguments.users * arguments.rents
    with app.app_context():
        demo_data.seed_demo(needed + 50)
        print(f"{db.session.scalar(select(func.count(Server.id)))} servers, {db.engine.dialect.name}, "
              f"{arguments.users} renters at once, {arguments.rents} rents each per run")
    user_ids = renters(app, arguments.users)
    servers = offers(app, needed)
    half = needed // 2

    with_invoices = run(app, user_ids, servers[:half], arguments.rents)
    print(f"with invoices:    {with_invoices:7.1f} rents/s  ({check_numbers(app)})")
    issue = invoices.issue
    invoices.issue = lambda transaction: None  # this run only: the ledger writes no invoice
    try:
        without_invoices = run(app, user_ids, servers[half:], arguments.rents)
    finally:
        invoices.issue = issue
    print(f"without invoices: {without_invoices:7.1f} rents/s")
    print(f"invoices cost {100 * (1 - with_invoices / without_invoices):.0f}% of the throughput")


if __name__ == "__main__":
    main()
