"""A rental's life in time, told to the people it concerns: reminders at each REMINDER_HOURS mark
before it ends, its expiry into the hold, and its end (the server released), each once, to the
renter and, for a rental in a shared pool, to the pool's owner and admins.

Time moves with the ``clock`` fixture; the work runs as cron would run it, with ``flask jobs tick``.
A seven-day rental made at the clock's start (2025-01-21 22:00 UTC) ends 2025-01-28 22:00 and is
held until 2025-01-30 22:00.
"""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from core.extensions import db
from models import Event, Notification, Rental, Server, User
from services.rental_lifecycle import due_mark, next_event_at
from tests.factories import make_servers, server_record

START = datetime(2025, 1, 21, 22, 0, tzinfo=timezone.utc)
END = START + timedelta(days=7)
HOLD_UNTIL = END + timedelta(days=2)
HOURS = (72, 24)


@pytest.fixture(autouse=True)
def setups_never_overdue(app):
    """These tests count every event and statement of a tick: the servers' setups (flagged to
    administrators when late, tests/test_api_provisioning.py) stay out of it."""
    app.config["PROVISIONING_TIMEOUT_HOURS"] = 24 * 3650


@pytest.fixture
def server_id(app):
    return make_servers(app, [server_record("node-us-nyc-1", prices={"1": "12.00", "7": "70.00"})])["node-us-nyc-1"]


@pytest.fixture
def alice(make_user):
    return make_user("alice", balance_cents=1000_00)


def rent(api, person, server_id, days: int = 7, pool_id: str | None = None) -> str:
    body = {"rental_days": days, **({"pool_id": pool_id} if pool_id else {})}
    response = api.post(f"/servers/{server_id}/rent", as_=person, json=body)
    assert response.status_code == 201, response.json
    return response.json["data"]["rental"]["id"]


def extend(api, person, rental_id: str, days: int = 7) -> None:
    response = api.post(f"/rentals/{rental_id}/extend", as_=person, json={"additional_days": days})
    assert response.status_code == 200, response.json


def notifications(app) -> list[dict]:
    """Every notification of a rental's life, oldest first, as the people it went to would read it
    (the invitations and credits that set the scene tell people too)."""
    with app.app_context():
        rows = db.session.execute(
            select(Notification, User.username).join(User, User.id == Notification.user_id)
            .where(Notification.event.like("rental.%"))
            .order_by(Notification.created_at, Notification.event, User.username)
        ).all()
        db.session.remove()
    return [{"to": username, "event": note.event, "title": note.title, "message": note.message,
             "link": note.link, "severity": note.severity, "type": note.type, "data": note.data}
            for note, username in rows]


def received(app) -> list[tuple[str, str]]:
    return [(note["to"], note["event"]) for note in notifications(app)]


# --- The schedule: one pure function -------------------------------------------------------------

@pytest.mark.parametrize("now, expected", [
    (START, END - timedelta(hours=72)),
    (END - timedelta(hours=72), END - timedelta(hours=24)),  # a mark that has come is not next
    (END - timedelta(hours=30), END - timedelta(hours=24)),
    (END - timedelta(hours=1), END),
    (END, HOLD_UNTIL),
    (HOLD_UNTIL - timedelta(seconds=1), HOLD_UNTIL),
    (HOLD_UNTIL, None),
])
def test_next_event_at_is_the_first_mark_after_now(now, expected):
    assert next_event_at(END, HOLD_UNTIL, HOURS, now) == expected


@pytest.mark.parametrize("now, expected", [
    (START, None),
    (END - timedelta(hours=72), ("rental.ending_soon", 72)),
    (END - timedelta(hours=24, seconds=1), ("rental.ending_soon", 72)),
    (END - timedelta(hours=1), ("rental.ending_soon", 24)),
    (END + timedelta(hours=47), ("rental.expired", None)),
    (HOLD_UNTIL + timedelta(days=30), ("rental.ended", None)),
])
def test_the_mark_due_is_the_latest_that_has_come(now, expected):
    mark = due_mark(END, HOLD_UNTIL, HOURS, now)
    assert (mark and (mark.event, mark.hours)) == expected


# --- Each event at its moment ---------------------------------------------------------------------

