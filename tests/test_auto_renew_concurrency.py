"""Auto-renew never renews one period twice: two checks at once (threads of one process, and real
``flask jobs worker`` processes sharing a Redis queue), and a renewal racing a manual extension of
the same rental, each charge exactly once.

The database is the suite's (``TEST_DATABASE_URL``: PostgreSQL, or the SQLite file otherwise).
"""
import threading
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from app import create_app
from core import jobs
from core.extensions import db
from core.timeutil import set_clock
from models import AutoRenewal, Event, FailedJob, Rental, RunningJob, Transaction, WorkerHeartbeat
from services import wallet
from services.auto_renew import renew_due_rentals
from tests.factories import make_servers, server_record
from tests.races import count
from tests.worker_processes import wait_for, workers  # noqa: F401  (workers is a fixture)

START = datetime(2025, 1, 21, 22, 0, tzinfo=timezone.utc)
END = START + timedelta(days=7)
RENEW_AT = END - timedelta(hours=24)


def rent_with_auto_renew(app, api, person, how_many: int) -> list[str]:
    server_ids = make_servers(app, [server_record(f"node-{uuid.uuid4().hex[:6]}-{i}", prices={"7": "70.00"})
                                    for i in range(how_many)])
    with app.app_context():
        wallet.credit(person.username, how_many * 2 * 70_00)
        db.session.remove()
    rental_ids = []
    for server_id in server_ids.values():
        rental_id = api.rent(person, server_id)
        response = api.put(f"/rentals/{rental_id}/auto-renew", as_=person,
                           json={"additional_days": 7, "max_charge_cents": 7000})
        assert response.status_code == 200, response.json
        rental_ids.append(rental_id)
    return rental_ids


def assert_renewed_once(app, rental_ids: list[str]) -> None:
    with app.app_context():
        charged = dict(db.session.execute(
            select(Transaction.rental_id, func.count()).where(Transaction.type == "extension")
            .group_by(Transaction.rental_id)).all())
        assert charged == {rental_id: 1 for rental_id in rental_ids}
        renewed = db.session.scalar(select(func.count()).select_from(Event).where(Event.type == "rental.auto_renewed"))
        assert renewed == len(rental_ids)
        ends = {end - start for start, end in db.session.execute(select(Rental.rental_start, Rental.rental_end))}
        assert ends == {timedelta(days=14)}
        assert db.session.scalar(select(func.count()).select_from(FailedJob)) == 0
        db.session.remove()


def test_two_checks_at_once_renew_each_rental_once(app, api, clock, make_user):
    alice = make_user("alice")
    rental_ids = rent_with_auto_renew(app, api, alice, 40)
    clock.set(RENEW_AT)
    barrier = threading.Barrier(2)
    results = []

    def check():
        with app.app_context():
            barrier.wait()
            results.append(renew_due_rentals())
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=check) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(result.get("renewed", 0) for result in results) == 40, results
    assert_renewed_once(app, rental_ids)


def test_a_renewal_racing_a_manual_extension_of_the_same_period_charges_once(app, api, clock, make_user):
    alice = make_user("alice")
    rental_ids = rent_with_auto_renew(app, api, alice, 6)
    clock.set(RENEW_AT)
    outcomes = []
    for rental_id in rental_ids:
        barrier = threading.Barrier(2)
        manual = {}

        def extend_by_hand():
            client = app.test_client()
            barrier.wait()
            response = client.post(f"/api/v1/rentals/{rental_id}/extend", headers=alice.headers,
                                   json={"additional_days": 7, "expected_rental_end": "2025-01-28T22:00:00.000Z"})
            manual["status"] = response.status_code

        def renew():
            with app.app_context():
                barrier.wait()
                renew_due_rentals()
                db.session.commit()
                db.session.remove()

        threads = [threading.Thread(target=extend_by_hand), threading.Thread(target=renew)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert manual["status"] in (200, 409)
        outcomes.append(manual["status"])
    with app.app_context():
        charged = dict(db.session.execute(
            select(Transaction.rental_id, func.count()).where(Transaction.type == "extension")
            .group_by(Transaction.rental_id)).all())
        ends = {end - start for start, end in db.session.execute(select(Rental.rental_start, Rental.rental_end))}
        db.session.remove()
    assert charged == {rental_id: 1 for rental_id in rental_ids}, outcomes
    assert ends == {timedelta(days=14)}
    # Whichever won, the period is paid and the auto-renewal waits for the next one.
    for rental_id in rental_ids:
        shown = api.get(f"/rentals/{rental_id}", as_=alice).json["data"]["auto_renew"]
        assert shown["next_attempt_at"] == "2025-02-03T22:00:00.000Z"


def test_two_workers_on_one_redis_queue_renew_each_rental_once(app, api, make_user, database_url, redis_url,
                                                               workers):  # noqa: F811
    alice = make_user("alice")
    # Workers run on the real clock: the rentals are made a week before now, so their renewal is due.
    made_at = datetime.now(timezone.utc) - timedelta(days=6, hours=1)
    set_clock(lambda: made_at)
    try:
        rental_ids = rent_with_auto_renew(app, api, alice, 60)
    finally:
        set_clock(None)
    queue_name = f"test-{uuid.uuid4().hex[:8]}"
    group = workers({"DATABASE_URL": database_url, "REDIS_URL": redis_url, "JOBS_QUEUE_NAME": queue_name})
    first, second = group.start(), group.start()
    wait_for(lambda: count(app, select(func.count()).select_from(WorkerHeartbeat)) >= 2, "both workers", group)

    producer = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "AUTO_MIGRATE": False, "TESTING": True,
                           "SECRET_KEY": "test-secret", "REDIS_URL": redis_url, "JOBS_QUEUE_NAME": queue_name})
    with producer.app_context():
        for _ in range(20):
            jobs.enqueue(renew_due_rentals)
        queue = producer.extensions["jobs"]
        now = datetime.now(timezone.utc)

        def settled() -> bool:
            due = count(app, select(func.count()).select_from(AutoRenewal).where(AutoRenewal.next_attempt_at <= now))
            return due == 0 and queue.huey.pending_count() == 0 and \
                count(app, select(func.count()).select_from(RunningJob)) == 0

        wait_for(settled, "every renewal and an empty queue", group)
        db.engine.dispose()
    assert first.poll() is None and second.poll() is None, "both workers still running"
    group.stop()
    assert first.returncode == 0 and second.returncode == 0, group.log(first) + group.log(second)
    assert_renewed_once(app, rental_ids)
