"""The bell's unread count, and a page of the list, for a user with 100,000 notifications.

    .venv/bin/python bench/notifications.py                       # SQLite in a temporary folder
    .venv/bin/python bench/notifications.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_n

The PostgreSQL database given is EMPTIED first (its public schema dropped and made again by the
migrations). Builds one reader with ``--notifications`` (100,000) notifications, 50,000 of other
users, and 20 announcements (half of them read by the reader), with bulk inserts; then measures
``services.inbox.unread_count`` (one statement) when all of the reader's are unread and when all
but three are read, and the first page of the list (all, and unread only). Prints the median and
the 95th percentile over ``--runs`` calls each, and the query plan of the count.
"""
import argparse
import os
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

from sqlalchemy import event, text, update  # noqa: E402

from bench.bulk_rows import bench_app, bulk  # noqa: E402
from core.extensions import db  # noqa: E402
from core.ids import new_id  # noqa: E402
from core.timeutil import truncate_to_milliseconds, utcnow  # noqa: E402
from models import AnnouncementRead, Notification, User  # noqa: E402
from services import inbox  # noqa: E402
from services.paging import Page  # noqa: E402

OTHER_USERS = 50
OTHERS_EACH = 1_000
ANNOUNCEMENTS = 20


def notification_row(user_id, created_at, **fields) -> dict:
    return {"id": new_id(), "user_id": user_id, "event_id": None, "event": "rental.ending_soon",
            "type": "STATUS_UPDATE", "severity": "WARNING", "title": "node-us-nyc-1 ends in 24 hours",
            "message": "The rental of node-us-nyc-1 ends soon. Extend it to keep the server running.",
            "link": "/rentals/0123456789abcdef01234567", "data": {"hours": 24}, "is_public": False,
            "is_global": False, "expires_at": None, "created_at": created_at, "updated_at": created_at,
            "read_at": None, **fields}


def build(notifications: int) -> User:
    started = time.perf_counter()
    now = truncate_to_milliseconds(utcnow())
    users = [{"id": new_id(), "username": f"bench_{i}", "alias": "", "password_hash": "x", "balance_cents": 0,
              "is_admin": False, "created_at": now} for i in range(OTHER_USERS + 1)]
    bulk(User, users)
    reader = users[0]["id"]
    bulk(Notification, [notification_row(reader, now - timedelta(minutes=i)) for i in range(notifications)])
    bulk(Notification, [notification_row(user["id"], now - timedelta(minutes=i))
                        for user in users[1:] for i in range(OTHERS_EACH)])
    announcements = [notification_row(None, now - timedelta(days=i), event=None, type="ANNOUNCEMENT",
                                      severity="INFO", is_global=True, link=None, data={},
                                      expires_at=now + timedelta(days=30)) for i in range(ANNOUNCEMENTS)]
    bulk(Notification, announcements)
    bulk(AnnouncementRead, [{"notification_id": note["id"], "user_id": reader, "read_at": now, "dismissed_at": None}
                            for note in announcements[::2]])
    db.session.commit()
    analyze()
    print(f"Built {notifications:,} notifications for the reader, {OTHER_USERS * OTHERS_EACH:,} for "
          f"{OTHER_USERS} others, {ANNOUNCEMENTS} announcements in {time.perf_counter() - started:.1f} s")
    return db.session.get(User, reader)


def analyze() -> None:
    if db.engine.dialect.name == "postgresql":
        # VACUUM sets the visibility map, which an index-only scan needs; it cannot run in a transaction.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE notifications"))
            connection.execute(text("VACUUM ANALYZE announcement_reads"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def timed(label: str, call, runs: int) -> float:
    call()  # warm up: the connection, the statement cache
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        timings.append((time.perf_counter() - started) * 1000)
    median = statistics.median(timings)
    p95 = sorted(timings)[int(len(timings) * 0.95) - 1]
    print(f"   {label}: median {median:.2f} ms, p95 {p95:.2f} ms over {runs} runs -> {result}")
    return median


def statements_of(call) -> list[str]:
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return sent


def plan_of_count(reader: User) -> None:
    (statement, parameters), = statements_of(lambda: inbox.unread_count(reader))
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + statement, parameters)
        lines = [row[0] for row in rows]
    else:
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        lines = [row[-1] for row in rows]
    print("   plan of the count:")
    for line in lines:
        print(f"     {line}")


def measure(reader: User, notifications: int, runs: int) -> dict:
    figures = {}
    print(f"\n1. All {notifications:,} of the reader's unread:")
    figures["count_all_unread"] = timed("unread_count", lambda: inbox.unread_count(reader), runs)
    plan_of_count(reader)
    figures["list_page"] = timed("first page of the list (25)",
                                 lambda: len(inbox.list_for(reader, Page(limit=25))[0]), max(runs // 10, 10))
    unread = inbox.NotificationFilters(unread=True)
    figures["unread_page"] = timed("first page of unread only (25)",
                                   lambda: len(inbox.list_for(reader, Page(limit=25), unread)[0]), max(runs // 10, 10))

    # All but the three newest read, as after "mark all as read".
    now = utcnow()
    db.session.execute(update(Notification).where(Notification.user_id == reader.id).values(read_at=now))
    newest = db.session.scalars(db.select(Notification.id).where(Notification.user_id == reader.id)
                                .order_by(Notification.created_at.desc()).limit(3)).all()
    db.session.execute(update(Notification).where(Notification.id.in_(newest)).values(read_at=None))
    db.session.commit()
    analyze()
    print("\n2. All but 3 of the reader's read (and 10 announcements unread):")
    figures["count_few_unread"] = timed("unread_count", lambda: inbox.unread_count(reader), runs)
    plan_of_count(reader)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL to EMPTY and use; SQLite in a temporary folder otherwise")
    parser.add_argument("--notifications", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args()

    app, _ = bench_app(args.database_url, "bench-notifications-")
    print(f"Database: {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
    with app.app_context():
        reader = build(args.notifications)
        figures = measure(reader, args.notifications, args.runs)
    slowest = max(figures["count_all_unread"], figures["count_few_unread"])
    print(f"\nThe unread count's median is {'under' if slowest < 2 else 'OVER'} 2 ms ({slowest:.2f} ms at worst).")


if __name__ == "__main__":
    main()
