"""The Flask commands: users create, disable and enable, wallet credit, servers import, seed-demo (and
scripts/demo --fresh)."""
import json
import os
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.limits import DISK_TYPES, RAM_TYPES, SERVER_CATEGORIES
from models import (AuditEvent, Membership, Notification, Pool, Rental, Server, ServerDiskType, ServerPrice,
                    Transaction, User)
from services import accounts
from tests.records import SAMPLE_FILE, SEED_SERVER, record
from tests.users import FAST_PASSWORD_HASH, PASSWORD


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def invoke(runner, *args):
    return runner.invoke(args=[str(arg) for arg in args])


def write_json(tmp_path, data, name="servers.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


# --- users create ---------------------------------------------------------------------------------


def test_users_create_prints_the_id(app, runner):
    result = invoke(runner, "users", "create", "erin", "--password", "secret-pass", "--alias", "Erin E.")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = accounts.find_user("erin")
        assert result.stdout.strip() == user.id
        assert user.alias == "Erin E."
        assert user.is_admin is False
        assert user.balance_cents == 0
        assert count(Transaction) == 0
        assert db.session.scalar(select(Pool).where(Pool.owner_id == user.id)).is_default
        assert accounts.authenticate("erin", "secret-pass") is not None


def test_users_create_with_balance_and_admin(app, runner):
    result = invoke(runner, "users", "create", "frank", "--password", "secret-pass", "--admin", "--balance", "99.50")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = accounts.find_user("frank")
        assert user.is_admin is True
        assert user.balance_cents == 9950
        (credit,) = db.session.scalars(select(Transaction).where(Transaction.user_id == user.id)).all()
        assert (credit.type, credit.amount_cents) == ("credit", 9950)
    assert invoke(runner, "users", "create", "gina", "--password", "secret-pass", "--balance", "250").exit_code == 0
    with app.app_context():
        assert accounts.find_user("gina").balance_cents == 25000


@pytest.mark.parametrize("args, message", [
    (["erin", "--password", "secret-pass"], "The username erin is taken"),
    (["ERIN", "--password", "secret-pass"], "The username ERIN is taken"),
    (["bad name", "--password", "secret-pass"], "username may contain only letters, digits, underscore and dash"),
    (["harry", "--password", "short"], "password must be at least 8 characters"),
    (["harry", "--password", "secret-pass", "--balance", "1.234"], "at most 2 decimals"),
    (["harry", "--password", "secret-pass", "--balance", "lots"], "number of dollars"),
    (["harry", "--password", "secret-pass", "--balance", "-5"], "must not be negative"),
])
def test_users_create_refuses_clearly(app, runner, args, message):
    assert invoke(runner, "users", "create", "erin", "--password", "secret-pass").exit_code == 0
    result = invoke(runner, "users", "create", *args)
    assert result.exit_code == 1
    assert message in result.output
    with app.app_context():
        assert count(User) == 1


# --- users disable and enable ---------------------------------------------------------------------


def test_users_disable_and_enable(app, runner, api, make_user):
    bob = make_user("bob")
    result = invoke(runner, "users", "disable", "BOB")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Disabled bob: their API tokens get 403 and their browser sessions have ended\n"
    response = api.get("/pools", as_=bob)
    assert response.status_code == 403 and response.json["message"] == "This account is disabled"

    result = invoke(runner, "users", "enable", "bob")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Enabled bob: their API tokens work again and they can log in\n"
    assert api.get("/pools", as_=bob).status_code == 200
    with app.app_context():
        trail = db.session.execute(select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.target_id)
                                   .where(AuditEvent.action.like("user.%")).order_by(AuditEvent.created_at)).all()
    assert [tuple(row) for row in trail] == [("user.disabled", None, bob.id), ("user.enabled", None, bob.id)]


@pytest.mark.parametrize("command", ["disable", "enable", "sessions"])
def test_users_commands_name_an_unknown_user_clearly(runner, command):
    result = invoke(runner, "users", command, "nobody")
    assert result.exit_code == 1
    assert "No user named nobody" in result.output


# --- wallet credit --------------------------------------------------------------------------------


def test_wallet_credit_prints_the_new_balance(app, runner, make_user):
    make_user("bob", balance_cents=1000)
    result = invoke(runner, "wallet", "credit", "bob", "49.99")
    assert result.exit_code == 0, result.output
    assert "$59.99" in result.output
    with app.app_context():
        user = accounts.find_user("bob")
        assert user.balance_cents == 5999
        amounts = db.session.scalars(select(Transaction.amount_cents).where(Transaction.user_id == user.id)).all()
        assert sorted(amounts) == [1000, 4999]


