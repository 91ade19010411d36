"""Webhook delivery at volume, by real worker processes, to receivers on localhost.

    .venv/bin/python bench/webhooks.py                       # SQLite in a temporary folder
    .venv/bin/python bench/webhooks.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_webhooks

The PostgreSQL database given is EMPTIED first. Ten users each have an endpoint on a receiver of
their own (threads of this process that check every signature and answer 200); 1,000 events
(``--events``: ``wallet.credited``, a tenth per user) are emitted in one transaction, and
``--processes`` (2) ``flask jobs worker`` processes of ``--threads`` (2) threads each deliver them.
Measured: from the commit to the last first arrival at every receiver; then the same again with an
eleventh endpoint that never answers (its receiver holds every request, so each attempt waits the
whole ``WEBHOOK_TIMEOUT_SECONDS``) and is sent a tenth as many events: the ten others' time beside it.
"""
import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.pop("REDIS_URL", None)

from sqlalchemy import func, select  # noqa: E402

from bench.bulk_rows import bench_app  # noqa: E402
from core.extensions import db  # noqa: E402
from models import WebhookAttempt, WebhookEndpoint, WorkerHeartbeat  # noqa: E402
from services import accounts, events, webhooks  # noqa: E402
from tests.webhook_receiver import Behaviour, Receiver  # noqa: E402

ENDPOINTS = 10
TIMEOUT_SECONDS = 10
receivers: list[Receiver] = []  # every receiver started, stopped at the end


def start_workers(app, folder: Path, processes: int, threads: int) -> list[subprocess.Popen]:
    environment = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                   "JOBS_DB": app.config["JOBS_DB"], "AUTO_MIGRATE": "0", "INSTANCE_PATH": str(folder / "instance"),
                   "SECRET_KEY": app.config["SECRET_KEY"], "WEBHOOK_ALLOW_PRIVATE": "1", "HEARTBEAT_SECONDS": "1",
                   "WEBHOOK_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS), "WEBHOOK_RETRY_SCHEDULE": "5,5,5,5,5,5,5,5",
                   "APP_ENV": "development"}
    started = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "jobs", "worker", "--workers",
                                 str(threads)], cwd=ROOT, env=environment, stdout=subprocess.DEVNULL,
                                stderr=open(folder / f"worker-{i}.log", "w")) for i in range(processes)]
    with app.app_context():
        deadline = time.monotonic() + 120
        while db.session.scalar(select(func.count()).select_from(WorkerHeartbeat)) < processes:
            db.session.rollback()
            if time.monotonic() > deadline:
                raise SystemExit(f"the workers did not start; see {folder}/worker-*.log")
            time.sleep(0.2)
        db.session.remove()
    return started


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        worker.wait(timeout=60)


def endpoints_for(app, count: int, prefix: str, behaviour: Behaviour | None = None) -> list[tuple]:
    """``count`` users, each with an endpoint on a receiver of their own."""
    made = []
    with app.app_context():
        for i in range(count):
            user = accounts.create_user(f"{prefix}{i}", "bench-password-1", alias="")
            receiver = Receiver()
            receivers.append(receiver)
            if behaviour is not None:
                receiver.behaviour = behaviour
            _, secret = webhooks.create_endpoint(user, receiver.url, "bench", ["wallet.credited"])
            receiver.secret = secret
            made.append((user.id, receiver))
        db.session.remove()
    return made


def emit(app, targets: list[tuple], per_user: int, run: str) -> float:
    """``per_user`` wallet.credited events for each user, in one transaction; when it committed."""
    with app.app_context():
        rows = [events.event_row("wallet.credited", f"bench:{run}:{user_id}:{n}", user_id=user_id,
                                 data={"amount_cents": n + 1, "balance_cents": n + 1, "note": "bench"})
                for n in range(per_user) for user_id, _ in targets]
        events.emit_many(rows)
        db.session.commit()
        committed = time.monotonic()
        db.session.remove()
    return committed


def first_arrivals(receiver: Receiver) -> int:
    with receiver.lock:
        return len({item.webhook_id for item in receiver.received})


def wait_all(targets: list[tuple], each: int, since: float, limit: float = 600) -> float:
    while True:
        if all(first_arrivals(receiver) >= each for _, receiver in targets):
            return time.monotonic() - since
        if time.monotonic() - since > limit:
            raise SystemExit("not everything arrived within %d s" % limit)
        time.sleep(0.02)


def check(targets: list[tuple], each: int) -> str:
    received = [item for _, receiver in targets for item in receiver.received]
    unverified = sum(not item.verified for item in received)
    repeats = len(received) - len({item.webhook_id for item in received})
    in_order = all([item.payload["data"]["amount_cents"] for item in receiver.received]
                   == list(range(1, each + 1)) for _, receiver in targets)
    return f"{len(received)} received, {unverified} unverified, {repeats} repeated, in order per endpoint: {in_order}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    options = parser.parse_args()
    app, folder = bench_app(options.database_url, "bench-webhooks-")
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True  # the receivers are on 127.0.0.1
    per_user = options.events // ENDPOINTS
    print(f"{options.events} events to {ENDPOINTS} endpoints ({per_user} each), {options.processes} worker "
          f"processes × {options.threads} threads, {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}")

    workers = start_workers(app, folder, options.processes, options.threads)
    try:
        plain = endpoints_for(app, ENDPOINTS, "plain")
        elapsed = wait_all(plain, per_user, emit(app, plain, per_user, "plain"))
        print(f"all delivered: {elapsed:.2f} s ({options.events / elapsed:.0f} deliveries/s); {check(plain, per_user)}")

        others = endpoints_for(app, ENDPOINTS, "beside")
        [hanging] = endpoints_for(app, 1, "hanging", Behaviour(hang=10**9))
        since = emit(app, others, per_user, "beside")
        emit(app, [hanging], per_user // 10, "hanging")
        elapsed = wait_all(others, per_user, since)
        with app.app_context():
            waited = db.session.scalar(select(func.count()).select_from(WebhookAttempt).join(
                WebhookEndpoint, WebhookEndpoint.id == WebhookAttempt.endpoint_id).where(
                WebhookEndpoint.user_id == hanging[0]))
            db.session.remove()
        print(f"beside an endpoint that never answers ({TIMEOUT_SECONDS} s timeout, {waited} attempts made to it "
              f"meanwhile): the ten others all delivered in {elapsed:.2f} s ({options.events / elapsed:.0f} "
              f"deliveries/s); {check(others, per_user)}")
    finally:
        stop_workers(workers)
        for receiver in receivers:
            receiver.stop()


if __name__ == "__main__":
    main()