def test_a_rental_is_reminded_at_72_and_24_hours_then_expires_then_ends(app, api, clock, tick, alice, server_id):
    rental_id = rent(api, alice, server_id)
    moments = [
        (END - timedelta(hours=72), "rental.ending_soon"),
        (END - timedelta(hours=24), "rental.ending_soon"),
        (END, "rental.expired"),
        (HOLD_UNTIL, "rental.ended"),
    ]
    expected = []
    for moment, event in moments:
        clock.set(moment - timedelta(seconds=1))
        tick()
        assert received(app) == expected, f"nothing is due before {moment}"
        clock.set(moment)
        tick()
        expected.append(("alice", event))
        assert received(app) == expected

    soon_72, soon_24, expired, ended = notifications(app)
    assert soon_72["title"] == "node-us-nyc-1 ends in 3 days"
    assert soon_24["title"] == "node-us-nyc-1 ends in 24 hours"
    assert soon_24["message"] == (
        "The rental of node-us-nyc-1 ends on 28 Jan 2025, 22:00 UTC. Extend it before then to keep the server "
        "running. Otherwise it is held for you for 2 days, until 30 Jan 2025, 22:00 UTC, and then released.")
    assert expired["title"] == "node-us-nyc-1 has expired"
    assert expired["message"] == (
        "The rental of node-us-nyc-1 ended on 28 Jan 2025, 22:00 UTC. The server is held for you until "
        "30 Jan 2025, 22:00 UTC: extend the rental before then to keep it, or it is released to the marketplace.")
    assert ended["title"] == "node-us-nyc-1 was released"
    assert "hold, which ended on 30 Jan 2025, 22:00 UTC" in ended["message"]
    assert [note["severity"] for note in (soon_72, soon_24, expired, ended)] == ["WARNING", "WARNING", "ERROR", "INFO"]
    assert {note["link"] for note in (soon_72, soon_24, expired, ended)} == {f"/rentals/{rental_id}"}
    assert {note["type"] for note in (soon_72, soon_24, expired, ended)} == {"STATUS_UPDATE"}
    assert soon_24["data"]["rental_id"] == rental_id and soon_24["data"]["hours"] == 24
    with app.app_context():
        assert db.session.scalar(select(Rental.next_event_at).where(Rental.id == rental_id)) is None


def test_when_the_hold_ends_the_server_is_released(app, api, clock, tick, alice, server_id, make_user):
    rent(api, alice, server_id)
    clock.set(HOLD_UNTIL)
    with app.app_context():
        assert db.session.scalar(select(Server.reserved_until).where(Server.id == server_id)) == HOLD_UNTIL

    output = tick()

    assert "check check_rentals: rentals 1, events 1, rental.ended 1, released 1" in output
    with app.app_context():
        assert db.session.scalar(select(Server.reserved_until).where(Server.id == server_id)) is None
    rent(api, make_user("bob", balance_cents=100_00), server_id)  # and someone else can rent it


def test_a_second_tick_adds_nothing(app, api, clock, tick, alice, server_id):
    rent(api, alice, server_id)
    clock.set(END - timedelta(hours=24))
    tick()
    with app.app_context():
        events_before = db.session.scalar(select(db.func.count()).select_from(Event))
    before = notifications(app)

    output = tick()

    assert notifications(app) == before and len(before) == 1
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Event)) == events_before == 2  # rent, reminder
    assert "check check_rentals: nothing to do" in output


def test_when_the_worker_was_down_only_the_latest_mark_due_is_sent(app, api, clock, tick, alice, server_id):
    rent(api, alice, server_id)
    rent(api, alice, make_servers(app, [server_record("node-2", prices={"7": "70.00"})])["node-2"])

    clock.set(END - timedelta(hours=2))  # both reminders passed unseen
    tick()
    assert received(app) == [("alice", "rental.ending_soon")] * 2
    assert {note["data"]["hours"] for note in notifications(app)} == {24}

    clock.set(HOLD_UNTIL + timedelta(days=3))  # the expiry and the end of the hold passed unseen
    tick()
    assert received(app)[2:] == [("alice", "rental.ended")] * 2


def test_a_one_day_rental_is_not_reminded_of_marks_before_it_began(app, api, clock, tick, alice, server_id):
    rent(api, alice, server_id, days=1)  # its 72-hour mark is before it began, its 24-hour mark is its start

    clock.advance(hours=23, minutes=59)
    tick()
    assert received(app) == []

    clock.advance(minutes=1)
    tick()
    assert received(app) == [("alice", "rental.expired")]