@pytest.mark.parametrize("username, amount, message", [
    ("bob", "12.345", "at most 2 decimals"),
    ("bob", "-5", "greater than zero"),
    ("bob", "0", "greater than zero"),
    ("bob", "ten", "number of dollars"),
    ("nobody", "5", "No user named nobody"),
    ("bob", "1000000.01", "must be at most $1000000.00"),
    ("bob", "1e30", "must be at most $1000000.00"),
])
def test_wallet_credit_refuses_clearly(app, runner, make_user, username, amount, message):
    make_user("bob", balance_cents=1000)
    result = invoke(runner, "wallet", "credit", username, amount)
    assert result.exit_code == 1
    assert message in result.output
    with app.app_context():
        assert accounts.find_user("bob").balance_cents == 1000
        assert count(Transaction) == 1


# --- servers import -------------------------------------------------------------------------------


def test_servers_import(app, runner, tmp_path):
    items = [SEED_SERVER] + [record(name=f"node-{i}", specs__disks__config=[
        {"count": 4, "capacity_gb": 8000, "type": "SAS", "interface": "SAS 12Gb/s"}]) for i in range(4)]
    result = invoke(runner, "servers", "import", write_json(tmp_path, items))
    assert result.exit_code == 0, result.output
    assert "Imported 5 servers" in result.output
    with app.app_context():
        assert count(Server) == 5
        assert count(ServerPrice) == 15
        sas = db.session.scalar(select(Server).where(Server.name == "node-2"))
        assert sas.total_storage_gb == 32000
        assert sas.disk_summary == "4x8TB SAS"
        assert sas.min_price_per_day_millicents == 800_000
        assert [d.disk_type for d in sas.disk_types] == ["SAS"]
        assert db.session.get(Server, SEED_SERVER["id"]).name == "node-us-nyc-1"


def test_servers_import_reports_every_problem_and_imports_nothing(app, runner, tmp_path):
    items = [record(), record(name="bad-one", specs__cpu__cores=0), record(),
             record(name="bad-three", pricing__prices={"1": "12.345"}, specs__ram__type="DDR9"), record()]
    result = invoke(runner, "servers", "import", write_json(tmp_path, items))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert 'record 1 (name "bad-one"): specs.cpu.cores: must be at least 1' in lines
    assert 'record 3 (name "bad-three"): pricing.prices.1: must have at most 2 decimals' in lines
    assert any(line.startswith('record 3 (name "bad-three"): specs.ram.type: must be one of') for line in lines)
    assert "nothing was imported" in result.output
    with app.app_context():
        assert count(Server) == 0
        assert count(ServerPrice) == 0


def test_servers_import_refuses_an_existing_id(app, runner, tmp_path):
    path = write_json(tmp_path, [SEED_SERVER])
    assert invoke(runner, "servers", "import", path).exit_code == 0
    result = invoke(runner, "servers", "import", write_json(tmp_path, [record(), SEED_SERVER], "again.json"))
    assert result.exit_code == 1
    assert 'record 1 (name "node-us-nyc-1"): id: a server with this id already exists' in result.output
    with app.app_context():
        assert count(Server) == 1


def test_servers_import_refuses_duplicate_ids_in_the_file(app, runner, tmp_path):
    result = invoke(runner, "servers", "import", write_json(tmp_path, [SEED_SERVER, SEED_SERVER]))
    assert result.exit_code == 1
    assert "id: duplicates the id of record 0" in result.output
    with app.app_context():
        assert count(Server) == 0


@pytest.mark.parametrize("content, message", [
    ('{"name": "node"}', "must contain a JSON array of server objects, not a JSON object"),
    ('"servers"', "must contain a JSON array"),
    ("[{]", "is not valid JSON"),
    ("", "is not valid JSON"),
])
def test_servers_import_refuses_what_is_not_an_array(app, runner, tmp_path, content, message):
    result = invoke(runner, "servers", "import", write_json(tmp_path, content))
    assert result.exit_code == 1
    assert message in result.output


def test_servers_import_of_a_missing_file(runner, tmp_path):
    result = invoke(runner, "servers", "import", tmp_path / "nope.json")
    assert result.exit_code == 1
    assert "Cannot read" in result.output


def test_servers_import_of_the_sample_file(app, runner):
    result = invoke(runner, "servers", "import", SAMPLE_FILE)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert count(Server) == 3


# --- seed-demo ------------------------------------------------------------------------------------


def counts() -> dict:
    return {model.__name__: count(model) for model in (User, Pool, Membership, Server, ServerPrice,
                                                        ServerDiskType, Transaction, Rental)}


