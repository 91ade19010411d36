"""Real ``flask jobs worker`` processes: two of them on one Redis queue and one database, handed the
same rental check many times, make every event and notification exactly once; and a worker killed
(SIGKILL) in the middle of a job has that job run again by the next worker, its effect still once.

The database is the suite's (``TEST_DATABASE_URL``: PostgreSQL, or the SQLite file otherwise); the
Redis queue is ``TEST_JOBS_REDIS_URL`` (default ``redis://127.0.0.1:6379/2``), emptied before and
after. Workers run on the real clock, so the rentals are made with the app's clock set back far
enough that their reminders, expiries and ends are due now.
"""
import os
import socket
import tempfile
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from app import create_app
from core import jobs
from core.extensions import db
from core.timeutil import set_clock
from models import Event, FailedJob, Notification, Rental, RunningJob, Server, WorkerHeartbeat
from services import wallet
from services.rental_lifecycle import check_rentals
from services.events import dispatch_events
from tests import job_helpers
from tests import worker_processes
from tests.factories import make_servers, server_record
from tests.worker_processes import WAIT_SECONDS, count, wait_for

# The fixtures of the worker processes and their Redis queue.
workers = worker_processes.workers
jobs_redis_url = worker_processes.jobs_redis_url


def rent_due_rentals(app, api, team, how_many: int) -> dict[str, int]:
    """``how_many`` rentals, a third with a reminder due now, a third expired, a third ended; half by
    alice in her own pool (one recipient each), half by the team's user in the team pool (three:
    the user, the owner and the admin). Returns the number of notifications each event type makes."""
    names = [f"node-{i}" for i in range(how_many)]
    server_ids = make_servers(app, [server_record(name, prices={"7": "70.00"}) for name in names])
    alice = team.stranger
    with app.app_context():
        for person in (alice, team.user):
            wallet.credit(person.username, 100 * how_many * 70_00)
        db.session.remove()
    now = datetime.now(timezone.utc)
    made_at = {  # when a 7-day rental is made so that what is due now is...
        "rental.ending_soon": now - timedelta(days=7) + timedelta(hours=1),  # its 24-hour reminder
        "rental.expired": now - timedelta(days=7, hours=1),  # its expiry (held 2 days)
        "rental.ended": now - timedelta(days=10),  # the end of its hold
    }
    expected = {kind: 0 for kind in made_at}
    try:
        for i, name in enumerate(names):
            kind = list(made_at)[i % 3]
            renter, pool, recipients = (alice, None, 1) if i % 2 else (team.user, team.pool_id, 3)
            set_clock(lambda: made_at[kind])  # the tokens were made on the real clock, and stay valid
            body = {"rental_days": 7, **({"pool_id": pool} if pool else {})}
            response = api.post(f"/servers/{server_ids[name]}/rent", as_=renter, json=body)
            assert response.status_code == 201, response.json
            expected[kind] += recipients
    finally:
        set_clock(None)
    return expected


def assert_each_effect_once(app, expected: dict[str, int], rentals: int) -> None:
    with app.app_context():
        # Of a rental's life: the rents, the invitations and credits that set the scene, and the setups the
        # administrators are told are overdue are events too.
        events = db.session.execute(select(Event.type, func.count()).where(Event.type.in_(expected))
                                    .group_by(Event.type)).all()
        assert sum(n for _, n in events) == rentals  # one event per rental: the one due now
        notes = dict(db.session.execute(select(Notification.event, func.count())
                                        .where(Notification.event.in_(expected)).group_by(Notification.event)).all())
        assert notes == expected
        pairs = db.session.execute(select(Notification.event_id, Notification.user_id)).all()
        assert len(pairs) == len(set(pairs))
        assert db.session.scalar(select(func.count()).select_from(Event).where(Event.dispatched_at.is_(None))) == 0
        assert db.session.scalar(select(func.count()).select_from(FailedJob)) == 0
        now = datetime.now(timezone.utc)
        assert db.session.scalar(select(func.count()).select_from(Rental).where(Rental.next_event_at <= now)) == 0
        ended_servers = select(Event.data).where(Event.type == "rental.ended")
        released = [data["server_id"] for data in db.session.scalars(ended_servers)]
        assert db.session.scalar(select(func.count()).select_from(Server)
                                 .where(Server.id.in_(released), Server.reserved_until.is_not(None))) == 0
        db.session.remove()