def test_reminder_hours_come_from_the_setting(app, api, clock, tick, alice, server_id):
    app.config["REMINDER_HOURS"] = (48, 6)
    rent(api, alice, server_id)

    clock.set(END - timedelta(hours=72))
    tick()
    assert received(app) == []
    clock.set(END - timedelta(hours=48))
    tick()
    clock.set(END - timedelta(hours=6))
    tick()
    assert [note["title"] for note in notifications(app)] == ["node-us-nyc-1 ends in 2 days",
                                                              "node-us-nyc-1 ends in 6 hours"]


# --- Extensions start a new period ---------------------------------------------------------------------

def test_an_extension_resets_the_reminders(app, api, clock, tick, alice, server_id):
    rental_id = rent(api, alice, server_id)
    clock.set(END - timedelta(hours=72))
    tick()
    assert received(app) == [("alice", "rental.ending_soon")]

    clock.advance(hours=1)
    extend(api, alice, rental_id, days=7)
    new_end = END + timedelta(days=7)

    clock.set(END - timedelta(hours=24))  # the old period's marks are gone
    tick()
    clock.set(END + timedelta(hours=1))
    tick()
    assert received(app) == [("alice", "rental.ending_soon")]

    clock.set(new_end - timedelta(hours=72))  # the new period's reminders, with the new end
    tick()
    clock.set(new_end - timedelta(hours=24))
    tick()
    new_reminders = notifications(app)[1:]
    assert [note["data"]["hours"] for note in new_reminders] == [72, 24]
    assert {note["data"]["rental_end"] for note in new_reminders} == {"2025-02-04T22:00:00.000Z"}
    assert "ends on 04 Feb 2025, 22:00 UTC" in new_reminders[1]["message"]


def test_an_extension_during_the_hold_cancels_the_end(app, api, clock, tick, alice, server_id):
    rental_id = rent(api, alice, server_id)
    clock.set(END + timedelta(hours=1))
    tick()
    assert received(app)[-1] == ("alice", "rental.expired")

    extend(api, alice, rental_id, days=1)  # ends 29 Jan 22:00: its 72- and 24-hour marks are already past
    clock.set(HOLD_UNTIL)  # the old hold's end: nothing ends now
    tick()
    assert received(app)[-1] == ("alice", "rental.expired")
    with app.app_context():
        assert db.session.scalar(select(Server.reserved_until).where(Server.id == server_id)) is not None

    clock.set(END + timedelta(days=1))
    tick()
    assert received(app)[-1] == ("alice", "rental.expired")
    assert len(received(app)) == 2  # the new period's own expiry


# --- Who hears of it -------------------------------------------------------------------------------------

@pytest.fixture
def funded_team(app, team):
    from services import wallet

    with app.app_context():
        for position in ("owner", "admin", "user"):
            wallet.credit(team.person(position).username, 1000_00)
        db.session.remove()
    return team


@pytest.mark.parametrize("renter, expected", [
    ("user", ["jane_admin", "joe_user", "team_lead"]),
    ("admin", ["jane_admin", "team_lead"]),  # the admin once, as renter and as admin
    ("owner", ["jane_admin", "team_lead"]),  # the owner once
])
def test_a_rental_in_a_shared_pool_reaches_the_renter_and_the_pools_owner_and_admins_once_each(
        app, api, clock, tick, funded_team, server_id, renter, expected):
    rental_id = rent(api, funded_team.person(renter), server_id, pool_id=funded_team.pool_id)
    for moment in (END - timedelta(hours=72), END - timedelta(hours=24), END, HOLD_UNTIL):
        clock.set(moment)
        tick()

    for event in ("rental.ending_soon", "rental.expired", "rental.ended"):
        people = sorted(to for to, kind in received(app) if kind == event)
        assert people == sorted(expected * (2 if event == "rental.ending_soon" else 1))
    # Each of them can open the page the notification links to.
    for person in (funded_team.owner, funded_team.admin, funded_team.person(renter)):
        assert api.get(f"/rentals/{rental_id}", as_=person).status_code == 200


def test_a_rental_in_the_renters_default_pool_reaches_the_renter_only(app, api, clock, tick, funded_team, server_id):
    rent(api, funded_team.user, server_id)  # a member of the team pool, renting for themselves
    clock.set(END)
    tick()
    assert received(app) == [("joe_user", "rental.expired")]


# --- Cost ---------------------------------------------------------------------------------------------

