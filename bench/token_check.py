"""What the token permission check adds to an API call: the bearer lookup as it was before token
permissions, the lookup now (it reads the permissions and the allowed addresses too), and the
permission and address checks alone.

    .venv/bin/python bench/token_check.py                       # SQLite in a temporary folder
    .venv/bin/python bench/token_check.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_t

The PostgreSQL database given is EMPTIED first. Makes one user with a full-access token and one with a
read_only token accepted from three ranges, then times each step ``--runs`` times and prints the
median and the 95th percentile in milliseconds.
"""
import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.pop("REDIS_URL", None)

from sqlalchemy import bindparam, select  # noqa: E402

from app import create_app  # noqa: E402
from bench.bulk_rows import reset_postgresql  # noqa: E402
from core.extensions import db  # noqa: E402
from models import ApiToken, User  # noqa: E402
from services import accounts, permissions, scoped_tokens, tokens  # noqa: E402
from services.token_addresses import admits  # noqa: E402

_columns = ApiToken.__table__.c
# The lookup before token permissions: the same statement without the new columns.
BEFORE = (select(User, _columns.id.label("token_id"), _columns.token_hash, _columns.expires_at, _columns.revoked_at,
                 _columns.last_used_at)
          .join_from(User, ApiToken.__table__, _columns.user_id == User.id)
          .where(_columns.token_hash == bindparam("digest")))


def timed(runs: int, step) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter_ns()
        step()
        samples.append((time.perf_counter_ns() - started) / 1e6)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=5000)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    if args.database_url:
        reset_postgresql(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        user = accounts.create_user("bench", "bench-password-1")
        _, full = tokens.create_token(user, "full", None)
        _, scoped = scoped_tokens.create(user, None, scoped_tokens.NewToken(
            alias="scoped", permission_template="read_only",
            ip_whitelist=["10.0.0.0/8", "192.0.2.0/24", "2001:db8::/32"]))
        address, ranges = "192.0.2.7", ["10.0.0.0/8", "192.0.2.0/24", "2001:db8::/32"]
        bearer = tokens.bearer_for_token(scoped, address)
        digest = tokens._digest(scoped)
        rows = [
            ("lookup before permissions (the old statement)",
             lambda: db.session.execute(BEFORE, {"digest": digest}).first()),
            ("lookup now, full-access token", lambda: tokens.bearer_for_token(full, address)),
            ("lookup now, read_only token from an allowed range", lambda: tokens.bearer_for_token(scoped, address)),
            ("permission check alone (permits)",
             lambda: permissions.permits(bearer.permissions, False, "financial.wallet.read")),
            ("address check alone (3 ranges)", lambda: admits(ranges, address)),
        ]
        print(f"{args.runs} runs each, {db.engine.dialect.name}")
        print(f"{'step':56} {'median ms':>10} {'p95 ms':>10}")
        for name, step in rows:
            step()  # warm the statement cache
            median, p95 = timed(args.runs, step)
            print(f"{name:56} {median:10.4f} {p95:10.4f}")


if __name__ == "__main__":
    main()
