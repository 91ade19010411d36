"""Webhooks sent by real ``flask jobs worker`` processes: two workers on one Redis queue deliver every
event of three endpoints once each and in order; and a worker killed (SIGKILL) while a receiver holds
its request leaves the message to be sent again, under the same ``webhook-id``, with nothing lost.
"""
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from app import create_app
from core.extensions import db
from core.timeutil import set_clock
from services import wallet
from tests import worker_processes
from tests.worker_processes import count, wait_for
from tests.webhook_receiver import Behaviour, Receivers

# The fixtures of the worker processes and their Redis queue.
workers = worker_processes.workers
jobs_redis_url = worker_processes.jobs_redis_url
WORKER_SETTINGS = {"SECRET_KEY": "test-secret", "WEBHOOK_ALLOW_PRIVATE": "1", "WEBHOOK_RETRY_SCHEDULE": "1,1,1"}


@pytest.fixture
def receivers():
    started = Receivers()
    yield started
    started.stop()


def create_endpoint(api, person, receiver) -> str:
    response = api.post("/webhooks", as_=person, json={"url": receiver.url, "events": ["wallet.credited"]})
    assert response.status_code == 201, response.json
    receiver.secret = response.json["data"]["secret"]
    return response.json["data"]["id"]


def credit(app, person, cents: int) -> None:
    with app.app_context():
        wallet.credit(person.username, cents)
        db.session.remove()


def test_two_workers_on_redis_deliver_every_event_once_and_in_order_per_endpoint(
        app, api, make_user, receivers, database_url, jobs_redis_url, workers):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    people = [make_user(f"user{i}") for i in range(3)]
    hooks = {person.username: receivers() for person in people}
    for person in people:
        create_endpoint(api, person, hooks[person.username])
    hooks["user0"].behaviour = Behaviour(fail_first=3)  # one endpoint fails a while, then catches up
    queue_name = f"test-{uuid.uuid4().hex[:8]}"
    group = workers({"DATABASE_URL": database_url, "REDIS_URL": jobs_redis_url, "JOBS_QUEUE_NAME": queue_name,
                     **WORKER_SETTINGS})
    group.start(), group.start()

    # The credits queue their dispatch on the workers' Redis queue.
    producer = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "AUTO_MIGRATE": False, "TESTING": True,
                           "SECRET_KEY": "test-secret", "REDIS_URL": jobs_redis_url, "JOBS_QUEUE_NAME": queue_name})
    events_each = 15
    for amount in range(1, events_each + 1):
        for person in people:
            credit(producer, person, amount)
    with producer.app_context():
        db.engine.dispose()
    for receiver in hooks.values():
        wait_for(lambda: len({item.webhook_id for item in receiver.received}) >= events_each,
                 "every event at every endpoint", group)
    group.stop()

    for name, receiver in hooks.items():
        arrived = [(item.webhook_id, item.payload["data"]["amount_cents"]) for item in receiver.received]
        assert all(item.verified for item in receiver.received)
        first_seen = list(dict.fromkeys(arrived))
        assert [amount for _, amount in first_seen] == list(range(1, events_each + 1)), name
        if name == "user0":
            # The first message three times (500, 500, 500), the same id each time; then the rest once.
            assert arrived[:4] == [first_seen[0]] * 4 and arrived[4:] == first_seen[1:]
        else:
            assert arrived == first_seen  # nothing twice


def test_a_worker_killed_mid_delivery_leaves_the_message_to_be_sent_again(
        app, api, make_user, receivers, run_jobs, database_url, workers):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    alice = make_user("alice")
    receiver = receivers()
    receiver.behaviour = Behaviour(hang=1)  # holds the first request until the test ends
    endpoint_id = create_endpoint(api, alice, receiver)
    credit(app, alice, 100)
    credit(app, alice, 200)

    group = workers({"DATABASE_URL": database_url, "JOBS_DB": app.config["JOBS_DB"],
                     "WEBHOOK_TIMEOUT_SECONDS": "60", **WORKER_SETTINGS})
    doomed = group.start(threads=1)
    receiver.wait_for(1, timeout=120)
    doomed.kill()  # SIGKILL while the receiver holds the request: no answer was recorded
    doomed.wait()

    # The dead worker's lease on the endpoint runs out; then a tick sends the message again.
    set_clock(lambda: datetime.now(timezone.utc) + timedelta(minutes=5))
    try:
        run_jobs()
        attempts = api.get(f"/webhooks/{endpoint_id}/deliveries", as_=alice).json["data"]
    finally:
        set_clock(None)

    arrived = [(item.webhook_id, item.payload["data"]["amount_cents"]) for item in receiver.received]
    assert [amount for _, amount in arrived] == [100, 100, 200]
    assert arrived[0][0] == arrived[1][0] != arrived[2][0]
    assert all(item.verified for item in receiver.received)
    assert [(item["attempt"], item["status_code"]) for item in reversed(attempts)] == [(1, None), (2, 200), (1, 200)]
    assert attempts[-1]["error"] == "the worker stopped during this attempt; it is sent again"
    assert count(app, db.text("select count(*) from webhook_messages where status = 'pending'")) == 0
