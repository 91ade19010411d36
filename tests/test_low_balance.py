"""The warning of a low balance (``wallet.low_balance``): when the balance will not pay the renewals of
the next LOW_BALANCE_DAYS (each rental renewed at its end for its own length at today's price), or is
under the user's own threshold. Once per user per day, however often the check runs.

Time moves with the ``clock`` fixture (2025-01-21 22:00 UTC); the check runs with ``flask jobs tick``.
"""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from core.extensions import db
from models import Event, Notification, PeriodicCheck, User
from services.renewals import RenewingRental, renewal_days, runway
from tests.factories import make_servers, server_record

START = datetime(2025, 1, 21, 22, 0, tzinfo=timezone.utc)


@pytest.fixture
def servers(app):
    return make_servers(app, [server_record("node-weekly", prices={"1": "12.00", "7": "70.00"}),
                              server_record("node-monthly", prices={"30": "250.00"})])


def warnings(app) -> list[dict]:
    with app.app_context():
        rows = db.session.execute(
            select(Notification, User.username).join(User, User.id == Notification.user_id)
            .where(Notification.event == "wallet.low_balance").order_by(Notification.created_at)
        ).all()
        db.session.remove()
    return [{"to": username, "title": note.title, "message": note.message, "link": note.link, "data": note.data,
             "at": note.created_at} for note, username in rows]


def set_threshold(app, user_id: str, cents: int | None) -> None:
    # Users set it on their own settings page; these tests only need it set.
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(low_balance_threshold_cents=cents))
        db.session.commit()


# --- The rule: pure functions ---------------------------------------------------------------------

@pytest.mark.parametrize("length_days, offered, expected", [
    (7, [1, 7, 30], 7),
    (14, [1, 7, 30], 7),  # extended once: renewed for the longest duration that fits
    (1, [7, 30], 7),  # nothing that short: the shortest there is
    (7, [], None),  # a server withdrawn from sale is not renewed
])
def test_a_rental_renews_for_its_own_length_or_the_nearest_shorter_duration(length_days, offered, expected):
    assert renewal_days(START, START + timedelta(days=length_days), offered) == expected


def test_the_runway_plays_renewals_forward_until_one_cannot_be_paid():
    daily = RenewingRental("r1", START + timedelta(hours=12), 1, 12_00)
    weekly = RenewingRental("r2", START + timedelta(days=3), 7, 70_00)

    ahead = runway(100_00, [daily, weekly], START, timedelta(days=7))

    # 12 at +0.5 d, 24 at +1.5 d, 36 at +2.5 d, then 106 at +3 d is more than 100.
    assert ahead.runs_out_at == START + timedelta(days=3)
    assert ahead.due_cents == 7 * 12_00 + 70_00
    assert ahead.daily_cents == 22_00
    assert runway(200_00, [daily, weekly], START, timedelta(days=7)).runs_out_at is None
    assert runway(0, [], START, timedelta(days=7)).renewals_due is False


# --- The warning ----------------------------------------------------------------------------------

def test_a_balance_that_will_not_pay_the_next_renewal_is_warned_once_a_day(app, api, clock, tick, make_user, servers):
    alice = make_user("alice", balance_cents=100_00)
    api.rent(alice, servers["node-weekly"], 7)  # $30 left; renewing it on the 28th costs $70

    tick()
    tick()  # a second run the same day says nothing more

    [warning] = warnings(app)
    assert warning["to"] == "alice" and warning["title"] == "Your balance is low: $30.00"
    assert warning["message"] == (
        "Your wallet holds $30.00. Renewing your rentals over the next 7 days at today's prices costs $70.00; "
        "your balance runs out on 28 Jan 2025, 22:00 UTC. Add credit to keep your servers running.")
    assert warning["link"] == "/wallet"
    assert warning["data"]["runs_out_at"] == "2025-01-28T22:00:00.000Z"

    clock.advance(days=1)
    tick()
    tick()
    assert len(warnings(app)) == 2  # the next day, once again
    with app.app_context():
        keys = db.session.scalars(select(Event.key).where(Event.type == "wallet.low_balance").order_by(Event.key))
        assert [key.rsplit(":", 1)[1] for key in keys] == ["2025-01-21", "2025-01-22"]


def test_a_balance_that_pays_the_renewals_is_not_warned(app, api, clock, runner, tick, make_user, servers):
    alice = make_user("alice", balance_cents=140_00)
    api.rent(alice, servers["node-weekly"], 7)  # $70 left: exactly the renewal
    tick()
    assert warnings(app) == []

    runner.invoke(args=["wallet", "credit", "alice", "100"])
    clock.set(START + timedelta(days=6, hours=23))
    tick()
    assert warnings(app) == []


def test_renewals_beyond_the_window_are_not_warned_of_until_they_come_near(app, api, clock, tick, make_user, servers):
    alice = make_user("alice", balance_cents=260_00)
    api.rent(alice, servers["node-monthly"], 30)  # $10 left; the renewal ($250) is 30 days away
    tick()
    assert warnings(app) == []

    clock.set(START + timedelta(days=23, seconds=-1))
    tick()
    assert warnings(app) == []

    clock.set(START + timedelta(days=23))  # the end is 7 days away
    tick()
    assert [warning["to"] for warning in warnings(app)] == ["alice"]


