"""The job queue seen from outside: ``flask jobs tick`` and ``flask jobs status``, retries with
backoff into ``failed_jobs``, the outbox (an event commits or rolls back with its action, and is
dispatched even when its job is lost), periodic checks that say what they did, and ``/healthz``
saying whether a worker is alive.

Time moves with the ``clock`` fixture: Huey reads the app's clock, so retries come due as it moves.
"""

import pytest
from sqlalchemy import select

from core import jobs
from core.extensions import db
from models import Event, FailedJob, Notification
from services import events
from services.atomic import write_transaction
from tests import job_helpers
from tests.factories import make_servers, server_record


@pytest.fixture
def status(runner):
    def run() -> str:
        result = runner.invoke(args=["jobs", "status"])
        assert result.exit_code == 0, result.output
        return result.output
    return run


@pytest.fixture
def card(app):
    """charge_card's service: working, with no calls yet."""
    job_helpers.CARD_CALLS.clear()
    job_helpers.CARD_FAILURES["left"] = 0
    yield job_helpers
    job_helpers.CARD_FAILURES["left"] = 0


@pytest.fixture
def alice(make_user):
    return make_user("alice")


def enqueue(app, func, *args) -> None:
    with app.app_context():
        jobs.enqueue(func, *args)


def queue_depth(app) -> tuple[int, int]:
    with app.app_context():
        depth = app.extensions["jobs"].depth()
        db.session.remove()
    return depth.pending, depth.scheduled


def notified(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(select(Notification.user_id, Notification.title)
                                  .order_by(Notification.created_at, Notification.title)).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def failed_jobs(app) -> list[FailedJob]:
    with app.app_context():
        rows = list(db.session.scalars(select(FailedJob).order_by(FailedJob.failed_at)))
        db.session.remove()
    return rows


# --- Running jobs ------------------------------------------------------------------------------------

def test_tick_runs_every_check_then_the_jobs_due_and_says_what_each_did(app, tick, card, clock):
    enqueue(app, card.charge_card, "order-1")
    assert queue_depth(app) == (1, 0)

    output = tick()

    *checks, job, summary = output.splitlines()
    # Every check once (in the order their modules were imported), then the job that was due.
    assert sorted(checks) == [
        "check check_low_balances: nothing to do",
        "check check_rentals: nothing to do",
        "check deliver_waiting_webhooks: nothing to do",
        "check dispatch_events: nothing to do",
        "check expire_spend_requests: nothing to do",
        "check flag_overdue_setups: nothing to do",
        "check renew_due_rentals: nothing to do",
        "check send_waiting_email: nothing to do",
    ]
    assert job == "job tests.job_helpers.charge_card: charged"
    assert summary == "Ran 9 job(s) and check(s); 0 failed"
    assert card.CARD_CALLS == ["order-1"]
    assert queue_depth(app) == (0, 0)


def test_a_job_that_raises_is_retried_with_backoff_then_recorded_as_failed(app, tick, status, card, clock):
    card.CARD_FAILURES["left"] = 3
    enqueue(app, card.charge_card, "order-7")

    first = tick()
    assert ("job tests.job_helpers.charge_card: failed: RuntimeError: the card processor is down; "
            "retrying in 30 s") in first
    assert queue_depth(app) == (0, 1)
    assert "0 pending, 1 scheduled" in status()

    clock.advance(seconds=29)
    assert "charge_card" not in tick()  # not due yet
    clock.advance(seconds=1)
    assert "charge_card: failed: RuntimeError: the card processor is down; retrying in 60 s" in tick()
    clock.advance(seconds=59)
    assert "charge_card" not in tick()
    clock.advance(seconds=1)
    last = tick()

    assert "charge_card: failed: RuntimeError: the card processor is down; failed for good (see failed jobs)" in last
    assert "Ran 9 job(s) and check(s); 1 failed" in last
    assert card.CARD_CALLS == ["order-7"] * 3
    assert queue_depth(app) == (0, 0)
    [failed] = failed_jobs(app)
    assert (failed.task, failed.args, failed.attempts) == ("tests.job_helpers.charge_card", ["order-7"], 3)
    assert failed.error == "RuntimeError: the card processor is down"
    assert "Traceback" in failed.traceback and 'raise RuntimeError("the card processor is down")' in failed.traceback
    assert failed.failed_at == clock.now and failed.retried_at is None
    report = status()
    assert "Failed jobs: 1" in report
    assert (f"{failed.id}\ttests.job_helpers.charge_card('order-7',)\t3 attempt(s)\t2025-01-21T22:01:30.000Z\t"
            "RuntimeError: the card processor is down") in report


def test_a_job_that_succeeds_on_a_retry_leaves_no_failure(app, tick, card, clock):
    card.CARD_FAILURES["left"] = 1
    enqueue(app, card.charge_card, "order-8")
    tick()
    clock.advance(seconds=30)
    assert "job tests.job_helpers.charge_card: charged" in tick()
    assert card.CARD_CALLS == ["order-8", "order-8"] and failed_jobs(app) == []


def test_a_job_that_runs_out_of_the_queue_is_not_run_twice_by_the_next_tick(app, tick, card, clock):
    enqueue(app, card.charge_card, "order-9")
    tick()
    tick()
    assert card.CARD_CALLS == ["order-9"]


def test_status_lists_the_checks_the_queue_and_the_workers(app, tick, status, clock):
    before = status()
    assert "0 pending, 0 scheduled (retries and later jobs), 0 running" in before
    assert "Worker: none, last heartbeat never" in before
    assert "  check_rentals\tevery 1 min\tnever run" in before

    tick()
    clock.advance(minutes=1)
    tick()

    after = status()
    assert "Worker: ok, last heartbeat 2025-01-21T22:01:00.000Z" in after
    assert "  check_rentals\tevery 1 min\tlast run 2025-01-21T22:01:00.000Z\t2 run(s)\tnothing to do" in after
    assert "Failed jobs: 0" in after


def test_a_periodic_check_that_fails_says_why_until_it_works_again(app, api, tick, status, clock, make_user,
                                                                      monkeypatch):
    from services import rental_lifecycle

    renter = make_user("renter", balance_cents=100_00)
    server_id = make_servers(app, [server_record("node-1", prices={"7": "70.00"})])["node-1"]
    assert api.post(f"/servers/{server_id}/rent", as_=renter, json={"rental_days": 7}).status_code == 201
    clock.advance(days=6)

    def broken(*args):
        raise ValueError("no reminder for you")

    monkeypatch.setattr(rental_lifecycle, "due_mark", broken)
    output = tick()
    assert "check check_rentals: failed: ValueError: no reminder for you; it runs again at its next time" in output
    assert "error: ValueError: no reminder for you" in status()
    assert failed_jobs(app) == []  # a check runs again at its next time; it is not a failed job

    monkeypatch.undo()
    clock.advance(minutes=1)
    tick()
    report = status()
    assert "check_rentals\tevery 1 min\tlast run 2025-01-27T22:01:00.000Z\t2 run(s)\trentals 1, events 1" in report
    assert "no reminder for you" not in report


# --- The outbox --------------------------------------------------------------------------------------

def emit(app, key: str, user_id: str, fail_after: bool = False) -> None:
    """An action that writes an event in its transaction (and, with ``fail_after``, then fails)."""
    with app.app_context():
        with write_transaction():
            events.emit("test.happened", key, user_id=user_id, data={"what": key})
            if fail_after:
                raise RuntimeError("the action failed after writing its event")


def test_an_event_is_dispatched_once_after_its_transaction_commits(app, tick, alice):
    emit(app, "test:1", alice.id)
    assert queue_depth(app) == (1, 0)  # the dispatcher, queued by the commit

    tick()
    tick()

    assert notified(app) == [(alice.id, "Test: happened")]  # an event with no text of its own yet still arrives
    with app.app_context():
        assert db.session.scalar(select(Event.dispatched_at).where(Event.key == "test:1")) is not None


def test_a_second_emit_with_the_same_key_adds_nothing(app, tick, alice):
    emit(app, "test:same", alice.id)
    emit(app, "test:same", alice.id)
    tick()
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Event)) == 1
    assert len(notified(app)) == 1