def test_seed_demo(app, runner):
    result = invoke(runner, "seed-demo")
    assert result.exit_code == 0, result.output
    assert "demo-password" in result.output
    assert "servers: created 240, already there 0" in result.output
    with app.app_context():
        servers = db.session.scalars(select(Server)).all()
        assert len(servers) == 240
        assert {s.category for s in servers} == set(SERVER_CATEGORIES)
        assert {s.ram_type for s in servers} == set(RAM_TYPES)
        assert set(db.session.scalars(select(ServerDiskType.disk_type))) == set(DISK_TYPES)
        assert len({s.country for s in servers}) >= 8
        assert {s.bandwidth_mbps for s in servers} >= {500, 1000, 10000, 25000}
        assert any(s.traffic_unlimited for s in servers) and any(not s.traffic_unlimited for s in servers)
        assert min(s.ram_gb for s in servers) == 16 and max(s.ram_gb for s in servers) == 1024
        assert 5 <= sum(s.featured for s in servers) <= 50
        assert {p for p in db.session.scalars(select(ServerPrice.days).distinct())} == {1, 3, 7, 14, 30, 90}
        # Longer rentals cost less a day.
        for server in servers:
            per_day = [p.price_per_day_millicents for p in sorted(server.prices, key=lambda p: p.days)]
            assert per_day == sorted(per_day, reverse=True)

        alice, bob, carol, dave = (accounts.find_user(name) for name in ("alice", "bob", "carol", "dave"))
        assert alice.is_admin and not bob.is_admin
        # Opening credits, less what the demo rentals cost.
        for user, opening in zip((alice, bob, carol, dave), (500_000, 120_000, 30_000, 0)):
            charged = db.session.scalar(select(func.coalesce(func.sum(Rental.amount_cents), 0))
                                        .where(Rental.user_id == user.id))
            assert user.balance_cents == opening - charged
        rented = {(r.user_id, r.pool.name, r.rental_end - r.rental_start) for r in db.session.scalars(select(Rental))}
        assert rented == {(alice.id, "Platform Team", timedelta(days=30)), (bob.id, "Platform Team", timedelta(days=7)),
                          (bob.id, "Staging", timedelta(days=14)), (carol.id, "Default", timedelta(days=3)),
                          (alice.id, "Platform Team", timedelta(days=7))}
        assert accounts.authenticate("carol", "demo-password") is not None
        pools = {(p.owner_id, p.name): p for p in db.session.scalars(select(Pool))}
        platform = pools[(alice.id, "Platform Team")]
        science = pools[(alice.id, "Data Science")]
        assert (bob.id, "Staging") in pools
        members = {(m.pool_id, m.user_id): (m.role, m.is_authorized) for m in db.session.scalars(select(Membership))}
        assert members[(platform.id, bob.id)] == ("admin", True)
        assert members[(platform.id, carol.id)] == ("user", True)
        assert members[(science.id, dave.id)] == ("user", False)


def test_the_demo_has_a_rental_whose_first_reminder_comes_with_the_workers_first_run(app, runner):
    seeded = invoke(runner, "seed-demo", "--servers", "30")
    assert seeded.exit_code == 0, seeded.output

    result = invoke(runner, "jobs", "tick")

    assert result.exit_code == 0, result.output
    with app.app_context():
        told = db.session.execute(
            select(User.username, Notification.title).join(User, User.id == Notification.user_id)
            .where(Notification.event == "rental.ending_soon").order_by(User.username)
        ).all()
    assert [username for username, _ in told] == ["alice", "bob"]  # the renter (and pool owner), the pool's admin
    assert {title.rpartition(" ends in ")[2] for _, title in told} == {"3 days"}


def test_seed_demo_twice_adds_nothing(app, runner):
    assert invoke(runner, "seed-demo").exit_code == 0
    with app.app_context():
        before = counts()
    result = invoke(runner, "seed-demo")
    assert result.exit_code == 0, result.output
    assert "servers: created 0, already there 240" in result.output
    assert "users: already there: alice, bob, carol, dave" in result.output
    with app.app_context():
        assert counts() == before


