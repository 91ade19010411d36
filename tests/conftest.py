"""Fixtures: a fresh app per test on an emptied database, users with tokens, and an API client.

The database is SQLite in a temporary folder unless ``TEST_DATABASE_URL`` names another
(``postgresql+psycopg://postgres@127.0.0.1:5432/test``); its schema is built once per run by the
migrations, and every table is emptied after each test. Tests of shared rate-limit counts use the
Redis database ``TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/1``), emptied around each.
Every app's test client holds each error answer of the API to the OpenAPI document
(``tests.documented_errors``).
"""
import os
from datetime import datetime, timezone

import pytest
from redis import Redis

from app import create_app
from core.extensions import db
from core.timeutil import set_clock
from services import accounts, tokens
from tests.database import empty_database, reset_database
from tests.people import ApiClient, Clock, Person, Team
from tests.documented_errors import DocumentedErrorsClient
from tests.compiled_once import COMPILED_TEMPLATES, remember_url_builders
from tests.users import FAST_PASSWORD_HASH, PASSWORD

os.environ["APP_ENV"] = "testing"  # every app the tests make, here or in a subprocess, may use a test SECRET_KEY
remember_url_builders()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    reset_database(url)
    # Built by the migrations, so every run also proves they create what the models describe.
    create_app({"SQLALCHEMY_DATABASE_URI": url, "AUTO_MIGRATE": True})
    return url


@pytest.fixture
def redis_url():
    """An empty Redis database, emptied again afterwards; only this one database is ever flushed."""
    url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/1"
    with Redis.from_url(url) as redis:
        redis.flushdb()
        yield url
        redis.flushdb()


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "AUTO_MIGRATE": False,
        "PASSWORD_HASH_METHOD": FAST_PASSWORD_HASH,
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": "localhost",
        "JOBS_DB": str(tmp_path / "jobs.sqlite3"),  # each test its own job queue
        "REDIS_URL": None,
    })
    app.test_client_class = DocumentedErrorsClient
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    yield app
    empty_database(app)
    with app.app_context():
        db.engine.dispose()
    forget_compiled_statements()


def forget_compiled_statements() -> None:
    """Every test's app has an engine of its own, and the ORM keeps the statements it compiled for an
    engine in each model's mapper (up to 100 a mapper), each holding that engine's dialect and every
    type the dialect has seen. Kept, they pile up over the suite and make each full garbage collection
    longer, until a test's set-up takes seconds."""
    for mapper in db.Model.registry.mappers:
        mapper._compiled_cache.clear()


@pytest.fixture
def clock():
    """Time starts at 2025-01-21T22:00:00Z, the moment of the published examples."""
    fixed = Clock(datetime(2025, 1, 21, 22, 0, tzinfo=timezone.utc))
    set_clock(fixed)
    yield fixed
    set_clock(None)


@pytest.fixture
def run_jobs(app):
    """Run what ``flask jobs tick`` runs (every periodic check, then every job due) and return what
    each did."""
    def run():
        with app.app_context():
            return app.extensions["jobs"].tick()

    return run


@pytest.fixture
def tick(runner):
    """``flask jobs tick``, as cron runs it, checked to succeed; returns what it printed."""
    def run() -> str:
        result = runner.invoke(args=["jobs", "tick"])
        assert result.exit_code == 0, result.output
        return result.output
    return run


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    def make(username: str, balance_cents: int = 0, is_admin: bool = False, alias: str = "") -> Person:
        from models import Pool

        with app.app_context():
            user = accounts.create_user(username, PASSWORD, alias=alias, is_admin=is_admin,
                                        balance_cents=balance_cents)
            _, plain = tokens.create_token(user, "tests", 30)
            default_pool = db.session.scalar(
                db.select(Pool.id).where(Pool.owner_id == user.id, Pool.is_default.is_(True))
            )
            return Person(user.id, user.username, user.alias, plain, default_pool)

    return make


@pytest.fixture
def api(client):
    return ApiClient(client)


@pytest.fixture
def team(api, make_user) -> Team:
    owner = make_user("team_lead", alias="Team Lead")
    admin = make_user("jane_admin", alias="Jane Smith")
    user = make_user("joe_user", alias="Joe User")
    other_user = make_user("olga_user", alias="Olga User")
    invitee = make_user("ivan_invitee", alias="Ivan Invitee")
    stranger = make_user("sam_stranger", alias="Sam Stranger")
    created = api.post("/pools", as_=owner, json={"name": "Development Team",
                                                  "description": "Pool for development team resources"})
    pool_id = created.json["data"]["id"]
    for person, role in ((admin, "admin"), (user, "user"), (other_user, "user")):
        invitation = api.post(f"/pools/{pool_id}/members", as_=owner, json={"username": person.username, "role": role})
        api.post(f"/pools/{invitation.json['data']['id']}/accept", as_=person)
    pending = api.post(f"/pools/{pool_id}/members", as_=owner, json={"username": invitee.username, "role": "user"})
    return Team(pool_id, owner, admin, user, other_user, invitee, stranger, pending.json["data"]["id"])