def test_an_event_whose_transaction_rolls_back_is_never_dispatched(app, tick, alice):
    with pytest.raises(RuntimeError, match="the action failed"):
        emit(app, "test:rolled-back", alice.id, fail_after=True)

    assert queue_depth(app) == (0, 0)
    tick()
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Event)) == 0
    assert notified(app) == []


def test_an_event_committed_when_the_queue_was_unreachable_is_dispatched_by_the_periodic_check(
        app, tick, alice, monkeypatch):
    queue = app.extensions["jobs"]

    def unreachable(*args, **kwargs):
        raise ConnectionError("the queue is unreachable")

    monkeypatch.setattr(queue.huey.storage, "enqueue", unreachable)
    emit(app, "test:lost-job", alice.id)  # the action still succeeds: its event is committed
    monkeypatch.undo()
    assert queue_depth(app) == (0, 0)  # but no job is on its way

    output = tick()

    assert "check dispatch_events: notify_in_app 1, events 1" in output
    assert notified(app) == [(alice.id, "Test: happened")]


def test_an_event_that_cannot_be_dispatched_holds_up_no_other(app, tick, clock, alice, make_user, monkeypatch):
    from services import notification_texts

    bob = make_user("bob")

    def broken(event):
        raise KeyError("server_name")

    monkeypatch.setitem(notification_texts._writers, "test.broken", broken)
    with app.app_context(), write_transaction():
        events.emit("test.happened", "test:before", user_id=alice.id)
        events.emit("test.broken", "test:broken", user_id=alice.id)
        events.emit("test.happened", "test:after", user_id=bob.id)

    output = tick()

    assert sorted(notified(app)) == sorted([(alice.id, "Test: happened"), (bob.id, "Test: happened")])
    assert "job services.events.dispatch_events: failed: RuntimeError: 1 event(s) could not be dispatched" in output
    assert "retrying in 30 s" in output

    monkeypatch.undo()  # the text is fixed
    clock.advance(seconds=30)
    tick()
    assert len(notified(app)) == 3
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Event).where(Event.dispatched_at.is_(None))) == 0


# --- /healthz and the worker -------------------------------------------------------------------------------

def test_healthz_is_degraded_until_a_worker_or_a_tick_has_run(client, tick, clock):
    assert client.get("/healthz").get_json() == {
        "status": "degraded", "database": "ok", "worker": {"last_heartbeat": None, "status": "none"}}

    tick()

    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok", "database": "ok",
        "worker": {"last_heartbeat": "2025-01-21T22:00:00.000Z", "status": "ok"}}


def test_healthz_is_degraded_when_the_last_heartbeat_is_older_than_worker_stale_seconds(app, client, tick, clock):
    tick()
    clock.advance(seconds=300)
    assert client.get("/healthz").get_json()["status"] == "ok"

    clock.advance(seconds=1)
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {
        "status": "degraded", "database": "ok",
        "worker": {"last_heartbeat": "2025-01-21T22:00:00.000Z", "status": "stale"}}
    app.config["WORKER_STALE_SECONDS"] = 3600
    assert client.get("/healthz").get_json()["status"] == "ok"