def test_two_workers_on_one_redis_queue_make_every_notification_once(app, api, team, database_url, jobs_redis_url,
                                                                     workers):
    expected = rent_due_rentals(app, api, team, how_many=60)
    queue_name = f"test-{uuid.uuid4().hex[:8]}"
    group = workers({"DATABASE_URL": database_url, "REDIS_URL": jobs_redis_url, "JOBS_QUEUE_NAME": queue_name})
    first, second = group.start(), group.start()
    wait_for(lambda: count(app, select(func.count()).select_from(WorkerHeartbeat)) >= 2, "both workers", group)

    # The same check and dispatch, many times over, for the two workers' four threads to run at once.
    producer = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "AUTO_MIGRATE": False, "TESTING": True,
                           "SECRET_KEY": "test-secret", "REDIS_URL": jobs_redis_url, "JOBS_QUEUE_NAME": queue_name})
    with producer.app_context():
        for _ in range(20):
            jobs.enqueue(check_rentals)
            jobs.enqueue(dispatch_events)
        db.engine.dispose()

    total = sum(expected.values())
    with producer.app_context():
        queue = producer.extensions["jobs"]

        def settled() -> bool:
            done = count(app, select(func.count()).select_from(Notification)) >= total
            return done and queue.huey.pending_count() == 0 and count(app, select(func.count()).select_from(RunningJob)) == 0

        wait_for(settled, f"{total} notifications and an empty queue", group)
    assert first.poll() is None and second.poll() is None, "both workers still running"
    group.stop()
    assert first.returncode == 0 and second.returncode == 0, group.log(first) + group.log(second)
    assert_each_effect_once(app, expected, rentals=60)
    with app.app_context():
        alive = db.session.scalars(select(WorkerHeartbeat.id)).all()
    assert {f"{socket.gethostname()}:{first.pid}", f"{socket.gethostname()}:{second.pid}"} <= set(alive)


def test_a_job_whose_worker_is_killed_is_run_again_by_the_next_worker_and_its_effect_happens_once(
        app, api, team, database_url, workers):
    expected = rent_due_rentals(app, api, team, how_many=6)
    # The SQLite queue file of the test's app, shared with the workers: the default queue, with real processes.
    group = workers({"DATABASE_URL": database_url, "JOBS_DB": app.config["JOBS_DB"]},
                    app_path="tests.job_helpers:create_worker_app")
    gate_dir = tempfile.mkdtemp(prefix="gate", dir="/tmp")  # a socket's path must stay short
    gate_path = os.path.join(gate_dir, "s")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as gate:
        gate.bind(gate_path)
        gate.listen()
        gate.settimeout(WAIT_SECONDS)
        with app.app_context():
            jobs.enqueue(job_helpers.check_rentals_then_wait, gate_path)

        doomed = group.start(threads=1)
        first_run, _ = gate.accept()  # the job's effect is committed, and the job is waiting
        assert first_run.recv(64) == b"effect done\n"
        assert_each_effect_once(app, expected, rentals=6)
        with app.app_context():
            running = db.session.scalars(select(RunningJob)).all()
            assert [(job.task, job.worker_id) for job in running] == [
                ("tests.job_helpers.check_rentals_then_wait", f"{socket.gethostname()}:{doomed.pid}")]
            db.session.remove()

        doomed.kill()  # SIGKILL: no chance to tidy up
        doomed.wait()
        first_run.close()
        successor = group.start(threads=1)
        second_run, _ = gate.accept()  # the same job, taken back from the dead worker and run again
        with second_run:
            assert second_run.recv(64) == b"effect done\n"
            second_run.sendall(b"go")

    wait_for(lambda: count(app, select(func.count()).select_from(RunningJob)) == 0, "the job to finish", group)
    group.stop()
    assert f"was running on {socket.gethostname()}:{doomed.pid}, which is gone; queued again" in group.log(successor)
    assert_each_effect_once(app, expected, rentals=6)
    os.unlink(gate_path)
    os.rmdir(gate_dir)