def test_reminders_cost_as_many_statements_for_twenty_rentals_as_for_one(app, api, clock, run_jobs, make_user):
    """The check and the dispatch work in batches: no statement per rental or per notification."""
    from sqlalchemy import event

    names = [f"node-{i}" for i in range(21)]
    server_ids = make_servers(app, [server_record(name, prices={"7": "70.00"}) for name in names])
    people = [make_user(f"renter_{i}", balance_cents=100_00) for i in range(21)]
    rent(api, people[0], server_ids[names[0]])  # due first, alone
    clock.advance(days=1)
    for person, name in zip(people[1:], names[1:]):  # due a day later, together
        rent(api, person, server_ids[name])
    run_jobs()  # the rents' own events, dispatched before the ticks measured

    def statements_of_a_tick() -> int:
        executed = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: executed.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            run_jobs()
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(executed)

    clock.set(END - timedelta(hours=72))
    one = statements_of_a_tick()
    clock.advance(days=1)
    twenty = statements_of_a_tick()

    assert len(received(app)) == 21
    assert one == twenty


# --- Rentals made before the upgrade ------------------------------------------------------------------

def test_the_upgrade_gives_rentals_not_ended_their_next_mark_and_sends_nothing_late(tmp_path, monkeypatch):
    """Marks that passed before the upgrade are not sent; the next one is, and ended rentals wait for nothing."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import MIGRATIONS_DIR, create_app

    monkeypatch.setenv("REMINDER_HOURS", "72,24")
    old = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}", "AUTO_MIGRATE": False,
                      "TESTING": True, "SECRET_KEY": "test-secret", "JOBS_DB": str(tmp_path / "jobs.sqlite3")})
    now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    rentals = {  # rental_end of each, relative to the upgrade
        "in 10 days": now + timedelta(days=10),
        "in 2 days": now + timedelta(days=2),  # its 72-hour mark passed: the 24-hour one is next
        "expired an hour ago": now - timedelta(hours=1),  # held: its end is next
        "ended a week ago": now - timedelta(days=7),
    }
    with old.app_context():
        upgrade(directory=MIGRATIONS_DIR, revision="0006")
        db.session.execute(text(
            "INSERT INTO users (id, username, alias, password_hash, balance_cents, is_admin, created_at) "
            "VALUES ('u', 'old', '', 'x', 0, 0, :now)"), {"now": now})
        db.session.execute(text(
            "INSERT INTO pools (id, owner_id, name, description, is_default, settings, created_at, updated_at) "
            "VALUES ('p', 'u', 'Default', '', 1, '{}', :now, :now)"), {"now": now})
        db.session.execute(text(
            "INSERT INTO servers (id, name, country, region, city, datacenter, model, is_vm, category, featured, "
            "popularity_rank, setup_time_minutes, cpu_model, cpu_cores, cpu_threads, cpu_score, cpu_score_type, "
            "ram_gb, ram_type, ram_speed_mhz, disks, total_storage_gb, disk_summary, bandwidth_mbps, "
            "traffic_unlimited, ipv4_count, ipv6_enabled, min_price_per_day_millicents, created_at, updated_at) "
            "VALUES ('s', 'n', 'US', 'r', 'c', 'd', 'm', 0, 'compute', 0, 1, 1, 'c', 1, 1, 1, 'passmark', 1, "
            "'DDR4', 1, '[]', 1, '', 1, 1, 1, 1, 1, :now, :now)"), {"now": now})
        for name, end in rentals.items():
            db.session.execute(text(
                "INSERT INTO rentals (id, user_id, server_id, pool_id, rental_start, rental_end, hold_days, "
                "hold_until, amount_cents, created_at) VALUES (:id, 'u', 's', 'p', :start, :end, 2, :hold, 1, :start)"),
                {"id": name, "start": end - timedelta(days=30), "end": end, "hold": end + timedelta(days=2)})
        db.session.commit()

        upgrade(directory=MIGRATIONS_DIR)

        next_marks = dict(db.session.execute(select(Rental.id, Rental.next_event_at)).all())
        db.engine.dispose()
    utc = timezone.utc
    assert next_marks == {
        "in 10 days": (now + timedelta(days=7)).replace(tzinfo=utc),
        "in 2 days": (now + timedelta(days=1)).replace(tzinfo=utc),
        "expired an hour ago": (now + timedelta(days=2, hours=-1)).replace(tzinfo=utc),
        "ended a week ago": None,
    }
