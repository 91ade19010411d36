"""Serving: GET /healthz for load balancers, the one-line-per-request log, and PROXY_FIX behind a proxy."""
import json
import logging
import sqlite3
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.extensions import db

from core.request_log import LOGGER_NAME

# The database is fine; no worker has ever given a sign of life in these tests (tests/test_jobs.py
# has the worker's side of /healthz).
DATABASE_OK = {"status": "degraded", "database": "ok", "worker": {"last_heartbeat": None, "status": "none"}}


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == DATABASE_OK


def test_healthz_needs_no_login_cookie_or_token(app):
    anonymous = app.test_client(use_cookies=False)
    assert anonymous.get("/healthz").status_code == 200


def test_healthz_is_503_with_the_kind_of_error_when_the_database_is_unreachable(app, tmp_path):
    from app import create_app

    broken = create_app({
        "TESTING": True, "AUTO_MIGRATE": False, "SECRET_KEY": "test-secret",
        # a folder, not a file: SQLite cannot open it
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}",
    })
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "error", "error": "OperationalError"}



def _read_only_app(database_url: str):
    """The test database opened so that it refuses every write, as a read-only deployment would."""
    from app import create_app

    if database_url.startswith("sqlite"):
        # Opened read-only by SQLite itself: file permissions would not stop a test run as root.
        url, options = f"sqlite:///file:{database_url.removeprefix('sqlite:///')}?mode=ro&uri=true", {}
    else:
        # What a hot standby or ALTER DATABASE ... SET default_transaction_read_only does to sessions.
        url, options = database_url, {"connect_args": {"options": "-c default_transaction_read_only=on"}}
    return create_app({"TESTING": True, "AUTO_MIGRATE": False, "SECRET_KEY": "test-secret",
                       "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options})


def test_healthz_is_503_when_the_database_answers_but_refuses_writes(database_url, make_user):
    make_user("reader")
    read_only = _read_only_app(database_url)
    with read_only.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM users")) == 1  # it reads
        with pytest.raises(DBAPIError):
            db.session.execute(text("UPDATE users SET alias = alias"))  # and it refuses writes
        db.session.rollback()

    response = read_only.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "read-only"}
    with read_only.app_context():
        db.engine.dispose()


def _sqlite_app(path):
    from app import create_app

    return create_app({"TESTING": True, "AUTO_MIGRATE": False, "SECRET_KEY": "test-secret",
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})


def test_healthz_on_sqlite_writes_nothing(tmp_path):
    path = tmp_path / "health.db"
    app = _sqlite_app(path)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # the first connection switches the file to WAL
    files = [path, tmp_path / "health.db-wal"]
    before = [file.read_bytes() if file.exists() else None for file in files]

    for _ in range(3):
        assert client.get("/healthz").get_json() == DATABASE_OK

    assert [file.read_bytes() if file.exists() else None for file in files] == before
    with app.app_context():
        assert db.session.scalar(text("PRAGMA user_version")) == 0
        db.engine.dispose()


def test_healthz_on_sqlite_does_not_wait_for_a_writer_holding_the_lock(tmp_path):
    path = tmp_path / "health.db"
    app = _sqlite_app(path)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a long write in progress elsewhere
    try:
        started = time.perf_counter()
        response = client.get("/healthz")
        elapsed = time.perf_counter() - started
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    assert response.get_json() == DATABASE_OK
    assert elapsed < 2  # the app's writes wait up to 5 s for the lock; the check does not
    with app.app_context():
        # and the app's own connections still wait for the lock as before
        assert db.session.scalar(text("PRAGMA busy_timeout")) == 5000
        db.engine.dispose()


def _request_lines(caplog) -> list[dict]:
    return [json.loads(record.getMessage()) for record in caplog.records if record.name == LOGGER_NAME]


def test_each_request_is_logged_once_with_method_path_status_and_duration(client, caplog):
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        client.get("/healthz")
        client.get("/api/v1/no-such-endpoint")
    first, second = _request_lines(caplog)
    assert {key: first[key] for key in ("method", "path", "status")} == {
        "method": "GET", "path": "/healthz", "status": 200}
    assert isinstance(first["duration_ms"], (int, float)) and first["duration_ms"] >= 0
    assert (second["path"], second["status"]) == ("/api/v1/no-such-endpoint", 404)


def test_a_request_refused_before_its_view_runs_is_logged_too(app, client, caplog):
    too_big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        response = client.post("/api/v1/pools", data=too_big, content_type="application/json")
    assert response.status_code == 413
    assert [(line["path"], line["status"]) for line in _request_lines(caplog)] == [("/api/v1/pools", 413)]


def test_the_log_never_has_the_query_string_or_the_token(client, make_user, caplog):
    person = make_user("logged")
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        client.get("/api/v1/wallet/balance?token=secret-in-the-url", headers=person.headers)
    lines = _request_lines(caplog)
    assert [line["path"] for line in lines] == ["/api/v1/wallet/balance"]
    assert "secret-in-the-url" not in caplog.text and person.token not in caplog.text


def test_log_level_warning_turns_the_request_lines_off(database_url, caplog):
    from app import create_app

    quiet = create_app({"TESTING": True, "AUTO_MIGRATE": False, "SECRET_KEY": "test-secret",
                        "SQLALCHEMY_DATABASE_URI": database_url, "LOG_LEVEL": "WARNING"})
    quiet.test_client().get("/healthz")
    assert _request_lines(caplog) == []


def _audit_ips(client, person, forwarded_for: str) -> set:
    headers = {**person.headers, "X-Forwarded-For": forwarded_for}
    created = client.post("/api/v1/pools", json={"name": f"Pool via {forwarded_for}"}, headers=headers)
    assert created.status_code == 201, created.get_json()
    audit = client.get(f"/api/v1/pools/{created.get_json()['data']['id']}/audit", headers=person.headers)
    return {event["ip"] for event in audit.get_json()["data"]}


def test_behind_a_proxy_proxy_fix_takes_the_client_address_from_x_forwarded_for(
        database_url, make_user, monkeypatch):
    from app import create_app

    person = make_user("proxied")
    monkeypatch.setenv("PROXY_FIX", "1")
    proxied = create_app({"TESTING": True, "AUTO_MIGRATE": False, "SECRET_KEY": "test-secret",
                          "SQLALCHEMY_DATABASE_URI": database_url})
    assert _audit_ips(proxied.test_client(), person, "203.0.113.7") == {"203.0.113.7"}


def test_without_proxy_fix_x_forwarded_for_is_ignored(client, make_user):
    person = make_user("direct")
    assert _audit_ips(client, person, "203.0.113.7") == {"127.0.0.1"}