def test_the_window_comes_from_the_setting(app, api, clock, tick, make_user, servers):
    app.config["LOW_BALANCE_DAYS"] = 3
    alice = make_user("alice", balance_cents=100_00)
    api.rent(alice, servers["node-weekly"], 7)

    clock.set(START + timedelta(days=4, seconds=-1))
    tick()
    assert warnings(app) == []
    clock.set(START + timedelta(days=4))
    tick()
    assert len(warnings(app)) == 1 and "over the next 3 days" in warnings(app)[0]["message"]


def test_a_balance_under_the_users_own_threshold_is_warned(app, clock, tick, make_user):
    bob = make_user("bob", balance_cents=40_00)
    carol = make_user("carol", balance_cents=60_00)
    make_user("dave", balance_cents=0)  # no threshold and nothing to renew: never warned
    set_threshold(app, bob.id, 50_00)
    set_threshold(app, carol.id, 50_00)

    tick()

    [warning] = warnings(app)
    assert warning["to"] == "bob"
    assert warning["message"] == ("Your wallet holds $40.00. It is under the $50.00 you asked to be warned at. "
                                  "Add credit to keep your servers running.")


def test_a_renter_in_a_shared_pool_is_warned_alone(app, api, tick, team, servers):
    with app.app_context():
        db.session.execute(update(User).where(User.id == team.user.id).values(balance_cents=75_00))
        db.session.commit()
    rent_in_pool = api.post(f"/servers/{servers['node-weekly']}/rent", as_=team.user,
                            json={"rental_days": 7, "pool_id": team.pool_id})
    assert rent_in_pool.status_code == 201

    tick()

    assert [warning["to"] for warning in warnings(app)] == ["joe_user"]


def test_a_wallet_that_moves_later_in_the_day_is_looked_at_again(app, api, clock, tick, make_user, servers):
    daily = make_servers(app, [server_record("node-daily", prices={"1": "100.00"})])["node-daily"]
    alice = make_user("alice", balance_cents=220_00)
    api.rent(alice, servers["node-weekly"], 7)  # $150 left: the renewal ($70) is paid
    tick()
    assert warnings(app) == []

    clock.advance(hours=1)
    refused = api.post(f"/servers/{servers['node-monthly']}/rent", as_=alice, json={"rental_days": 30})
    assert refused.status_code == 402
    tick()
    assert warnings(app) == []  # the wallet did not move

    clock.advance(hours=1)
    api.rent(alice, daily, 1)  # $50 left, and tomorrow's renewal of it costs $100
    clock.advance(minutes=1)
    tick()

    [warning] = warnings(app)
    assert warning["to"] == "alice" and warning["data"]["balance_cents"] == 50_00
    assert warning["data"]["runs_out_at"] == "2025-01-23T00:00:00.000Z"


# --- Its cost -------------------------------------------------------------------------------------

def _plan(app, statement: str, parameters) -> str:
    with app.app_context(), db.engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        if connection.dialect.name == "sqlite":
            return "\n".join(row[-1] for row in cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters))
        cursor.execute("SET enable_seqscan = off")  # priced as on tables of real size
        cursor.execute(f"EXPLAIN {statement}", parameters)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("later_in_the_day", [False, True], ids=["first run of a day", "later run"])
def test_the_check_finds_whom_to_look_at_through_indexes(app, api, clock, tick, make_user, servers,
                                                         later_in_the_day):
    from tests.statements import statements_sent

    alice = make_user("alice", balance_cents=500_00)
    set_threshold(app, alice.id, 10_00)
    api.rent(alice, servers["node-weekly"], 7)
    if later_in_the_day:
        tick()
        clock.advance(minutes=30)
    with statements_sent(app) as sent:
        tick()

    finding = [(statement, parameters) for statement, parameters in sent
               if statement.lstrip().startswith("SELECT") and ("DISTINCT" in statement
                                                               or "transactions.created_at >" in statement
                                                               or "low_balance_threshold_cents <" in statement)]
    # Renters of the rentals coming due, the payers of their auto-renewals, the wallets moved, those under threshold.
    assert len(finding) == (4 if later_in_the_day else 3), [statement for statement, _ in finding]
    for statement, parameters in finding:
        plan = _plan(app, statement, parameters)
        assert "Seq Scan" not in plan, plan
        assert not any(line.strip().startswith("SCAN") for line in plan.splitlines()), plan


def test_a_second_worker_looking_at_everyone_again_warns_nobody_twice(app, api, clock, tick, make_user, servers):
    alice = make_user("alice", balance_cents=100_00)
    api.rent(alice, servers["node-weekly"], 7)
    tick()
    with app.app_context():  # as a worker that did not see the first run: every renter due again
        db.session.execute(update(PeriodicCheck).values(last_finished_at=None))
        db.session.commit()

    tick()

    assert len(warnings(app)) == 1
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Event)
                                 .where(Event.type == "wallet.low_balance")) == 1