def test_seed_demo_is_deterministic_and_grows(app, runner):
    assert invoke(runner, "seed-demo", "--servers", "12").exit_code == 0
    with app.app_context():
        first = {s.id: (s.name, s.ram_gb, s.min_price_per_day_millicents) for s in db.session.scalars(select(Server))}
        assert len(first) == 12
        # Even a small demo shows every category, RAM type and disk type.
        assert {s.category for s in db.session.scalars(select(Server))} == set(SERVER_CATEGORIES)
        assert {s.ram_type for s in db.session.scalars(select(Server))} == set(RAM_TYPES)
        assert set(db.session.scalars(select(ServerDiskType.disk_type))) == set(DISK_TYPES)
    result = invoke(runner, "seed-demo", "--servers", "20")
    assert "servers: created 8, already there 12" in result.output
    with app.app_context():
        after = {s.id: (s.name, s.ram_gb, s.min_price_per_day_millicents) for s in db.session.scalars(select(Server))}
        assert len(after) == 20
        assert {k: after[k] for k in first} == first


def test_seed_demo_keeps_existing_users_as_they_are(app, runner, make_user):
    make_user("alice", balance_cents=100)
    result = invoke(runner, "seed-demo", "--servers", "0")
    assert result.exit_code == 0, result.output
    assert "users: created bob, carol, dave; already there: alice" in result.output
    with app.app_context():
        alice = accounts.find_user("alice")
        assert alice.balance_cents == 100 and not alice.is_admin


# --- seed-demo --fresh and scripts/demo --fresh --------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def _demo_install(instance: Path, monkeypatch, auto_migrate: bool = True):
    """An app as ``scripts/demo`` makes it: the default SQLite database in its own instance folder."""
    from app import create_app

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(instance))
    return create_app({"TESTING": True, "AUTO_MIGRATE": auto_migrate, "PASSWORD_HASH_METHOD": FAST_PASSWORD_HASH})


def _usernames(app) -> set:
    with app.app_context():
        names = set(db.session.scalars(select(User.username)))
        db.engine.dispose()
    return names


def test_seed_demo_fresh_deletes_the_database_and_seeds_a_new_one(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    app = _demo_install(instance, monkeypatch)
    with app.app_context():
        accounts.create_user("tinkerer", PASSWORD)
        db.engine.dispose()
    (instance / "notes.txt").write_text("mine")
    secret_key = (instance / "secret_key").read_text()

    result = invoke(app.test_cli_runner(), "seed-demo", "--fresh", "--servers", "3")

    assert result.exit_code == 0, result.output
    assert f"deleted: {instance / 'marketplace.db'}\n" in result.output
    assert "users: created alice, bob, carol, dave" in result.output
    assert _usernames(app) == {"alice", "bob", "carol", "dave"}
    # Only the database went: the secret key (and with it everyone's sessions) and other files stay.
    assert (instance / "secret_key").read_text() == secret_key
    assert (instance / "notes.txt").read_text() == "mine"


def test_seed_demo_fresh_replaces_a_database_the_app_cannot_open(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "marketplace.db").write_text("not a database")
    (instance / "marketplace.db-wal").write_text("not a log either")
    app = _demo_install(instance, monkeypatch, auto_migrate=False)  # as scripts/demo --fresh runs it

    result = invoke(app.test_cli_runner(), "seed-demo", "--fresh", "--servers", "0")

    assert result.exit_code == 0, result.output
    assert f"deleted: {instance / 'marketplace.db-wal'}, {instance / 'marketplace.db'}\n" in result.output
    assert _usernames(app) == {"alice", "bob", "carol", "dave"}


def test_seed_demo_fresh_refuses_a_database_that_is_not_a_sqlite_file(tmp_path):
    from app import create_app

    app = create_app({"TESTING": True, "AUTO_MIGRATE": False, "SECRET_KEY": "test-secret",
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://market:s3cret@db.invalid/market"})

    result = invoke(app.test_cli_runner(), "seed-demo", "--fresh")

    assert result.exit_code == 1
    assert "--fresh deletes a SQLite database file, and this database is postgresql" in result.output
    assert "drop and create it yourself" in result.output
    assert "s3cret" not in result.output


def test_scripts_demo_fresh_starts_the_demo_from_a_new_database(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    app = _demo_install(instance, monkeypatch)
    with app.app_context():
        accounts.create_user("tinkerer", PASSWORD)
        db.engine.dispose()
    secret_key = (instance / "secret_key").read_text()
    environment = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "AUTO_MIGRATE")}

    # `flask run --help` stands in for the server: it prints its options and exits.
    finished = subprocess.run([str(ROOT / "scripts" / "demo"), "--fresh", "--help"], env=environment,
                              capture_output=True, text=True, timeout=120)

    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "servers: created 240, already there 0" in finished.stdout
    assert "Usage: flask run" in finished.stdout
    assert _usernames(app) == {"alice", "bob", "carol", "dave"}
    assert (instance / "secret_key").read_text() == secret_key
